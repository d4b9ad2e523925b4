"""A feed of one's own, the subscribe page for every client, and the base URL warning."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import build_app, login_as
from tracker.calendar.operations import action_uid, deadline_uid, milestone_uid
from tracker.extensions import db
from tracker.models import Milestone, Role, utc_today


def own_feed_links(client: FlaskClient) -> list[str]:
    """The own-feed addresses on the subscribe page (paths with query)."""
    html = client.get("/subscribe").get_data(as_text=True)
    found = re.findall(
        r'data-copy="http://tracker\.test(/feeds/private/[^"]+/mine\.ics[^"]*)"', html
    )
    return [unescape(link) for link in dict.fromkeys(found)]


def uids(client: FlaskClient, path: str) -> set[str]:
    """The UIDs of the feed at path, fetched without cookies like a calendar app."""
    response = client.application.test_client().get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}


def test_own_feed_has_my_organisations_meetings_actions_and_deadlines(
    client: FlaskClient,
) -> None:
    ours = factories.make_organisation(name="INSAIT", short_name="INSAIT")
    theirs = factories.make_organisation(name="AI Sweden", short_name="AIS")
    me = factories.make_person(organisation=ours)
    colleague_elsewhere = factories.make_person(organisation=theirs)
    user = factories.make_user(Role.VIEWER, person=me, timezone="Europe/Sofia")
    our_meeting = factories.make_meeting(organisations=[ours, theirs])
    their_meeting = factories.make_meeting(organisations=[theirs])
    led = factories.make_deliverable(lead_organisation=ours)
    not_led = factories.make_deliverable(lead_organisation=theirs)
    milestone = factories.save(
        Milestone(deliverable=led, title="Draft", due_date=utc_today() + timedelta(5))
    )
    org_action = factories.make_action_item(meeting=our_meeting, owner_organisation=ours)
    # Owned by me personally although filed under the other organisation.
    my_action = factories.make_action_item(
        meeting=our_meeting, owner_organisation=theirs, owner_person=me
    )
    other_action = factories.make_action_item(
        meeting=their_meeting, owner_organisation=theirs, owner_person=colleague_elsewhere
    )
    login_as(client, user)
    assert own_feed_links(client) == []  # no secret address yet
    client.post("/subscribe/token")
    mine, every = own_feed_links(client)
    assert every == mine + "?meetings=all"
    expected = {
        our_meeting.uid,
        deadline_uid(led.id),
        milestone_uid(milestone.id),
        action_uid(org_action.id),
        action_uid(my_action.id),
    }
    assert uids(client, mine) == expected
    assert uids(client, every) == expected | {their_meeting.uid}
    assert deadline_uid(not_led.id) not in uids(client, every)
    assert action_uid(other_action.id) not in uids(client, every)
    # Same token rules as the other secret feeds: a new token retires the old addresses.
    client.post("/subscribe/token")
    assert client.application.test_client().get(mine).status_code == 404
    (new_mine, _) = own_feed_links(client)
    assert client.application.test_client().get(new_mine).status_code == 200
    user.active = False
    db.session.commit()
    assert client.application.test_client().get(new_mine).status_code == 404


def test_own_feed_without_a_linked_person_holds_only_meetings_if_asked(
    client: FlaskClient,
) -> None:
    meeting = factories.make_meeting(organisations=[factories.make_organisation()])
    factories.make_deliverable()
    login_as(client, factories.make_user(Role.VIEWER))
    client.post("/subscribe/token")
    mine, every = own_feed_links(client)
    assert uids(client, mine) == set()
    assert uids(client, every) == {meeting.uid}
    assert "not linked to a person" in client.get("/subscribe").get_data(as_text=True)


def test_account_page_links_to_the_own_feed(client: FlaskClient) -> None:
    login_as(client, factories.make_user(Role.VIEWER))
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/subscribe#mine-heading"' in html


def test_subscribe_page_covers_every_client_with_one_click_links(client: FlaskClient) -> None:
    series = factories.make_series(name="Main series")
    html = client.get("/subscribe").get_data(as_text=True)
    for client_name in (
        "Thunderbird",
        "Classic Outlook",
        "New Outlook",
        "Outlook on the web",
        "Google Calendar",
        "Apple Calendar (Mac)",
        "iPhone",
        "Android",
    ):
        assert client_name in html, client_name
    assert "every hour or so" not in html
    assert "Every 8 to 24 hours" in html
    assert "Every 30 minutes" in html
    for words in ("days after they end", "Cancelled meetings", "Deleted meetings", "18 months"):
        assert words in html, words
    links = [unescape(link) for link in re.findall(r'href="(https://[^"]+)"', html)]
    feed = f"http://tracker.test/feeds/series/{series.id}.ics"
    google = [link for link in links if link.startswith("https://calendar.google.com/")]
    assert f"webcal://tracker.test/feeds/series/{series.id}.ics" in [
        parse_qs(urlsplit(link).query)["cid"][0] for link in google
    ]
    for host in ("outlook.office.com", "outlook.live.com"):
        added = [
            parse_qs(urlsplit(link).query)
            for link in links
            if urlsplit(link).netloc == host and urlsplit(link).path.endswith("/addfromweb")
        ]
        assert {"url": [feed], "name": ["Series: Main series"]} in added
    assert f'href="webcal://tracker.test/feeds/series/{series.id}.ics"' in html


def test_address_label_matches_its_scheme(tmp_path: Path) -> None:
    for base, label in (("http://tracker.test", "http"), ("https://tracker.example", "https")):
        app = build_app(tmp_path / label, TRACKER_BASE_URL=base)
        with app.app_context():
            html = app.test_client().get("/subscribe").get_data(as_text=True)
            assert f"<dt>Address ({label})</dt>" in html
            other = "https" if label == "http" else "http"
            assert f"<dt>Address ({other})</dt>" not in html
            db.session.remove()
            db.engine.dispose()


def test_check_deploy_warns_about_a_missing_or_plain_http_base_url(app: Flask) -> None:
    runner = app.test_cli_runner()
    for value, warned in (
        ("", "TRACKER_BASE_URL is not set"),
        ("http://tracker.example", "TRACKER_BASE_URL is not https"),
        ("https://tracker.example", None),
    ):
        app.config["TRACKER_BASE_URL"] = value
        result = runner.invoke(args=["check-deploy"])
        if warned:
            assert f"WARNING: {warned}" in result.output
        else:
            assert "TRACKER_BASE_URL" not in result.output
