"""Reading and writing the audit trail outside the automatic flush hook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from tracker.models import AuditEvent, User

LOGIN_ENTITY = "login"


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
