"""The subscribe page, links to it, and secret feed addresses in private mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import build_app, login_as
from tracker.calendar.operations import hash_token
from tracker.extensions import db
from tracker.models import CalendarToken, Role, User


def test_subscribe_page_lists_every_feed_with_copy_buttons(client: FlaskClient, app: Flask) -> None:
    series = factories.make_series(name="Main series")
    organisation = factories.make_organisation(name="AI Sweden")
    response = client.get("/subscribe")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    for path in (
        "/feeds/meetings.ics",
        "/feeds/deadlines.ics",
        f"/feeds/series/{series.id}.ics",
        f"/feeds/organisations/{organisation.id}.ics",
    ):
        assert f'data-copy="webcal://tracker.test{path}"' in html
        assert f'data-copy="http://tracker.test{path}"' in html
    assert f'id="series-{series.id}"' in html
    assert f'id="organisation-{organisation.id}"' in html
    for words in (
        "Google Calendar",
        "Outlook",
        "Apple Calendar",
        "Subscribing",
        "Downloading once",
    ):
        assert words in html
    assert "<script>" not in html
    assert " onclick=" not in html


def test_base_url_falls_back_to_the_request_host(tmp_path: Path) -> None:
    app = build_app(tmp_path, TRACKER_BASE_URL="")
    with app.app_context():
        meeting = factories.make_meeting()
        client = app.test_client()
        html = client.get("/subscribe", base_url="https://cal.example.org").get_data(as_text=True)
        assert 'data-copy="webcal://cal.example.org/feeds/meetings.ics"' in html
        body = client.get("/feeds/meetings.ics", base_url="https://cal.example.org").data
        assert f"URL;VALUE=URI:https://cal.example.org/meetings/{meeting.id}".encode() in body
        db.session.remove()
        db.engine.dispose()


def test_nav_series_and_organisation_pages_link_to_the_subscribe_page(
    client: FlaskClient, app: Flask
) -> None:
    series = factories.make_series()
    organisation = factories.make_organisation()
    home = client.get("/").get_data(as_text=True)
    assert 'href="/subscribe"' in home
    html = client.get(f"/series/{series.id}").get_data(as_text=True)
    assert f'href="/subscribe#series-{series.id}"' in html
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f'href="/subscribe#organisation-{organisation.id}"' in html


@pytest.fixture
def private_app(tmp_path: Path) -> Iterator[Flask]:
    """An app where reading needs a login."""
    app = build_app(tmp_path, TRACKER_PUBLIC_READ=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def private_links(client: FlaskClient) -> list[str]:
    """The secret https:// feed addresses shown on the subscribe page."""
    response = client.get("/subscribe")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    return sorted(set(re.findall(r'data-copy="http://tracker\.test(/feeds/private/[^"]+)"', html)))


