"""The helper shown on meeting forms: the slot's table and, when it has warnings, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from tracker import recurrence
from tracker.inputs import MAX_YEAR, MIN_YEAR, parse_int
from tracker.models import Organisation, Series, SeriesRule
from tracker.scheduling.checks import SlotCheck, check_slot, suggest_slots
from tracker.scheduling.queries import organisations_by_ids, series_zone
from tracker.timefmt import human_datetime, is_zone, zone_info
from tracker.zones.reader import reader_zone

if TYPE_CHECKING:
    from tracker.meetings.forms import MeetingForm

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Suggestion:
    """A suggested start: the value for the form's inputs (local to the meeting) and its text."""

    starts: str
    ends: str
    text: str


@dataclass(frozen=True)
class SlotHelp:
    """What the helper shows: the check of the entered slot and suggested other starts."""

    check: SlotCheck
    zone: str
    suggestions: tuple[Suggestion, ...]


def slot_help(
    starts_at: datetime,
    ends_at: datetime,
    zone: str,
    organisations: Sequence[Organisation],
    reader_zone: str | None,
    now: datetime,
) -> SlotHelp:
    """Check a slot; when it has warnings, suggest the nearest starts that fit everyone."""
    check = check_slot(starts_at, ends_at, organisations, reader_zone)
    suggestions: list[Suggestion] = []
    if organisations and not check.ok:
        near = starts_at.astimezone(zone_info(zone))
        duration = ends_at - starts_at
        for start in suggest_slots(
            near, duration, organisations, not_before=now, reader_zone=reader_zone
        ):
            local = start.astimezone(zone_info(zone))
            suggestions.append(
                Suggestion(
                    f"{local:{LOCAL_INPUT}}",
                    f"{(start + duration).astimezone(zone_info(zone)):{LOCAL_INPUT}}",
                    human_datetime(start, zone),
                )
            )
    return SlotHelp(check, zone, tuple(suggestions))


def moved_slot(
    value: str, starts: datetime | None, ends: datetime | None
) -> tuple[datetime, datetime] | None:
    """A chosen suggestion ("2027-03-04T15:00") as new local start and end, keeping the
    entered length (one hour when there is none); None for a value that is not a time."""
    try:
        new_start = datetime.strptime(value, LOCAL_INPUT)
    except ValueError:
        return None
    length = timedelta(hours=1)
    if starts is not None and ends is not None and ends > starts:
        length = ends - starts
    return new_start, new_start + length


def help_for_input(
    session: Session,
    starts: datetime | None,
    ends: datetime | None,
    zone: str | None,
    organisation_ids: Sequence[int],
    reader: str | None,
    now: datetime,
) -> SlotHelp | None:
    """The helper for entered local wall times in a zone, or None when they make no slot
    yet (missing, in a DST gap, out of range, or the end not after the start)."""
    if starts is None or ends is None or not zone or not is_zone(zone):
        return None
    if not all(MIN_YEAR <= value.year <= MAX_YEAR for value in (starts, ends)):
        return None
    # Imported here: the meetings package imports this module for its form's helper.
    from tracker.meetings.operations import NonexistentLocalTime, local_to_utc

    try:
        starts_at, ends_at = local_to_utc(starts, zone), local_to_utc(ends, zone)
    except NonexistentLocalTime:
        return None
    if ends_at <= starts_at or ends_at - starts_at > timedelta(days=1):
        return None
    organisations = organisations_by_ids(session, organisation_ids)
    return slot_help(starts_at, ends_at, zone, organisations, reader, now)


def meeting_form_help(form: MeetingForm, session: Session, now: datetime) -> SlotHelp | None:
    """The helper for what a meeting form holds (its zone, else its series' zone)."""
    zone = (form.timezone.data or "").strip() or series_zone(session, form.chosen_series_id())
    ids = [parse_int(row.form.organisation.data or "") for row in form.participants]
    return help_for_input(
        session,
        form.starts.data,
        form.ends.data,
        zone,
        [i for i in ids if i is not None],
        reader_zone(),
        now,
    )


def use_suggestion(form: MeetingForm, value: str) -> None:
    """Fill a meeting form's start and end with a chosen suggestion, keeping the length."""
    moved = moved_slot(value, form.starts.data, form.ends.data)
    if moved is None:
        return
    for field, local in zip((form.starts, form.ends), moved, strict=True):
        field.data = local
        field.raw_data = [f"{local:{LOCAL_INPUT}}"]


def rule_checks(
    session: Session,
    series: Series,
    values: dict[str, Any],
    reader: str | None,
    now: datetime,
    count: int = 3,
) -> list[SlotCheck]:
    """The helper's check of a repeat rule's next few meetings, for the series' usual
    organisations (those of its latest meeting); nothing is saved."""
    # Imported here: the meetings package imports this module for its form's helper.
    from tracker.meetings.queries import latest_meeting

    rule = SeriesRule(**values)
    rule.timezone = values.get("timezone") or series.timezone
    latest = latest_meeting(session, series.id)
    organisations = [p.organisation for p in latest.participations] if latest else []
    checks = []
    for local in islice(recurrence.occurrences_after(rule, now), count):
        starts_at = recurrence.to_utc(local, rule.zone_name)
        ends_at = starts_at + recurrence.length(rule)
        checks.append(check_slot(starts_at, ends_at, organisations, reader))
    return checks
