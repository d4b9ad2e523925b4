"""Pages name editors by a display name; their login e-mails are shown to admins only."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import login_as
from tracker.extensions import db
from tracker.models import MeetingStatus, MinutesApproval, Role


def test_display_name_prefers_name_then_person_then_organisation(app):
    organisation = factories.make_organisation(name="Latvian AI Centre")
    person = factories.make_person(name="Ilze Ozola", organisation=organisation)
    named = factories.make_user(Role.ORGANISER, name="Ilze O.")
    by_person = factories.make_user(Role.ORGANISER, name="", person=person)
    nameless = factories.make_user(Role.ORGANISER, name="  ")
    assert named.display_name == "Ilze O."
    assert by_person.display_name == "Ilze Ozola"
    person.name = ""
    assert by_person.display_name == "Latvian AI Centre"
    assert "@" not in nameless.display_name


@pytest.fixture()
def edited_meeting(app):
    """A held meeting whose minutes were saved and approved by a user without a name."""
    person = factories.make_person(name="Ilze Ozola")
    editor = factories.make_user(
        Role.ORGANISER, name="", email="ilze.secret@example.org", person=person
    )
    meeting = factories.make_meeting(status=MeetingStatus.HELD)
    factories.make_minutes_revision(meeting, "Minutes text", author=editor)
    db.session.add(MinutesApproval(meeting=meeting, approved_by=editor, revision_number=1))
    db.session.commit()
    return meeting


def pages(meeting_id: int) -> list[str]:
    """Every page that names who saved or approved minutes."""
    return [
        f"/meetings/{meeting_id}/minutes/revisions",
        f"/meetings/{meeting_id}",
        f"/meetings/{meeting_id}/outcomes",
    ]


def test_readers_see_display_names_not_emails(app, edited_meeting):
    viewer = factories.make_user(Role.VIEWER)
    db.session.commit()
    anonymous = app.test_client()
    logged_in = app.test_client()
    login_as(logged_in, viewer)
    for client in (anonymous, logged_in):
        for url in pages(edited_meeting.id):
            body = client.get(url).get_data(as_text=True)
            assert "ilze.secret@example.org" not in body, url
            assert "Ilze Ozola" in body, url


def test_admins_see_the_email_too(app, edited_meeting):
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    login_as(client, admin)
    for url in pages(edited_meeting.id):
        body = client.get(url).get_data(as_text=True)
        assert "Ilze Ozola (ilze.secret@example.org)" in body, url


def test_progress_history_names_the_author_by_display_name(app):
    from tracker.models import ProgressUpdate

    person = factories.make_person(name="Milan Petrovic")
    author = factories.make_user(
        Role.ORGANISER, name="", email="milan.secret@example.org", person=person
    )
    deliverable = factories.make_deliverable()
    db.session.add(
        ProgressUpdate(
            deliverable=deliverable,
            recorded_on=deliverable.start_date,
            previous_percent=0,
            percent=20,
            note="First draft",
            user=author,
        )
    )
    db.session.commit()
    viewer = factories.make_user(Role.VIEWER)
    db.session.commit()
    client = app.test_client()
    login_as(client, viewer)
    for url in (f"/deliverables/{deliverable.id}/progress", "/deliverables/progress.csv"):
        body = client.get(url).get_data(as_text=True)
        assert "Milan Petrovic" in body, url
        assert "milan.secret" not in body, url
