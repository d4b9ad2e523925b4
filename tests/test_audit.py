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
    organiser.password_hash = "not-a-real-hash"
    db.session.commit()
    assert [e.action for e in events("user_account")] == ["create"]
    for event in events("user_account"):
        assert "password_hash" not in event.changes
        assert "session_token" not in event.changes


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
