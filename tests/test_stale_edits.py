"""No lost updates: every edit route refuses a save based on a stale version with a 409 page
that shows the other change and keeps what the user typed. Edit routes are found in the URL
map (endpoints ending in .edit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.conftest import build_app, login_as
from tests.formtools import endpoint_url, page_form, seed_records
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role

TEXT_KINDS = ("text", "textarea")


# Edit forms not named <feature>.edit that change a record two people may open at once.
OTHER_EDITS = {"outcomes.notes"}


def edit_endpoints() -> list[str]:
    """Every endpoint named <feature>.edit, and the other edit forms."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    found = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.endswith(".edit")}
    return sorted(found | OTHER_EDITS)


def test_edit_routes_are_found():
    assert {"organisations.edit", "series.edit"} <= set(edit_endpoints())


@pytest.mark.parametrize("endpoint", edit_endpoints())
def test_stale_save_gets_409_with_both_versions(endpoint: str, tmp_path: Path) -> None:
    app = build_app(tmp_path)
    with app.app_context():
        values = seed_records()
        url = endpoint_url(app, endpoint, values)
        first, second = app.test_client(), app.test_client()
        login_as(first, factories.make_user(Role.ORGANISER))
        login_as(second, factories.make_user(Role.ADMIN))
        db.session.commit()
    # Two people open the same edit form.
    form = page_form(first.get(url).get_data(as_text=True), url)
    assert form is not None, f"{endpoint}: GET {url} shows no edit form"
    loaded = form.values()
    loaded.pop("csrf_token", None)
    assert loaded.get("version", "").isdigit(), f"{endpoint}: the form does not carry a version"
    field = next(
        (f.name for f in form.fields if f.kind in TEXT_KINDS and f.name != "version"), None
    )
    assert field is not None, f"{endpoint}: no text field to edit"

    theirs = {**loaded, field: f"{loaded[field]} changed by the first editor".strip()}
    saved = first.post(url, data=theirs)
    assert saved.status_code == 302, f"{endpoint}: the unchanged form did not save"

    mine = {**loaded, field: f"{loaded[field]} typed by the second editor".strip()}
    stale = second.post(url, data=mine)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409, f"{endpoint}: a stale save got {stale.status_code}"
    assert "typed by the second editor" in page, "what the user typed was lost"
    assert "changed by the first editor" in page, "the other change is not shown"

    # The conflict page carries the new version: saving again now succeeds.
    again = page_form(page, url)
    assert again is not None
    retry = again.values()
    retry.pop("csrf_token", None)
    assert int(retry["version"]) == int(loaded["version"]) + 1
    assert second.post(url, data=retry).status_code == 302


@pytest.mark.parametrize("endpoint", [*edit_endpoints(), "outcomes.attendance"])
def test_save_without_version_is_refused(endpoint: str, tmp_path: Path) -> None:
    app = build_app(tmp_path)
    with app.app_context():
        url = endpoint_url(app, endpoint, seed_records())
        client = app.test_client()
        login_as(client, factories.make_user(Role.ORGANISER))
        db.session.commit()
    form = page_form(client.get(url).get_data(as_text=True), url)
    assert form is not None
    data = form.values()
    data.pop("csrf_token", None)
    data.pop("version", None)
    response = client.post(url, data=data)
    assert response.status_code in (200, 409)
    assert "lost track of the record" in response.get_data(as_text=True)


def test_attendance_saved_by_two_people_at_once_gets_the_conflict_page(tmp_path: Path) -> None:
    """Two people open a meeting's attendance; the second save is refused with a 409 that keeps
    what they chose, and saving that page again keeps their version."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from tracker.models import Attendance, Participation, PersonAttendance

    app = build_app(tmp_path)
    with app.app_context():
        austria = factories.make_organisation(short_name="AIA")
        anna = factories.make_person(name="Anna Steiner", organisation=austria)
        meeting = factories.make_meeting(
            organisations=[austria], starts_at=datetime.now(UTC) - timedelta(days=1)
        )
        first, second = app.test_client(), app.test_client()
        login_as(first, factories.make_user(Role.ORGANISER))
        login_as(second, factories.make_user(Role.ORGANISER))
        db.session.commit()
        url, field = f"/meetings/{meeting.id}/attendance", f"org_{austria.id}"
        meeting_id, anna_id = meeting.id, anna.id
    loaded = page_form(first.get(url).get_data(as_text=True), url)
    also = page_form(second.get(url).get_data(as_text=True), url)
    assert loaded is not None and also is not None
    theirs = {**loaded.values(), field: "apologised"}
    assert first.post(url, data=theirs).status_code == 302
    mine = {**also.values(), field: "attended", "people": str(anna_id)}
    stale = second.post(url, data=mine)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "changed while you were editing" in page
    again = page_form(page, url)
    assert again is not None
    kept = again.values()
    assert kept[field] == "attended" and kept.get("people") == str(anna_id)
    with app.app_context():
        participation = db.session.get(Participation, (meeting_id, austria.id))
        assert participation is not None and participation.attendance is Attendance.APOLOGISED
    assert second.post(url, data=kept).status_code == 302
    with app.app_context():
        participation = db.session.get(Participation, (meeting_id, austria.id))
        assert participation is not None and participation.attendance is Attendance.ATTENDED
        present = db.session.scalars(
            select(PersonAttendance.person_id).where(PersonAttendance.meeting_id == meeting_id)
        ).all()
        assert present == [anna_id]
