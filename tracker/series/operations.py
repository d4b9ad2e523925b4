"""Series operations, with their recurrence rule and its planned occurrences. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import recurrence
from tracker.i18n import _, _n
from tracker.meetings.operations import create_meeting
from tracker.meetings.queries import latest_meeting, next_number
from tracker.models import Attendance, Meeting, MeetingStatus, Series, SeriesRule
from tracker.operations import Refused, apply_values, check_version
from tracker.outcomes.queries import is_locked
from tracker.series.queries import meeting_count

# Occurrences in one of these are history or a decision: a rule change leaves them alone
# (tracker.series.queries.movable_ids says the same for a page's list).
SETTLED_STATUSES = (MeetingStatus.HELD, MeetingStatus.CANCELLED)


def create_series(session: Session, values: Mapping[str, Any]) -> Series:
    """Add a series."""
    series = Series(**values)
    session.add(series)
    session.flush()
    return series


def update_series(series: Series, values: Mapping[str, Any], version: int | None) -> list[str]:
    """Change a series; Conflict if someone saved it in between."""
    check_version(series, version)
    return apply_values(series, values)


def delete_series(session: Session, series: Series) -> None:
    """Delete a series without meetings; Refused otherwise, so no minutes are lost."""
    count = meeting_count(session, series)
    if count:
        raise Refused(
            _n(
                "%(name)s cannot be deleted: it has %(num)d meeting(s), with their agendas "
                "and minutes. Delete or move those meetings first.",
                "%(name)s cannot be deleted: it has %(num)d meeting(s), with their agendas "
                "and minutes. Delete or move those meetings first.",
                count,
                name=series.name,
            )
        )
    session.delete(series)
    session.flush()


def occurrence_meetings(session: Session, series: Series) -> dict[datetime, Meeting]:
    """The series' meetings planned from its rule (deleted, cancelled ones too), by occurrence."""
    meetings = session.scalars(
        select(Meeting).where(Meeting.series_id == series.id, Meeting.occurrence.is_not(None))
    )
    return {meeting.occurrence: meeting for meeting in meetings if meeting.occurrence is not None}


def plan_occurrence(session: Session, series: Series, rule: SeriesRule, local: datetime) -> Meeting:
    """Create the meeting of one occurrence, like the latest meeting (organisations, place)."""
    template = latest_meeting(session, series.id)
    number = next_number(session, series.id)
    starts_at = recurrence.to_utc(local, rule.zone_name)
    values = {
        "series_id": series.id,
        "number": number,
        "title": f"{series.name}: meeting {number}",
        "starts_at": starts_at,
        "ends_at": starts_at + recurrence.length(rule),
        "timezone": rule.zone_name,
        "location": template.location if template is not None else "",
        "online_url": template.online_url if template is not None else "",
        "status": MeetingStatus.PLANNED,
        "occurrence": local,
    }
    participants = [
        (p.organisation_id, Attendance.INVITED)
        for p in (template.participations if template is not None else [])
    ]
    return create_meeting(session, values, participants, [])


def plan_occurrences(session: Session, series: Series, now: datetime, wanted: int) -> list[Meeting]:
    """Top up: make sure the next `wanted` live occurrences after now exist as meetings.

    An occurrence that already has a meeting (moved, skipped or deleted ones included) is
    never planned again, so running this twice changes nothing.
    """
    rule = series.rule
    if rule is None or wanted < 1:
        return []
    existing = occurrence_meetings(session, series)
    created: list[Meeting] = []
    live = 0
    for local in recurrence.occurrences_after(rule, now):
        meeting = existing.get(local)
        if meeting is None:
            created.append(plan_occurrence(session, series, rule, local))
            live += 1
        elif meeting.deleted_at is None and meeting.status != MeetingStatus.CANCELLED:
            live += 1
        if live >= wanted:
            break
    return created


def save_rule(
    session: Session, series: Series, values: Mapping[str, Any], version: int | None
) -> SeriesRule:
    """Set the series' rule (create or change it); Conflict if someone saved it in between."""
    rule = series.rule
    if rule is None:
        rule = SeriesRule(series=series, **values)
        session.add(rule)
    else:
        check_version(rule, version)
        apply_values(rule, values)
    session.flush()
    return rule


def is_movable(session: Session, meeting: Meeting, now: datetime) -> bool:
    """Whether a rule change may move this meeting: live, upcoming, not held, cancelled or
    approved."""
    return (
        meeting.deleted_at is None
        and meeting.status not in SETTLED_STATUSES
        and meeting.starts_at > now
        and not is_locked(session, meeting)
    )


def move_following(
    session: Session,
    series: Series,
    values: Mapping[str, Any],
    version: int | None,
    now: datetime,
    wanted: int,
    since: Meeting | None = None,
) -> list[Meeting]:
    """ "This and all following": change the rule and move every unheld upcoming occurrence
    (from since on, else all) onto it, in order; held, approved and cancelled ones stay.

    Occurrences the new rule no longer has are cancelled. Then top up. Returns the moved
    meetings.
    """
    rule = save_rule(session, series, values, version)
    movable = sorted(
        (
            meeting
            for meeting in occurrence_meetings(session, series).values()
            if is_movable(session, meeting, now)
            and (since is None or meeting.starts_at >= since.starts_at)
        ),
        key=lambda meeting: (meeting.starts_at, meeting.id),
    )
    if not movable:
        plan_occurrences(session, series, now, wanted)
        return []
    kept = {
        local
        for local, meeting in occurrence_meetings(session, series).items()
        if meeting not in movable
    }
    # Free the moved meetings' occurrences first, so that swapping them cannot collide.
    for meeting in movable:
        meeting.occurrence = None
    session.flush()
    targets = (local for local in recurrence.occurrences_after(rule, now) if local not in kept)
    zone = rule.zone_name
    for meeting in movable:
        local = next(targets, None)
        if local is None:
            meeting.status = MeetingStatus.CANCELLED
            continue
        starts_at = recurrence.to_utc(local, zone)
        apply_values(
            meeting,
            {
                "occurrence": local,
                "starts_at": starts_at,
                "ends_at": starts_at + recurrence.length(rule),
                "timezone": zone,
            },
        )
    session.flush()
    plan_occurrences(session, series, now, wanted)
    return movable


def move_this_only(
    session: Session,
    meeting: Meeting,
    when: tuple[date, time, int],
    version: int | None,
    now: datetime,
) -> list[str]:
    """ "This meeting only": move one upcoming occurrence to (day, start, minutes) as an
    exception; it keeps its occurrence, so the rule never plans that one again."""
    check_version(meeting, version)
    if not is_movable(session, meeting, now):
        raise Refused(
            _(
                "%(title)s is held, cancelled, approved or past; it cannot be moved.",
                title=meeting.title,
            )
        )
    day, start, minutes = when
    starts_at = recurrence.to_utc(datetime.combine(day, start), meeting.timezone)
    changed = apply_values(
        meeting,
        {"starts_at": starts_at, "ends_at": starts_at + recurrence.length_of(minutes)},
    )
    session.flush()
    return changed


def skip_occurrence(session: Session, meeting: Meeting, now: datetime, wanted: int) -> None:
    """Cancel one occurrence (it is never planned again) and top the series up."""
    if not is_movable(session, meeting, now):
        raise Refused(
            _(
                "%(title)s is held, cancelled, approved or past; it cannot be skipped.",
                title=meeting.title,
            )
        )
    meeting.status = MeetingStatus.CANCELLED
    session.flush()
    plan_occurrences(session, meeting.series, now, wanted)
