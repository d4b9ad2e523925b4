"""The audit trail: written on every flush (steps run by tracker.changes) and read here.

record_audit writes one AuditEvent per created, changed or deleted record before a flush;
fill_audit_ids gives create events their record's new id after it; forget_pending_audit drops
that bookkeeping on rollback. track_old_values makes every audited column load its old value
before it is overwritten, so an event can always say old -> new.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Select, event, inspect, select
from sqlalchemy.orm import Session, configure_mappers, selectinload

from tracker.filters import int_value, text_value
from tracker.models import AuditEvent, Base, User

LOGIN_ENTITY = "login"
# Secrets never go into the trail; a password change is noted without any value.
SECRETS = {"password_hash", "session_token"}
AUDITED_SKIP = {"updated_at", "created_at", "version", "first_open_milestone_due", *SECRETS}
PASSWORD_CHANGED = ["(hidden)", "(changed)"]


def audit_for(session: Session, entity: str, entity_id: int, limit: int = 20) -> list[AuditEvent]:
    """The newest audit events of one record (entity is its table name), newest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .options(selectinload(AuditEvent.user))
            .limit(limit)
        )
    )


def visible_audit_for(
    session: Session, viewer: object, entity: str, entity_id: int, limit: int = 20
) -> list[AuditEvent] | None:
    """audit_for when viewer is logged in; None for anonymous readers (it names editors)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return audit_for(session, entity, entity_id, limit)


@dataclass(frozen=True)
class AuditFilter:
    """What the admin audit view narrows the trail to."""

    entity: str = ""
    user_id: int | None = None
    action: str = ""
    entity_id: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditFilter:
        """The filter asked for by a query string (see tracker.filters)."""
        return cls(
            entity=text_value(args, "entity"),
            entity_id=int_value(args, "entity_id"),
            user_id=int_value(args, "user"),
            action=text_value(args, "action"),
        )


def audit_query(filters: AuditFilter) -> Select[Any]:
    """The audit events matching filters, newest first."""
    query = select(AuditEvent).options(selectinload(AuditEvent.user))
    if filters.entity:
        query = query.where(AuditEvent.entity == filters.entity)
    if filters.entity_id is not None:
        query = query.where(AuditEvent.entity_id == filters.entity_id)
    if filters.user_id is not None:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def audit_choices(session: Session) -> tuple[list[str], list[str]]:
    """The entities and actions that occur in the trail, for the filter menus."""
    entities = sorted(set(session.scalars(select(AuditEvent.entity).distinct())))
    actions = sorted(set(session.scalars(select(AuditEvent.action).distinct())))
    return entities, actions


def record_login(
    session: Session,
    *,
    success: bool,
    email: str,
    user: User | None,
    address: str | None,
    action: str = "",
) -> AuditEvent:
    """Note a login success or failure: who tried and from where, never the password.

    action overrides the default "login"/"login_failed", e.g. "login_throttled" or
    "password_failed" (the current-password check on the account page)."""
    event = AuditEvent(
        user_id=user.id if user is not None and success else None,
        action=action or ("login" if success else "login_failed"),
        entity=LOGIN_ENTITY,
        entity_id=user.id if user is not None else None,
        summary=email.strip().lower()[:254],
        changes={"address": [None, (address or "")[:64]]},
    )
    session.add(event)
    return event


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
    """Whether changes to obj belong in the audit trail: records with an id, and records
    without one that say so with tracker_audited = True (attendance)."""
    if not isinstance(obj, Base) or isinstance(obj, AuditEvent):
        return False
    if hasattr(obj, "id"):
        return bool(getattr(type(obj), "tracker_audited", True))
    return bool(getattr(type(obj), "tracker_audited", False))


def audit_id(obj: Base) -> int | None:
    """The id an event files obj under: its own, else its first key (a participation's
    meeting); the summary names the whole key."""
    own = getattr(obj, "id", None)
    if own is not None or hasattr(obj, "id"):
        return own  # type: ignore[no-any-return]
    mapper = inspect(obj).mapper
    first = mapper.get_property_by_column(mapper.primary_key[0]).key
    value = getattr(obj, first, None)
    return value if isinstance(value, int) else None


def deleted_values(obj: Base) -> dict[str, list[str | None]]:
    """Every column of a record about to be deleted (secrets left out), old -> None, so that
    it could be put back by hand from the trail."""
    values: dict[str, list[str | None]] = {}
    for attr in inspect(obj).mapper.column_attrs:
        if attr.key not in SECRETS and attr.key != "version":
            values[attr.key] = [plain(getattr(obj, attr.key)), None]
    return values


def password_changed(obj: Base) -> bool:
    """Whether a user's password is being changed in this flush."""
    return isinstance(obj, User) and inspect(obj).attrs["password_hash"].history.has_changes()


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


def track_old_values() -> None:
    """Load each audited column's old value before it is overwritten, even when it had expired
    after a commit (idempotent: attributes already tracked are left alone)."""
    configure_mappers()
    for mapper in Base.registry.mappers:
        class_ = mapper.class_
        if not getattr(class_, "tracker_audited", True) or class_ is AuditEvent:
            continue
        for attr in mapper.column_attrs:
            column = getattr(class_, attr.key)
            if attr.key in AUDITED_SKIP or event.contains(column, "set", keep_old_value):
                continue
            event.listen(column, "set", keep_old_value, active_history=True, retval=True)


def record_audit(session: Session) -> None:
    """Write one AuditEvent per created, changed or deleted record."""
    actor_id = session.info.get("actor_id")
    events: list[AuditEvent] = []
    for obj in list(session.new):
        if audited(obj):
            events.append(make_event(obj, "create", column_changes(obj, new=True), actor_id))
    for obj in list(session.dirty):
        if audited(obj) and session.is_modified(obj, include_collections=False):
            changes = column_changes(obj, new=False)
            action = "update"
            if password_changed(obj):
                # Who set whose password: one's own change, or an admin's (or a script's) reset.
                changes["password"] = list(PASSWORD_CHANGED)
                own = actor_id is not None and actor_id == getattr(obj, "id", None)
                action = "password_change" if own else "password_reset"
            if not changes:
                continue
            if "deleted_at" in changes:
                action = "delete" if changes["deleted_at"][1] else "restore"
            events.append(make_event(obj, action, changes, actor_id))
    for obj in list(session.deleted):
        if audited(obj):
            events.append(make_event(obj, "delete", deleted_values(obj), actor_id))
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
        entity_id=audit_id(obj),
        summary=describe(obj)[:300],
        changes=json.loads(json.dumps(changes)),
    )
    audit.subject = obj  # type: ignore[attr-defined]
    return audit


def describe(obj: Base) -> str:
    """A record in words for the trail: its title, name or e-mail, never a repr."""
    for attr in ("title", "name", "short_name", "email"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    kind = type(obj).__tablename__.replace("_", " ").capitalize()
    number = getattr(obj, "id", None)
    return f"{kind} #{number}" if number is not None else kind


def fill_audit_ids(session: Session) -> None:
    """Give create events the id that the new record got on flush (saved by the next flush)."""
    pending = session.info.pop("audit_pending_ids", [])
    for audit in pending:
        subject = getattr(audit, "subject", None)
        if audit.entity_id is None and subject is not None:
            audit.entity_id = audit_id(subject)


def forget_pending_audit(session: Session) -> None:
    """Drop create events of a flush that was rolled back."""
    session.info.pop("audit_pending_ids", None)
