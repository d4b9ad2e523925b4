"""Database tuning and the audit trail, attached to the engine and session."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import AuditEvent, Base

AUDITED_SKIP = {"updated_at", "created_at", "version", "password_hash", "session_token"}


def register(app: Flask) -> None:
    """Tune SQLite connections and record the audit trail on every flush."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", sqlite_pragmas)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", postgresql_utc)


def sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL mode, a busy timeout and enforced foreign keys on every SQLite connection."""
    # lower() (and so ilike) folds only ASCII in SQLite but all of Unicode in PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("memory",):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def unicode_lower(value: Any) -> Any:
    """SQLite's lower(), folding every letter as PostgreSQL and Python do."""
    return value.lower() if isinstance(value, str) else value


def postgresql_utc(dbapi_connection: Any, connection_record: Any) -> None:
    """Run every PostgreSQL session in UTC, so date parts (e.g. the year) match SQLite's."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()


def plain(value: Any) -> str | None:
    """A short string form of a column value for the audit trail."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Base):
        return repr(value)
    text = str(value)
    return text if len(text) <= 500 else text[:497] + "..."


def audited(obj: object) -> bool:
    """Whether changes to obj belong in the audit trail."""
    return (
        isinstance(obj, Base)
        and not isinstance(obj, AuditEvent)
        and hasattr(obj, "id")
        and getattr(type(obj), "tracker_audited", True)
    )


def column_changes(obj: Base, *, new: bool) -> dict[str, list[str | None]]:
    """old -> new for every changed column attribute of obj."""
    state = inspect(obj)
    changes: dict[str, list[str | None]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in AUDITED_SKIP:
            continue
        history = state.attrs[attr.key].history
        if new:
            value = getattr(obj, attr.key)
            if value not in (None, ""):
                changes[attr.key] = [None, plain(value)]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            newer = history.added[0] if history.added else None
            if plain(old) != plain(newer):
                changes[attr.key] = [plain(old), plain(newer)]
    return changes


def keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    """A no-op set listener; registering it with active_history loads the old value."""
    return value


@event.listens_for(Base, "mapper_configured", propagate=True)
def track_old_values(mapper: Any, class_: type) -> None:
    """Load a column's old value before it is overwritten, even when it had expired after a
    commit, so that the audit trail can always say old -> new."""
    if not getattr(class_, "tracker_audited", True) or class_ is AuditEvent:
        return
    for attr in mapper.column_attrs:
        if attr.key not in AUDITED_SKIP:
            event.listen(
                getattr(class_, attr.key), "set", keep_old_value, active_history=True, retval=True
            )


@event.listens_for(Session, "before_flush")
def record_audit(session: Session, flush_context: Any, instances: Any) -> None:
    """Write one AuditEvent per created, changed or deleted record."""
    actor_id = session.info.get("actor_id")
    events: list[AuditEvent] = []
    for obj in list(session.new):
        if audited(obj):
            events.append(make_event(obj, "create", column_changes(obj, new=True), actor_id))
    for obj in list(session.dirty):
        if audited(obj) and session.is_modified(obj, include_collections=False):
            changes = column_changes(obj, new=False)
            if not changes:
                continue
            action = "update"
            if "deleted_at" in changes:
                action = "delete" if changes["deleted_at"][1] else "restore"
            events.append(make_event(obj, action, changes, actor_id))
    for obj in list(session.deleted):
        if audited(obj):
            events.append(make_event(obj, "delete", {}, actor_id))
    session.add_all(events)
    pending = session.info.setdefault("audit_pending_ids", [])
    pending.extend(event for event in events if event.entity_id is None)


def make_event(
    obj: Base, action: str, changes: dict[str, list[str | None]], actor_id: int | None
) -> AuditEvent:
    """An audit event for obj; the id of a new row is filled in after flush."""
    audit = AuditEvent(
        user_id=actor_id,
        action=action,
        entity=type(obj).__tablename__,
        entity_id=getattr(obj, "id", None),
        summary=str(obj)[:300],
        changes=json.loads(json.dumps(changes)),
    )
    audit.subject = obj  # type: ignore[attr-defined]
    return audit


@event.listens_for(Session, "after_flush_postexec")
def fill_audit_ids(session: Session, flush_context: Any) -> None:
    """Give create events the id that the new record got on flush (saved by the next flush)."""
    pending = session.info.pop("audit_pending_ids", [])
    for audit in pending:
        subject = getattr(audit, "subject", None)
        if audit.entity_id is None and getattr(subject, "id", None) is not None:
            audit.entity_id = subject.id  # type: ignore[union-attr]


@event.listens_for(Session, "after_rollback")
def forget_pending_audit(session: Session) -> None:
    """Drop create events of a flush that was rolled back."""
    session.info.pop("audit_pending_ids", None)
