"""Admin reads: other admins, the deleted records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Deliverable, Meeting, Role, User


def other_active_admins(session: Session, user: User) -> int:
    """How many active admins there are besides user."""
    return (
        session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
            )
        )
        or 0
    )


@dataclass
class DeletedRecords:
    """Soft-deleted meetings and deliverables, newest deletion first."""

    meetings: list[Meeting]
    deliverables: list[Deliverable]


def deleted_records(session: Session) -> DeletedRecords:
    """Every soft-deleted meeting and deliverable."""
    meetings = session.scalars(
        select(Meeting).where(Meeting.deleted_at.is_not(None)).order_by(Meeting.deleted_at.desc())
    ).all()
    deliverables = session.scalars(
        select(Deliverable)
        .where(Deliverable.deleted_at.is_not(None))
        .order_by(Deliverable.deleted_at.desc())
    ).all()
    return DeletedRecords(meetings=list(meetings), deliverables=list(deliverables))
