"""Session hooks: bump SEQUENCE on time, place or status changes; count changes to feed data.

They listen on every SQLAlchemy Session, so forms, the CLI, operations and tests all go through
them without knowing: no view has to remember to touch the calendar.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.models import (
    AgendaItem,
    CalendarState,
    Deliverable,
    Meeting,
    Organisation,
    Participation,
    Series,
    Topic,
    utcnow,
)
from tracker.models.calendar import CALENDAR_STATE_ID

# A change to any of these can change what some feed shows.
FEED_MODELS = (Meeting, Series, Organisation, Topic, AgendaItem, Participation, Deliverable)
# RFC 5545 3.8.7.4: SEQUENCE goes up when the organiser changes time, place or status.
SEQUENCE_FIELDS = ("starts_at", "ends_at", "timezone", "location", "online_url", "status")


def attribute_changed(obj: object, key: str) -> bool:
    """Whether the attribute's pending value differs from the one loaded from the database."""
    history = inspect(obj).attrs[key].history
    if not history.has_changes():
        return False
    old = history.deleted[0] if history.deleted else None
    new = history.added[0] if history.added else None
    return bool(old != new)


def bump_sequence(meeting: Meeting) -> None:
    """Raise the meeting's SEQUENCE by one if its time, place or status changed."""
    if attribute_changed(meeting, "sequence"):
        return  # set explicitly by the caller: respect it
    if any(attribute_changed(meeting, key) for key in SEQUENCE_FIELDS):
        history = inspect(meeting).attrs["sequence"].history
        committed = history.unchanged[0] if history.unchanged else meeting.sequence
        meeting.sequence = (committed or 0) + 1


def touches_feeds(session: Session) -> bool:
    """Whether this flush creates, changes or deletes anything a feed shows."""
    if any(isinstance(obj, FEED_MODELS) for obj in (*session.new, *session.deleted)):
        return True
    return any(isinstance(obj, FEED_MODELS) and session.is_modified(obj) for obj in session.dirty)


def bump_state(session: Session) -> None:
    """Count one more feed change and move the change instant strictly forward (whole seconds).

    Strictly increasing seconds keep If-Modified-Since correct when two changes land within
    the same second. The UPDATE comes first so that, on PostgreSQL, the row is locked before
    it is read.
    """
    table = CalendarState.__table__
    connection = session.connection()
    now = utcnow().replace(microsecond=0)
    where = table.c.id == CALENDAR_STATE_ID
    updated = connection.execute(sa.update(table).where(where).values(counter=table.c.counter + 1))
    if updated.rowcount == 0:
        connection.execute(sa.insert(table).values(id=CALENDAR_STATE_ID, counter=1, changed_at=now))
        return
    previous = connection.execute(sa.select(table.c.changed_at).where(where)).scalar_one()
    if previous is not None and previous >= now:
        now = previous + timedelta(seconds=1)
    connection.execute(sa.update(table).where(where).values(changed_at=now))


@event.listens_for(Session, "before_flush")
def track_calendar_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """Bump SEQUENCE of rescheduled, moved or re-statused meetings; count feed changes."""
    for obj in session.dirty:
        if isinstance(obj, Meeting):
            bump_sequence(obj)
    if touches_feeds(session):
        bump_state(session)


@event.listens_for(Session, "do_orm_execute")
def track_bulk_changes(state: ORMExecuteState) -> None:
    """Count bulk UPDATE and DELETE statements on feed tables, which skip the flush."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, FEED_MODELS):
        bump_state(state.session)
