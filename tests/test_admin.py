"""Admin user management, the audit trail view and the deleted-records view."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import login_as
from tracker.auth import passwords
from tracker.extensions import db
from tracker.models import AuditEvent, Role, User


def fresh(user: User) -> User:
    """user as stored now."""
    db.session.expire_all()
    found = db.session.get(User, user.id)
    assert found is not None
    return found


def test_user_list_shows_every_account(admin_client, admin, viewer):
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert admin.email in page and viewer.email in page


def test_create_user_with_role(admin_client):
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "New@Example.org",
            "name": "New",
            "role": "viewer",
            "password": "a long enough phrase",
        },
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "new@example.org")).one()
    assert user.role == Role.VIEWER
    assert passwords.verify_password(user.password_hash, "a long enough phrase")


def test_create_user_refuses_common_password_and_duplicate(admin_client, viewer):
    weak = admin_client.post(
        "/admin/users/new",
        data={"email": "x@example.org", "role": "viewer", "password": "password"},
    )
    assert "common passwords" in weak.get_data(as_text=True)
    duplicate = admin_client.post(
        "/admin/users/new",
        data={"email": viewer.email, "role": "viewer", "password": "a long enough phrase"},
    )
    assert "already exists" in duplicate.get_data(as_text=True)


def test_change_role(admin_client, viewer):
    admin_client.post(f"/admin/users/{viewer.id}/role", data={"role": "organiser"})
    assert fresh(viewer).role == Role.ORGANISER


@pytest.mark.sqlite_only
def test_change_role_refuses_unknown_role(admin_client, viewer):
    admin_client.post(f"/admin/users/{viewer.id}/role", data={"role": "superuser"})
    assert fresh(viewer).role == Role.VIEWER


def test_admin_cannot_demote_or_deactivate_themselves(admin_client, admin):
    admin_client.post(f"/admin/users/{admin.id}/role", data={"role": "viewer"})
    admin_client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    assert fresh(admin).role == Role.ADMIN
    assert fresh(admin).active


def test_deactivation_ends_sessions_at_once(app, admin_client, organiser):
    browser = app.test_client()
    login_as(browser, organiser)
    assert browser.get("/account").status_code == 200
    token_before = organiser.session_token
    admin_client.post(f"/admin/users/{organiser.id}/active", data={"active": "0"})
    user = fresh(organiser)
    assert not user.active
    assert user.session_token != token_before
    assert browser.get("/account").status_code == 302
    # Even a cookie carrying the new token is refused while inactive.
    login_as(browser, user)
    assert browser.get("/account").status_code == 302
    admin_client.post(f"/admin/users/{organiser.id}/active", data={"active": "1"})
    assert fresh(organiser).active


def test_reset_password_ends_sessions(app, admin_client, organiser):
    browser = app.test_client()
    login_as(browser, organiser)
    response = admin_client.post(
        f"/admin/users/{organiser.id}/password", data={"password": "reset by the admin"}
    )
    assert response.status_code == 302
    assert passwords.verify_password(fresh(organiser).password_hash, "reset by the admin")
    assert browser.get("/account").status_code == 302


def test_audit_view_filters(admin_client, admin, organiser):
    first = factories.make_series(name="Alpha")
    factories.make_organisation(name="Beta Org")
    admin_client.post(
        f"/series/{first.id}/edit",
        data={"name": "Alpha renamed", "timezone": "Europe/Sofia", "version": "1"},
    )
    everything = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Beta Org" in everything and "Alpha renamed" in everything
    only_series = admin_client.get("/admin/audit?entity=series").get_data(as_text=True)
    assert "Beta Org" not in only_series and "Alpha renamed" in only_series
    by_admin = admin_client.get(f"/admin/audit?user={admin.id}&action=update").get_data(
        as_text=True
    )
    assert "Alpha renamed" in by_admin and "Beta Org" not in by_admin
    by_other = admin_client.get(f"/admin/audit?user={organiser.id}").get_data(as_text=True)
    assert "Alpha renamed" not in by_other


def test_deleted_view_lists_soft_deleted_records(admin_client):
    gone = factories.make_meeting(title="Gone meeting", deleted_at=datetime.now(UTC))
    factories.make_meeting(title="Live meeting")
    paper = factories.make_deliverable(title="Gone paper", deleted_at=datetime.now(UTC))
    page = admin_client.get("/admin/deleted").get_data(as_text=True)
    assert "Gone meeting" in page and "Gone paper" in page
    assert "Live meeting" not in page
    assert f'action="/meetings/{gone.id}/restore"' in page
    assert f'action="/deliverables/{paper.id}/restore"' in page


def test_restore_from_the_deleted_view(admin_client):
    gone = factories.make_meeting(title="Gone meeting", deleted_at=datetime.now(UTC))
    assert admin_client.post(f"/meetings/{gone.id}/restore").status_code == 302
    db.session.refresh(gone)
    assert gone.deleted_at is None
    deleted_list = admin_client.get("/admin/deleted").get_data(as_text=True)
    assert f'action="/meetings/{gone.id}/restore"' not in deleted_list


def test_admin_actions_are_audited(admin_client, admin, viewer):
    admin_client.post(f"/admin/users/{viewer.id}/role", data={"role": "organiser"})
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "user_account", AuditEvent.action == "update")
    ).one()
    assert event.user_id == admin.id
    assert event.changes == {"role": ["viewer", "organiser"]}
