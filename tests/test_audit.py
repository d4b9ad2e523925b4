"""The audit trail: who changed what, when, old -> new, and where it is shown."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests import factories
from tests.conftest import login_as
from tracker.audit import audit_for
from tracker.extensions import db
from tracker.models import AuditEvent, Organisation


def events(entity: str) -> list[AuditEvent]:
    """Every audit event for a record type, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        )
    )


def test_create_update_delete_through_pages_record_actor_and_changes(organiser_client, organiser):
    response = organiser_client.post(
        "/organisations/new",
        data={
            "name": "Audit Org",
            "short_name": "AO",
            "country": "BG",
            "kind": "national_ai",
            "timezone": "Europe/Sofia",
        },
    )
    assert response.status_code == 302
    organisation = db.session.scalars(select(Organisation)).one()
    organiser_client.post(
        f"/organisations/{organisation.id}/edit",
        data={
            "name": "Audit Org Renamed",
            "short_name": "AO",
            "country": "BG",
            "kind": "national_ai",
            "timezone": "Europe/Sofia",
            "version": "1",
        },
    )
    organiser_client.post(f"/organisations/{organisation.id}/delete")
    create, update, delete = events("organisation")
    assert [create.action, update.action, delete.action] == ["create", "update", "delete"]
    assert {create.user_id, update.user_id, delete.user_id} == {organiser.id}
    assert create.entity_id == update.entity_id == delete.entity_id == organisation.id
    assert create.changes["name"] == [None, "Audit Org"]
    assert update.changes == {"name": ["Audit Org", "Audit Org Renamed"]}
    assert update.at.tzinfo is not None


def test_no_actor_outside_requests_and_no_leak_between_requests(app, client, organiser):
    login_as(client, organiser)
    client.get("/")
    client.get("/", headers={"Cookie": ""})
    anonymous = app.test_client()
    anonymous.get("/")
    factories.make_series(name="From a script")
    assert events("series")[-1].user_id is None


def test_soft_delete_and_restore_are_named(app):
    meeting = factories.make_meeting()
    meeting.deleted_at = datetime.now(UTC)
    db.session.commit()
    meeting.deleted_at = None
    db.session.commit()
    assert [e.action for e in events("meeting")] == ["create", "delete", "restore"]


def test_unchanged_save_and_secret_columns_are_not_recorded(app, organiser):
    organiser.session_token = "x" * 40
    db.session.commit()
    organiser.password_hash = "not-a-real-hash"
    db.session.commit()
    # A password set outside a request is a reset, noted without any value of the secret.
    assert [e.action for e in events("user_account")] == ["create", "password_reset"]
    for event in events("user_account"):
        assert "password_hash" not in event.changes
        assert "session_token" not in event.changes
        assert "not-a-real-hash" not in str(event.changes)


def test_audit_for_returns_newest_first_with_limit(app):
    organisation = factories.make_organisation(name="One")
    for n in range(3):
        organisation.name = f"Name {n}"
        db.session.commit()
    trail = audit_for(db.session, "organisation", organisation.id, limit=2)
    assert [e.changes["name"][1] for e in trail] == ["Name 2", "Name 1"]
    assert audit_for(db.session, "organisation", organisation.id + 99, limit=5) == []


def test_trail_on_detail_pages_for_logged_in_users_only(client, organiser):
    organisation = factories.make_organisation(name="Shown Org")
    series = factories.make_series(name="Shown Series")
    anonymous = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "History" not in anonymous
    login_as(client, organiser)
    for url in (f"/organisations/{organisation.id}", f"/series/{series.id}"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="audit-heading"' in page
        assert "Create" in page


def test_admin_reset_and_own_change_of_a_password_are_recorded(app, admin, organiser):
    admin_client, own = app.test_client(), app.test_client()
    login_as(admin_client, admin)
    response = admin_client.post(
        f"/admin/users/{organiser.id}/password", data={"password": "reset by the admin"}
    )
    assert response.status_code == 302
    db.session.refresh(organiser)  # the reset ended its sessions: log in with the new token
    login_as(own, organiser)
    response = own.post(
        "/account",
        data={
            "current_password": "reset by the admin",
            "new_password": "my very own phrase",
            "confirm": "my very own phrase",
        },
    )
    assert response.status_code == 302
    reset, change = [e for e in events("user_account") if e.action.startswith("password")]
    assert (reset.action, reset.user_id, reset.entity_id) == (
        "password_reset",
        admin.id,
        organiser.id,
    )
    assert (change.action, change.user_id, change.entity_id) == (
        "password_change",
        organiser.id,
        organiser.id,
    )
    for event in (reset, change):
        assert event.changes == {"password": ["(hidden)", "(changed)"]}


def test_attendance_changes_are_recorded(organiser_client, organiser):
    from tracker.models import Attendance, Participation, PersonAttendance

    austria = factories.make_organisation(short_name="AIA")
    anna = factories.make_person(name="Anna Steiner", organisation=austria)
    meeting = factories.make_meeting(organisations=[austria])
    db.session.commit()
    url = f"/meetings/{meeting.id}/attendance"
    for state, people in (("attended", [str(anna.id)]), ("apologised", [])):
        db.session.refresh(meeting)
        response = organiser_client.post(
            url,
            data={f"org_{austria.id}": state, "people": people, "version": str(meeting.version)},
        )
        assert response.status_code == 302
    changed = [e for e in events("participation") if e.action == "update"]
    assert [e.changes["attendance"] for e in changed] == [
        ["invited", "attended"],
        ["attended", "apologised"],
    ]
    assert {e.user_id for e in changed} == {organiser.id}
    assert {e.entity_id for e in changed} == {meeting.id}
    present = events("person_attendance")
    assert [e.action for e in present] == ["create", "delete"]
    assert present[1].changes["person_id"] == [str(anna.id), None]
    assert present[1].entity_id == meeting.id
    assert db.session.scalars(select(PersonAttendance)).all() == []
    participation = db.session.get(Participation, (meeting.id, austria.id))
    assert participation is not None and participation.attendance is Attendance.APOLOGISED


def test_hard_deletes_keep_the_deleted_values(app):
    from tracker.models import Milestone

    deliverable = factories.make_deliverable(title="Kept report")
    milestone = Milestone(
        deliverable=deliverable, title="Draft ready", due_date=datetime(2027, 3, 1).date()
    )
    db.session.add(milestone)
    db.session.commit()
    milestone_id = milestone.id
    db.session.delete(milestone)
    db.session.commit()
    delete = events("milestone")[-1]
    assert (delete.action, delete.entity_id) == ("delete", milestone_id)
    assert delete.changes["title"] == ["Draft ready", None]
    assert delete.changes["due_date"] == ["2027-03-01", None]
    assert delete.changes["deliverable_id"] == [str(deliverable.id), None]
    assert delete.changes["id"] == [str(milestone_id), None]


def test_deleted_users_leave_no_secret_in_the_trail(app):
    user = factories.make_user(name="Gone")
    db.session.commit()
    secret = user.password_hash
    db.session.delete(user)
    db.session.commit()
    delete = events("user_account")[-1]
    assert delete.action == "delete" and delete.changes["name"] == ["Gone", None]
    assert "password_hash" not in delete.changes and secret not in str(delete.changes)
