"""The page cache for members: fast repeat views, never another login's page or form token."""

from __future__ import annotations

import re

from flask import g

from tests.conftest import login_as
from tests.factories import make_meeting, make_organisation, make_user
from tracker.extensions import db
from tracker.models import Role

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fetch(client, path: str = "/organisations/") -> tuple[str, bool]:
    """A page as a separate request would see it: (text, served from the cache)."""
    g.pop("csrf_token", None)  # the test's app context outlives requests; production's does not
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers.get("X-Page-Cache") == "hit"


def member(app, role: Role = Role.VIEWER, email: str | None = None):
    """A new client logged in as a new user of role."""
    client = app.test_client()
    user = make_user(role, email=email) if email else make_user(role)
    login_as(client, user)
    settle(client)
    return client, user


def settle(client) -> None:
    """One uncached request, after which the session holds its form token and freshness."""
    g.pop("csrf_token", None)
    assert client.get("/account").status_code == 200


def test_a_member_second_view_is_served_from_the_cache(cached_app):
    make_organisation(name="AI Austria")
    client, user = member(cached_app)
    _first, first_hit = fetch(client)
    second, second_hit = fetch(client)
    assert not first_hit and second_hit
    assert "AI Austria" in second and user.email in second


def test_a_member_never_gets_another_members_page(cached_app):
    make_organisation(name="AI Austria")
    alice, _alice_user = member(cached_app, email="alice@example.org")
    bob, _bob_user = member(cached_app, email="bob@example.org")
    fetch(alice)
    fetch(alice)
    page, hit = fetch(bob)
    assert not hit
    assert "bob@example.org" in page and "alice@example.org" not in page


def test_roles_do_not_see_each_others_pages(cached_app):
    meeting = make_meeting()
    path = f"/meetings/{meeting.id}"
    organiser, _ = member(cached_app, Role.ORGANISER)
    viewer, _ = member(cached_app, Role.VIEWER)
    organiser_page = fetch(organiser, path)[0]
    assert fetch(organiser, path)[1]
    viewer_page, hit = fetch(viewer, path)
    assert not hit
    edit = f"/meetings/{meeting.id}/edit"
    assert edit in organiser_page and edit not in viewer_page
    assert edit not in fetch(viewer, path)[0]


def test_anonymous_readers_never_get_a_members_page(cached_app):
    make_organisation(name="AI Austria")
    client, user = member(cached_app)
    fetch(client)
    fetch(client)
    page, hit = fetch(cached_app.test_client())
    assert not hit and user.email not in page and "Log in" in page


def test_a_cached_page_carries_the_sessions_own_form_token(cached_app):
    client, user = member(cached_app)
    other = cached_app.test_client()
    login_as(other, user)  # the same account in a second browser: another session
    settle(other)
    with client.session_transaction() as session:
        session["csrf_token"] = "a" * 40
    with other.session_transaction() as session:
        session["csrf_token"] = "b" * 40
    first = fetch(client)[0]
    assert fetch(client)[1]
    page, hit = fetch(other)
    assert hit, "the same login shares its cached pages"
    token_first, token_other = TOKEN.search(first)[1], TOKEN.search(page)[1]
    assert token_first != token_other
    assert "\x00" not in page
    g.pop("csrf_token", None)
    response = other.post("/logout", data={"csrf_token": token_other}, csrf=False)
    assert response.status_code in (302, 303)
    g.pop("_login_user", None)
    assert "Log in" in fetch(other)[0]


def test_a_token_from_another_session_is_refused(cached_app):
    client, _user = member(cached_app)
    other, _ = member(cached_app)
    with client.session_transaction() as session:
        session["csrf_token"] = "a" * 40
    with other.session_transaction() as session:
        session["csrf_token"] = "b" * 40
    fetch(client)
    stolen = TOKEN.search(fetch(client)[0])[1]
    g.pop("csrf_token", None)
    response = other.post("/logout", data={"csrf_token": stolen}, csrf=False)
    assert response.status_code == 400


def test_an_edit_makes_a_members_page_fresh(cached_app):
    organisation = make_organisation(name="AI Austria")
    client, _ = member(cached_app)
    fetch(client)
    assert fetch(client)[1]
    organisation.name = "AI Austria (renamed)"
    db.session.commit()
    page, hit = fetch(client)
    assert not hit and "AI Austria (renamed)" in page


def test_a_role_change_makes_a_members_page_fresh(cached_app):
    meeting = make_meeting()
    path = f"/meetings/{meeting.id}"
    client, user = member(cached_app, Role.VIEWER)
    fetch(client, path)
    assert fetch(client, path)[1]
    user.role = Role.ORGANISER
    db.session.commit()
    page, hit = fetch(client, path)
    assert not hit and f"/meetings/{meeting.id}/edit" in page


def test_a_flash_is_shown_to_a_member_with_a_cached_page(cached_app):
    client, _ = member(cached_app)
    fetch(client, "/")
    assert fetch(client, "/")[1]
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Saved.")]
    page, hit = fetch(client, "/")
    assert not hit and "Saved." in page
    page, hit = fetch(client, "/")
    assert "Saved." not in page


def test_a_readers_zone_cookie_gets_its_own_page(cached_app):
    client, _ = member(cached_app)
    fetch(client)
    assert fetch(client)[1]
    client.set_cookie("reader_zone", "America/New_York")
    assert not fetch(client)[1]
    assert fetch(client)[1]


def test_private_mode_serves_members_and_turns_readers_away(cached_app):
    cached_app.config["TRACKER_PUBLIC_READ"] = False
    make_organisation(name="AI Austria")
    client, _user = member(cached_app)
    fetch(client)
    page, hit = fetch(client)
    assert hit and "AI Austria" in page
    g.pop("_login_user", None)
    response = cached_app.test_client().get("/organisations/")
    assert response.status_code in (302, 401)
    assert "AI Austria" not in response.get_data(as_text=True)


def test_a_logged_out_session_gets_no_members_page(cached_app):
    client, user = member(cached_app)
    fetch(client)
    assert fetch(client)[1]
    with client.session_transaction() as session:
        session.pop("_user_id")
    page, _hit = fetch(client)
    assert user.email not in page and "Log in" in page


def test_a_deactivated_member_gets_no_members_page(cached_app):
    client, user = member(cached_app)
    fetch(client)
    assert fetch(client)[1]
    user.active = False
    db.session.commit()
    g.pop("_login_user", None)
    page, hit = fetch(client)
    assert not hit and user.email not in page and "Log in" in page
