"""Who may reach what: every rule in the URL map, for every role, with public reading on and off.

ACCESS maps every endpoint to an access class. A new route without an entry fails
test_every_endpoint_has_an_access_class, naming the endpoint; add it to ACCESS (and, if its URL
has a new argument, a value to url_values) to fix it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app

from tests import factories
from tests.conftest import build_app
from tests.formtools import seed_records
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role
from tracker.notify.signing import preference_token

ALWAYS_PUBLIC = "always-public"  # anyone, even when reading is private
PUBLIC_READ = "public-read"  # anyone when reading is public; any logged-in user when private
LOGIN = "login"  # any logged-in user, whatever the reading mode
EDITOR = "editor"  # organisers and admins
ADMIN = "admin"  # admins only
TOKEN = "token"  # anyone holding the secret token that is part of the URL
FEED = "feed"  # as public-read, but strangers in private mode get a plain 404, never a login page

ACCESS: dict[str, str] = {
    "static": ALWAYS_PUBLIC,
    "main.healthz": ALWAYS_PUBLIC,
    "main.home": PUBLIC_READ,
    "main.whats_next": PUBLIC_READ,
    "main.changes": LOGIN,
    "search.results": PUBLIC_READ,
    "zones.choose": PUBLIC_READ,
    "zones.save": PUBLIC_READ,
    "i18n.pick": ALWAYS_PUBLIC,  # the login page has the picker too
    "i18n.save": ALWAYS_PUBLIC,
    "auth.login": ALWAYS_PUBLIC,
    "auth.logout": PUBLIC_READ,  # harmless for anyone; private mode sends strangers to login
    "auth.account": LOGIN,
    "auth.account_profile": LOGIN,
    "auth.account_notifications": LOGIN,
    "notify.outbox": ADMIN,
    "notify.preferences_page": TOKEN,
    "notify.unsubscribe": TOKEN,
    "admin.users": ADMIN,
    "admin.create": ADMIN,
    "admin.user": ADMIN,
    "admin.role": ADMIN,
    "admin.person": ADMIN,
    "admin.active": ADMIN,
    "admin.password": ADMIN,
    "admin.audit": ADMIN,
    "admin.deleted": ADMIN,
    "archive.admin": ADMIN,
    "archive.download": ADMIN,
    "series.list": PUBLIC_READ,
    "series.detail": PUBLIC_READ,
    "series.create": EDITOR,
    "styleguide.index": EDITOR,
    "series.edit": EDITOR,
    "series.delete": EDITOR,
    "series.rule": EDITOR,
    "series.skip": EDITOR,
    "organisations.list": PUBLIC_READ,
    "organisations.detail": PUBLIC_READ,
    "organisations.create": EDITOR,
    "organisations.edit": EDITOR,
    "organisations.delete": EDITOR,
    "meetings.list": PUBLIC_READ,
    "meetings.detail": PUBLIC_READ,
    "deliverables.list": PUBLIC_READ,
    "deliverables.detail": PUBLIC_READ,
    "topics.list": PUBLIC_READ,
    "topics.detail": PUBLIC_READ,
    "people.list": PUBLIC_READ,
    "people.detail": PUBLIC_READ,
    "api.deliverable": PUBLIC_READ,
    "api.deliverables": PUBLIC_READ,
    "api.meeting": PUBLIC_READ,
    "api.meetings": PUBLIC_READ,
    "api.openapi": PUBLIC_READ,
    "api.organisation": PUBLIC_READ,
    "api.organisations": PUBLIC_READ,
    "api.topic": PUBLIC_READ,
    "api.topics": PUBLIC_READ,
    "calendar.deadlines_ics": FEED,
    "calendar.meeting_ics": FEED,
    "calendar.meetings_ics": FEED,
    "calendar.organisation_ics": FEED,
    "calendar.series_ics": FEED,
    "calendar.organisation_deadlines_ics": FEED,
    "calendar.subscribe": PUBLIC_READ,
    "outcomes.actions": PUBLIC_READ,
    "outcomes.meeting": PUBLIC_READ,
    "outcomes.minutes": PUBLIC_READ,
    "outcomes.organisation": PUBLIC_READ,
    "outcomes.report": PUBLIC_READ,
    "outcomes.report_md": PUBLIC_READ,
    "outcomes.revisions_page": PUBLIC_READ,
    "outcomes.series": PUBLIC_READ,
    "outcomes.timeline": PUBLIC_READ,
    "progress.board": PUBLIC_READ,
    "progress.dashboard": PUBLIC_READ,
    "progress.deliverable": PUBLIC_READ,
    "progress.export_deliverables": PUBLIC_READ,
    "progress.export_meetings": PUBLIC_READ,
    "progress.export_progress": PUBLIC_READ,
    "progress.since_last_meeting": PUBLIC_READ,
    "progress.timeline": PUBLIC_READ,
    "meetings.create": EDITOR,
    "meetings.edit": EDITOR,
    "meetings.delete": EDITOR,
    "scheduling.check": EDITOR,
    "series.rule_check": EDITOR,
    "deliverables.create": EDITOR,
    "deliverables.edit": EDITOR,
    "deliverables.delete": EDITOR,
    "topics.create": EDITOR,
    "topics.edit": EDITOR,
    "topics.delete": EDITOR,
    "people.create": EDITOR,
    "people.edit": EDITOR,
    "people.delete": EDITOR,
    "outcomes.attendance": EDITOR,
    "outcomes.carry": EDITOR,
    "outcomes.close": EDITOR,
    "outcomes.create": EDITOR,
    "outcomes.lifecycle": EDITOR,
    "outcomes.notes": EDITOR,
    "outcomes.record": EDITOR,
    "outcomes.reopen": ADMIN,
    "outcomes.save": EDITOR,
    "progress.add_milestone": EDITOR,
    "progress.add_update": EDITOR,
    # Also the lead's own people (an account linked to a person of the lead organisation);
    # for the accounts this matrix uses, that is organisers and admins.
    "progress.set_health": EDITOR,
    "progress.change_status": EDITOR,
    "progress.delete_milestone": EDITOR,
    "progress.set_tracking": EDITOR,
    "progress.toggle_milestone": EDITOR,
    "meetings.restore": ADMIN,
    "polls.propose": EDITOR,
    "polls.detail": LOGIN,
    "polls.vote": LOGIN,
    "polls.pick": EDITOR,
    "deliverables.restore": ADMIN,
    "calendar.private_deadlines_ics": TOKEN,
    "calendar.private_mine_ics": TOKEN,
    "calendar.private_organisation_deadlines_ics": TOKEN,
    "calendar.private_meetings_ics": TOKEN,
    "calendar.private_organisation_ics": TOKEN,
    "calendar.private_series_ics": TOKEN,
    "calendar.regenerate_token": LOGIN,
}

ROLES: list[Role | None] = [None, Role.VIEWER, Role.ORGANISER, Role.ADMIN]


def may_enter(access: str, role: Role | None, public_read: bool) -> bool:
    """Whether a user with role (None: anonymous) may use an endpoint of this access class."""
    if access in (ALWAYS_PUBLIC, TOKEN):
        return True
    if access in (PUBLIC_READ, FEED):
        return role is not None or public_read
    if access == LOGIN:
        return role is not None
    if access == EDITOR:
        return role in (Role.ORGANISER, Role.ADMIN)
    if access == ADMIN:
        return role == Role.ADMIN
    raise AssertionError(f"unknown access class {access!r}")


def url_values() -> dict[str, Any]:
    """One fresh record of each kind; URL arguments by name (tests/formtools.py seed_records)."""
    signed = preference_token(current_app.config["SECRET_KEY"], "someone@example.org")
    return {
        "filename": "css/app.css",
        "signed": signed,
        "kind": "meeting_invitation",
        **seed_records(),
    }


def endpoints() -> list[str]:
    """Every endpoint in the app's URL map."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_endpoint_has_an_access_class():
    missing = [e for e in endpoints() if e not in ACCESS]
    assert not missing, (
        "These endpoints have no entry in ACCESS in tests/test_access_matrix.py: "
        + ", ".join(missing)
        + f". Add each with one of: {ALWAYS_PUBLIC}, {PUBLIC_READ}, {LOGIN}, {EDITOR}, "
        f"{ADMIN}, {TOKEN}, {FEED}."
    )