def test_private_mode_public_feeds_answer_a_plain_404_never_a_login_page(
    private_app: Flask,
) -> None:
    organisation = factories.make_organisation()
    series = factories.make_series()
    meeting = factories.make_meeting(series=series)
    client = private_app.test_client()
    for path in (
        "/feeds/meetings.ics",
        "/feeds/deadlines.ics",
        f"/feeds/series/{series.id}.ics",
        f"/feeds/organisations/{organisation.id}.ics",
        f"/feeds/organisations/{organisation.id}/deadlines.ics",
        f"/meetings/{meeting.id}.ics",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Location" not in response.headers
        assert response.mimetype == "text/plain"
        assert b"<html" not in response.data.lower()
    assert client.get("/subscribe").status_code == 302
    # A signed-in user's browser still downloads a meeting from its page.
    login_as(client, factories.make_user())
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 200


def test_secret_address_works_regenerates_and_is_stored_hashed(private_app: Flask) -> None:
    user = factories.make_user(Role.VIEWER)
    meeting = factories.make_meeting(
        title="Secret plans", organisations=[factories.make_organisation()]
    )
    browser = private_app.test_client()
    login_as(browser, user)
    assert private_links(browser) == []  # none until the user asks for one
    response = browser.post("/subscribe/token")
    assert response.status_code == 302
    links = private_links(browser)
    # Own feed (two ways), all meetings, all deadlines, the series, the organisation and its
    # deadlines.
    assert len(links) == 7
    token = links[0].split("/")[3]
    assert len(token) >= 22  # at least 128 bits in URL-safe base64 (ours: 256)
    record = db.session.scalar(db.select(CalendarToken))
    assert record.token_hash == hash_token(token)
    assert token not in (record.token_hash, record.nonce)

    calendar_app = private_app.test_client()  # no cookies, like a calendar app
    for link in links:
        feed = calendar_app.get(link)
        assert feed.status_code == 200, link
        assert feed.content_type == "text/calendar; charset=utf-8"
        assert "private" in feed.headers["Cache-Control"]
    assert b"SUMMARY:Secret plans" in calendar_app.get(f"/feeds/private/{token}/meetings.ics").data
    assert meeting.uid

    browser.post("/subscribe/token")
    new_links = private_links(browser)
    assert new_links != links
    for link in links:
        assert calendar_app.get(link).status_code == 404
    for link in new_links:
        assert calendar_app.get(link).status_code == 200


def test_unknown_token_is_a_plain_404_never_a_login_page(private_app: Flask) -> None:
    client = private_app.test_client()
    for path in (
        "/feeds/private/not-a-real-token-but-long-enough/meetings.ics",
        "/feeds/private/x/meetings.ics",
        "/feeds/private/" + "A" * 43 + "/deadlines.ics",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "Location" not in response.headers


def test_deactivated_users_feed_stops_at_once(private_app: Flask) -> None:
    user = factories.make_user(Role.ORGANISER)
    browser = private_app.test_client()
    login_as(browser, user)
    browser.post("/subscribe/token")
    (link, *_) = private_links(browser)
    calendar_app = private_app.test_client()
    assert calendar_app.get(link).status_code == 200
    user.active = False
    db.session.commit()
    assert calendar_app.get(link).status_code == 404


def test_regenerating_needs_a_login_and_csrf(private_app: Flask) -> None:
    client = private_app.test_client()
    assert client.post("/subscribe/token").status_code == 302
    user = factories.make_user(Role.VIEWER)
    login_as(client, user)
    assert client.post("/subscribe/token", csrf=False).status_code == 400
    assert db.session.scalar(db.select(CalendarToken)) is None


def test_tokens_are_per_user(private_app: Flask) -> None:
    alice, bob = factories.make_user(Role.VIEWER), factories.make_user(Role.VIEWER)
    tokens = []
    for user in (alice, bob):
        # Requests share the test's app context, where Flask-Login caches the user in g.
        g.pop("_login_user", None)
        client = private_app.test_client()
        login_as(client, user)
        response = client.post("/subscribe/token")
        assert response.status_code == 302, response.get_data(as_text=True)
        tokens.append(private_links(client)[0].split("/")[3])
    assert tokens[0] != tokens[1]
    assert {r.user_id for r in db.session.scalars(db.select(CalendarToken))} == {alice.id, bob.id}
    assert isinstance(db.session.get(User, alice.id), User)


def test_a_new_secret_key_retires_secret_addresses(private_app: Flask) -> None:
    user = factories.make_user(Role.VIEWER)
    browser = private_app.test_client()
    login_as(browser, user)
    browser.post("/subscribe/token")
    (link, *_) = private_links(browser)
    private_app.secret_key = "another-secret-key-that-is-long-enough-9876543210"
    private_app.config["SECRET_KEY"] = private_app.secret_key
    login_as(browser, user)  # the old session cookie was signed with the old key
    assert private_links(browser) == []  # nothing shown that would not work
    assert private_app.test_client().get(link).status_code == 200  # stored hash still matches
    browser.post("/subscribe/token")
    assert len(private_links(browser)) == 4  # own feed twice, all meetings, all deadlines
    assert private_app.test_client().get(link).status_code == 404
