"""Meeting operations: create, update, soft delete, restore, local times. They never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.meetings.queries import next_number
from tracker.models import AgendaItem, Attendance, Meeting, Participation, Topic
from tracker.operations import apply_values, check_version, touch
from tracker.outcomes.operations import ensure_unlocked


class NonexistentLocalTime(ValueError):
    """A wall-clock time that a zone skips, such as 03:30 on a spring-forward night."""


def local_to_utc(naive_local: datetime, zone: str) -> datetime:
    """The aware UTC instant of a wall-clock time in zone; NonexistentLocalTime in a DST gap.

    An ambiguous time (the repeated hour in autumn) means its first occurrence (fold=0).
    """
    tz = ZoneInfo(zone)
    aware = naive_local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    # zoneinfo happily builds a time inside the gap; only a round trip shows it is not real.
    if instant.astimezone(tz).replace(tzinfo=None) != naive_local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            _(
                "%(time)s does not exist in %(zone)s: the clocks jump forward that night "
                "(daylight saving time). Choose a time outside the skipped hour.",
                time=naive_local.strftime("%Y-%m-%d %H:%M"),
                zone=zone,
            )
        )
    return instant


def set_participants(meeting: Meeting, participants: Sequence[tuple[int, Attendance]]) -> bool:
    """Make the participations exactly participants; return whether anything changed."""
    wanted = dict(participants)
    changed = False
    for participation in list(meeting.participations):
        if participation.organisation_id not in wanted:
            meeting.participations.remove(participation)
            changed = True
        else:
            attendance = wanted.pop(participation.organisation_id)
            if participation.attendance != attendance:
                participation.attendance = attendance
                changed = True
    for organisation_id, attendance in wanted.items():
        meeting.participations.append(
            Participation(organisation_id=organisation_id, attendance=attendance)
        )
        changed = True
    return changed


def set_agenda(meeting: Meeting, topic_ids: Sequence[int]) -> bool:
    """Make the agenda exactly topic_ids in order; return whether anything changed.

    Existing items are reused (keeping their notes), since deleting and re-inserting the same
    topic in one flush would break the one-topic-per-meeting constraint.
    """
    existing = {item.topic_id: item for item in meeting.agenda_items}
    changed = False
    for item in list(meeting.agenda_items):
        if item.topic_id not in topic_ids:
            meeting.agenda_items.remove(item)
            changed = True
    for position, topic_id in enumerate(topic_ids):
        kept = existing.get(topic_id)
        if kept is None:
            meeting.agenda_items.append(AgendaItem(topic_id=topic_id, position=position))
            changed = True
        elif kept.position != position:
            kept.position = position
            changed = True
    meeting.agenda_items.sort(key=lambda item: item.position)
    return changed


def agenda_topic_ids(session: Session, entries: Sequence[int | str]) -> list[int]:
    """Topic ids for agenda entries, creating a topic for each new title (reusing one of the
    same title); duplicates are dropped."""
    ids: list[int] = []
    for entry in entries:
        if isinstance(entry, str):
            topic = session.scalars(select(Topic).where(Topic.title == entry)).first()
            if topic is None:
                topic = Topic(title=entry)
                session.add(topic)
                session.flush()
            entry = topic.id
        if entry not in ids:
            ids.append(entry)
    return ids


def create_meeting(
    session: Session,
    values: Mapping[str, Any],
    participants: Sequence[tuple[int, Attendance]],
    agenda: Sequence[int],
) -> Meeting:
    """Add a meeting with its participants and agenda; a missing number takes the next one."""
    values = dict(values)
    if values.get("number") is None:
        values["number"] = next_number(session, values["series_id"])
    meeting = Meeting(**values)
    set_participants(meeting, participants)
    set_agenda(meeting, agenda)
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(
    meeting: Meeting,
    values: Mapping[str, Any],
    participants: Sequence[tuple[int, Attendance]],
    agenda: Sequence[int],
    version: int | None,
) -> list[str]:
    """Change a meeting, its participants and agenda; Conflict if someone saved in between.

    RecordLocked once its minutes are approved.
    """
    session = Session.object_session(meeting)
    if session is not None:
        ensure_unlocked(session, meeting)
    check_version(meeting, version)
    values = dict(values)
    if values.get("number") is None:
        values.pop("number", None)
    changed = apply_values(meeting, values)
    if set_participants(meeting, participants):
        changed.append("participants")
    if set_agenda(meeting, agenda):
        changed.append("agenda")
    if changed and not any(name in values for name in changed):
        # Only child rows changed: bump the meeting's version so other editors see a conflict.
        touch(meeting)
    return changed


def soft_delete_meeting(meeting: Meeting, when: datetime) -> None:
    """Hide a meeting; its agenda, minutes and deliverables stay in the database."""
    meeting.deleted_at = when


def restore_meeting(meeting: Meeting) -> None:
    """Bring a soft-deleted meeting back."""
    meeting.deleted_at = None