def test_access_table_names_only_real_endpoints():
    stale = sorted(set(ACCESS) - set(endpoints()))
    assert not stale, f"ACCESS lists endpoints that no longer exist: {', '.join(stale)}"


def outcome_problem(
    response: Any, method: str, allowed: bool, role: Role | None, access: str = ""
) -> str | None:
    """Why the response does not match the expectation, or None."""
    code = response.status_code
    to_login = code == 302 and "/login" in response.headers.get("Location", "")
    if response.request is not None and response.request.path.startswith("/api/"):
        # Programs get a JSON 401 instead of a redirect to the login page (issue 13).
        to_login = code == 401 and response.is_json
    if code >= 500:
        return f"server error {code}"
    if not allowed:
        if access == FEED and role is None:
            return None if code == 404 and not to_login else f"expected a plain 404, got {code}"
        expected_denial = to_login if role is None else code == 403
        return None if expected_denial else f"expected refusal, got {code}"
    if code == 403 or to_login:
        return f"expected access, got {code} {response.headers.get('Location', '')}"
    if method == "GET" and code not in (200, 302):
        return f"expected a page, got {code}"
    return None


@dataclass
class Seeded:
    """A SQLite file holding one user per role and one record of each kind, and their ids."""

    path: Path
    users: dict[Role, str]
    values: dict[str, Any]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """The records every test of this module starts from, made once per module (and worker)."""
    folder = tmp_path_factory.mktemp("access-matrix")
    app = build_app(folder)
    with app.app_context():
        users = {role: factories.make_user(role).get_id() for role in ROLES if role is not None}
        values = url_values()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return Seeded(folder / "test.sqlite3", users, values)


