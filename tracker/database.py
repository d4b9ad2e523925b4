"""Database tuning and the audit trail, attached to the engine and session."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import AuditEvent, Base

AUDITED_SKIP = {"updated_at", "created_at", "version", "password_hash", "session_token"}


def register(app: Flask) -> None:
    """Tune connections (time limits, SQLite pragmas, UTC) and record the audit trail."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            busy_ms = int(float(app.config["TRACKER_SQLITE_BUSY_TIMEOUT"]) * 1000)
            event.listen(engine, "connect", sqlite_tuning(busy_ms))
        if engine.dialect.name == "postgresql":
            event.listen(
                engine,
                "do_connect",
                postgresql_connect(
                    float(app.config["TRACKER_DB_CONNECT_TIMEOUT"]),
                    float(app.config["TRACKER_DB_STATEMENT_TIMEOUT"]),
                ),
            )
            event.listen(engine, "connect", postgresql_utc)


def sqlite_tuning(busy_ms: int) -> Callable[[Any, Any], None]:
    """A connect hook running sqlite_pragmas with this busy timeout in milliseconds."""

    def tune(dbapi_connection: Any, connection_record: Any) -> None:
        sqlite_pragmas(dbapi_connection, connection_record, busy_ms)

    return tune


def sqlite_pragmas(dbapi_connection: Any, connection_record: Any, busy_ms: int = 5000) -> None:
    """WAL mode, a busy timeout and enforced foreign keys on every SQLite connection."""
    # lower() (and so ilike) folds only ASCII in SQLite but all of Unicode in PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits this long for a lock, then the request answers 503 instead of hanging.
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("memory",):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class TimedConnection(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection that stops waiting for the server after io_timeout seconds.

    PostgreSQL's statement_timeout ends slow statements, but only if the server's answer can
    reach us: a stalled network path or a frozen proxy acknowledges what we send and never
    answers. This connection then gives up, closes itself (so the pool throws it away) and
    raises OperationalError, which the app answers with 503 and Retry-After.
    """

    io_timeout: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        """Consume gen like psycopg does, but within io_timeout seconds unless told otherwise."""
        if kwargs.get("timeout") is None and self.io_timeout:
            kwargs["timeout"] = self.io_timeout
        try:
            return super().wait(gen, *args, **kwargs)
        except psycopg.errors._WaitTimeout as error:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {kwargs['timeout']:g} seconds"
            ) from error


def postgresql_connect(
    connect_timeout: float, statement_timeout: float
) -> Callable[..., TimedConnection]:
    """A do_connect hook: PostgreSQL connections with connect, statement and answer time limits."""
    io_timeout = statement_timeout + 2 if statement_timeout > 0 else None

    def connect(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> TimedConnection:
        if connect_timeout > 0:
            # libpq takes whole seconds; at least 2, as it documents.
            cparams.setdefault("connect_timeout", max(2, math.ceil(connect_timeout)))
        if statement_timeout > 0:
            setting = f"-c statement_timeout={int(statement_timeout * 1000)}"
            cparams["options"] = f"{cparams.get('options', '')} {setting}".strip()
        connection = TimedConnection.connect(*cargs, **cparams)
        connection.io_timeout = io_timeout
        return connection

    return connect


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
