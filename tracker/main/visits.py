"""The previous visit of "My work", kept on the user's row without a write on every page view.

A visit starts when the user opens "My work" more than VISIT_GAP after the last recorded
opening. Only then is the row written: last_visit_at moves to now and previous_visit_at keeps
the one before. Within a visit the page keeps showing what changed since previous_visit_at.
The write is a plain conditional UPDATE on the connection: bookkeeping, not a change to
anyone's records, so it goes neither into the audit trail nor into the page-cache counters
(tracker.changes listens to ORM flushes and statements, not to the connection), and two
requests racing at the start of a visit write it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, or_, update
from sqlalchemy.orm import Session

from tracker.models import User

# Openings of "My work" closer together than this belong to one visit.
VISIT_GAP = timedelta(minutes=30)


def changes_since(user: User, now: datetime) -> datetime | None:
    """The instant "changed since your last visit" counts from (None on a first visit)."""
    if user.last_visit_at is None or now - user.last_visit_at >= VISIT_GAP:
        return user.last_visit_at
    return user.previous_visit_at


def needs_recording(user: User, now: datetime) -> bool:
    """Whether this opening starts a new visit, so the row must be written."""
    return user.last_visit_at is None or now - user.last_visit_at >= VISIT_GAP


def record_visit(session: Session, user: User, now: datetime) -> bool:
    """Start a new visit when the last one is over; whether a row was written.

    Flushes nothing and commits nothing; the caller commits.
    """
    if not needs_recording(user, now):
        return False
    table = User.__table__
    assert isinstance(table, Table)
    result = session.connection().execute(
        update(table)
        .where(
            table.c.id == user.id,
            or_(table.c.last_visit_at.is_(None), table.c.last_visit_at <= now - VISIT_GAP),
        )
        .values(
            previous_visit_at=table.c.last_visit_at,
            last_visit_at=now,
            # Core runs the column's onupdate; a visit is not an edit of the account.
            updated_at=table.c.updated_at,
        )
    )
    return bool(result.rowcount)