def restore(app: Flask, seeded: Seeded) -> None:
    """Put the seeded database back in place of app's, as fresh as if it had just been seeded."""
    target = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # closes every connection, the change counters' reader's too
    for leftover in (
        target.with_name(target.name + "-wal"),
        target.with_name(target.name + "-shm"),
    ):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(seeded.path, target)


@pytest.mark.parametrize("public_read", [True, False], ids=["public", "private"])
@pytest.mark.parametrize("endpoint", endpoints())
def test_access(endpoint: str, public_read: bool, tmp_path: Path, seeded: Seeded) -> None:
    if endpoint not in ACCESS:
        pytest.fail(f"{endpoint} has no entry in ACCESS in tests/test_access_matrix.py")
    access = ACCESS[endpoint]
    shutil.copyfile(seeded.path, tmp_path / "test.sqlite3")
    app: Flask = build_app(tmp_path, TRACKER_PUBLIC_READ=public_read)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    problems = []
    users = seeded.users
    for role in ROLES:
        client = app.test_client()
        # Every role starts from freshly seeded records: an earlier role's POST may change them.
        restore(app, seeded)
        values = seeded.values
        if role is not None:
            with client.session_transaction() as session:
                session["_user_id"] = users[role]
                session["_fresh"] = True
        allowed = may_enter(access, role, public_read)
        for rule in rules:
            missing = [arg for arg in rule.arguments if arg not in values]
            assert not missing, f"add a value for {missing} to url_values()"
            with app.test_request_context():
                url = app.url_for(endpoint, **{a: values[a] for a in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                response = (
                    client.open(url, method=method, data={})
                    if method != "POST"
                    else (client.post(url, data={}))
                )
                problem = outcome_problem(response, method, allowed, role, access)
                response.close()
                if problem:
                    who = role.value if role else "anonymous"
                    problems.append(f"{method} {url} as {who}: {problem}")
    with app.app_context():
        db.engine.dispose()
    assert not problems, f"{endpoint} ({access}):\n" + "\n".join(problems)


# Form values that would make any edit route change something if it let the request through.
PLAUSIBLE_EDIT = {
    "status": "done",
    "notes": "Written after the meeting was deleted",
    "text": "Written after the deletion",
    "kind": "decision",
    "percent": "55",
    "note": "Changed after the deletion",
    "recorded_on": "2026-01-05",
    "title": "Added after the deletion",
    "due_date": "2027-01-05",
    "mode": "copy",
    "step": "held",
    "follow_milestones": "y",
    "people": "",
    "version": "1",
    "base_revision": "0",
    "next": "/",
}
# Routes that act on a deleted record on purpose.
UNDELETE = {"meetings.restore", "deliverables.restore"}
CHILD_ARGUMENTS = {"meeting_id", "item_id", "deliverable_id", "milestone_id", "action_id"}


def test_children_of_soft_deleted_records_are_read_only(tmp_path: Path) -> None:
    """Deleted means read-only everywhere: every POST route addressing a soft-deleted meeting or
    deliverable, or one of their children (agenda item, action, milestone), answers 404 and
    writes nothing."""
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from tracker.models import AuditEvent, Deliverable, Meeting

    app = build_app(tmp_path)
    with app.app_context():
        values = seed_records()
        for model, key in ((Meeting, "meeting_id"), (Deliverable, "deliverable_id")):
            record = db.session.get(model, values[key])
            assert record is not None
            record.deleted_at = datetime.now(UTC)
        editor = factories.make_user(Role.ADMIN)
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = editor.get_id()
            session["_fresh"] = True
    checked, problems = [], []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()) or rule.endpoint in UNDELETE:
            continue
        if not set(rule.arguments) & CHILD_ARGUMENTS:
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        response = client.post(url, data=PLAUSIBLE_EDIT)
        checked.append(rule.endpoint)
        if response.status_code != 404:
            problems.append(f"{rule.endpoint}: {response.status_code}")
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert "outcomes.close" in checked and "progress.add_milestone" in checked
    assert not problems
    assert after == before, "a route wrote to a deleted record's children"
