"""What a flush changes for the calendar: SEQUENCE bumps, meetings to touch, feed changes.

Plain functions of a session about to flush; tracker.changes runs them on every flush, so
forms, the CLI, operations and tests all go through them without knowing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from tracker.models import (
    ActionItem,
    AgendaItem,
    Deliverable,
    Meeting,
    Milestone,
    MinutesApproval,
    Organisation,
    Participation,
    Series,
    Topic,
)

# A change to any of these can change what some feed shows.
FEED_MODELS = (
    Meeting,
    Series,
    Organisation,
    Topic,
    AgendaItem,
    Participation,
    Deliverable,
    Milestone,
    ActionItem,
    # Approving or reopening minutes shows or hides the meeting's actions in public feeds.
    MinutesApproval,
)
# RFC 5545 3.8.7.4: SEQUENCE goes up when the organiser changes time, place or status.
SEQUENCE_FIELDS = ("starts_at", "ends_at", "timezone", "location", "online_url", "status")
# The fields of the rows linking topics and organisations to a meeting that its event shows
# (agenda order and topics, the organisations taking part); attendance and notes are not shown.
SHOWN_LINK_FIELDS: dict[type, tuple[str, ...]] = {
    AgendaItem: ("meeting", "meeting_id", "topic", "topic_id", "position"),
    Participation: ("meeting", "meeting_id", "organisation", "organisation_id"),
}


def attribute_changed(obj: object, key: str) -> bool | None:
    """Whether a pending value differs from the loaded one; None if the old one was not loaded."""
    history = inspect(obj).attrs[key].history
    if not history.has_changes():
        return False
    if not history.deleted:
        return None
    new = history.added[0] if history.added else None
    return bool(history.deleted[0] != new)


def time_place_or_status_changed(session: Session, meeting: Meeting) -> bool:
    """Whether the meeting's time, place or status really changes in this flush.

    An attribute assigned while expired (e.g. right after a commit) has no old value in memory,
    so that one is read from the database.
    """
    unknown = []
    for key in SEQUENCE_FIELDS:
        changed = attribute_changed(meeting, key)
        if changed:
            return True
        if changed is None:
            unknown.append(key)
    if not unknown or inspect(meeting).identity is None:
        return bool(unknown)
    columns = [getattr(Meeting, key) for key in unknown]
    stored = session.connection().execute(sa.select(*columns).where(Meeting.id == meeting.id))
    row = stored.first()
    return row is None or any(getattr(meeting, key) != row[i] for i, key in enumerate(unknown))


def bump_sequence(session: Session, meeting: Meeting) -> None:
    """Raise the meeting's SEQUENCE by one if its time, place or status changed."""
    if attribute_changed(meeting, "sequence") is not False:
        return  # set explicitly by the caller: respect it
    if time_place_or_status_changed(session, meeting):
        meeting.sequence = (meeting.sequence or 0) + 1


def meetings_with_changed_links(session: Session) -> set[Meeting]:
    """Live meetings whose agenda or list of organisations changes in this flush."""
    changed: list[object] = [
        obj for obj in (*session.new, *session.deleted) if type(obj) in SHOWN_LINK_FIELDS
    ]
    changed += [
        obj
        for obj in session.dirty
        if type(obj) in SHOWN_LINK_FIELDS
        and any(attribute_changed(obj, key) is not False for key in SHOWN_LINK_FIELDS[type(obj)])
    ]
    meetings: set[Meeting] = set()
    for obj in changed:
        state = inspect(obj)
        # Before and after: a link moved or taken out of a meeting's collection changes both.
        meetings.update(m for m in state.attrs["meeting"].history.sum() if m is not None)
        for meeting_id in (*state.attrs["meeting_id"].history.sum(), obj.meeting_id):  # type: ignore[attr-defined]
            meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
            if meeting is not None:
                meetings.add(meeting)
    deleted = session.deleted  # a new set on every access: read once, not per meeting
    return {meeting for meeting in meetings if meeting not in deleted}


# A deadline event's SEQUENCE rises when its date moves or its status changes: model ->
# (the fields that count, the attribute holding the SEQUENCE).
DEADLINE_SEQUENCE_FIELDS: dict[type, tuple[tuple[str, ...], str]] = {
    Deliverable: (("due_date", "status"), "deadline_sequence"),
    Milestone: (("due_date", "done"), "sequence"),
    ActionItem: (("due_date", "status"), "sequence"),
}


def fields_changed(session: Session, obj: Any, keys: tuple[str, ...]) -> bool:
    """Whether any of keys really changes in this flush, reading expired old values from the row."""
    unknown = []
    for key in keys:
        changed = attribute_changed(obj, key)
        if changed:
            return True
        if changed is None:
            unknown.append(key)
    if not unknown or inspect(obj).identity is None:
        return bool(unknown)
    model = type(obj)
    columns = [getattr(model, key) for key in unknown]
    row = session.connection().execute(sa.select(*columns).where(model.id == obj.id)).first()
    return row is None or any(getattr(obj, key) != row[i] for i, key in enumerate(unknown))


def bump_deadline_sequences(session: Session) -> None:
    """Raise the SEQUENCE of deliverables, milestones and actions whose date or status moves."""
    for obj in session.dirty:
        rule = DEADLINE_SEQUENCE_FIELDS.get(type(obj))
        if rule is None:
            continue
        keys, counter = rule
        if attribute_changed(obj, counter) is not False:
            continue  # set explicitly by the caller: respect it
        if fields_changed(session, obj, keys):
            setattr(obj, counter, (getattr(obj, counter) or 0) + 1)


def touches_feeds(session: Session) -> bool:
    """Whether this flush creates, changes or deletes anything a feed shows."""
    if any(isinstance(obj, FEED_MODELS) for obj in (*session.new, *session.deleted)):
        return True
    return any(isinstance(obj, FEED_MODELS) and session.is_modified(obj) for obj in session.dirty)
