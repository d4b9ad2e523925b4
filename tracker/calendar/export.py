"""Pure iCalendar (RFC 5545) serializer for meetings and deadlines, built on icalendar and zoneinfo.

Nothing here knows about Flask or the database: the caller hands in plain values and gets bytes.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDuration,
    vText,
)

PRODID = "-//Borderless AI Initiative//Meeting tracker//EN"
STATUS_CANCELLED = "CANCELLED"
STATUS_CONFIRMED = "CONFIRMED"
STATUS_TENTATIVE = "TENTATIVE"

# Observances start this long before the first event and run this long after the last one, so
# that a client expanding the zone around an event never falls off the end of our data.
ZONE_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class CalendarInfo:
    """Calendar-level properties of one feed."""

    name: str
    description: str
    refresh: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Wording:
    """The words a feed puts around a meeting's data, in the reader's language.

    English by default; the caller hands in translations (this module knows no Flask). Part of
    each event's value, so a cached VEVENT is never served in another language.
    """

    agenda: str = "Agenda:"
    with_organisations: str = "With %(organisations)s"
    online: str = "Online: %(url)s"


@dataclass(frozen=True)
class MeetingEvent:
    """Everything one meeting contributes to a VEVENT."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: str
    sequence: int
    created: datetime
    last_modified: datetime
    url: str = ""
    location: str = ""
    online_url: str = ""
    category: str = ""
    agenda: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    notes: str = ""
    wording: Wording = Wording()

    def __post_init__(self) -> None:
        """Keep the value hashable (it is a cache key) even when handed lists."""
        object.__setattr__(self, "agenda", tuple(self.agenda))
        object.__setattr__(self, "organisations", tuple(self.organisations))


@dataclass(frozen=True)
class DeadlineEvent:
    """An all-day event for a due date: a deliverable's, a milestone's or an action item's."""

    uid: str
    summary: str
    due: date
    created: datetime
    last_modified: datetime
    url: str = ""
    category: str = ""
    notes: str = ""
    status: str = STATUS_CONFIRMED
    sequence: int = 0


# C0 controls but TAB and LF, DEL, and C1 controls: RFC 5545 3.3.11 allows none of them in TEXT.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode line and paragraph separators break lines in some clients: they become plain newlines.
LINE_SEPARATORS = re.compile("\r\n|[\r\u2028\u2029\x85]")


def clean_text(text: str) -> str:
    """Text fit for an iCalendar TEXT value: line breaks as LF, control characters dropped."""
    return CONTROL_CHARACTERS.sub("", LINE_SEPARATORS.sub("\n", text))


def utc(moment: datetime) -> datetime:
    """An aware datetime in UTC, refusing floating (naive) times."""
    if moment.tzinfo is None:
        raise ValueError("floating times are not allowed in feeds")
    return moment.astimezone(UTC).replace(microsecond=0)


def zoned(moment: datetime, zone: ZoneInfo) -> datetime:
    """The instant as local time in zone, or in UTC where the local time would be ambiguous.

    In the repeated hour when clocks go back, a local time with a TZID means its first
    occurrence (RFC 5545 3.3.5), but parsers disagree (vobject takes the second), and the
    second occurrence cannot be written with a TZID at all. UTC is read alike by everyone.
    """
    local = utc(moment).astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return utc(moment)
    return local


def meeting_description(event: MeetingEvent) -> str:
    """The DESCRIPTION text: agenda, organisations, online link (once) and the page link.

    Kept short, since a feed repeats it for every meeting: the notes, which can run long, stay
    on the meeting page the link leads to, and the online link is left out when it already is
    the LOCATION.
    """
    parts: list[str] = []
    if event.agenda:
        lines = [f"{n}. {title}" for n, title in enumerate(event.agenda, start=1)]
        parts.append(event.wording.agenda + "\n" + "\n".join(lines))
    links: list[str] = []
    if event.organisations:
        organisations = ", ".join(event.organisations)
        links.append(event.wording.with_organisations % {"organisations": organisations})
    if event.online_url and event.location:
        links.append(event.wording.online % {"url": event.online_url})
    if event.url:
        links.append(event.url)
    if links:
        parts.append("\n".join(links))
    return clean_text("\n\n".join(parts))


def add_record_fields(component: Event, event: MeetingEvent | DeadlineEvent) -> None:
    """Add what every VEVENT of ours carries: link, category, times, sequence, status."""
    if event.url:
        component.add("url", event.url, parameters={"VALUE": "URI"})
    if event.category:
        component.add("categories", [clean_text(event.category)])
    component.add("created", utc(event.created))
    component.add("last-modified", utc(event.last_modified))
    component.add("sequence", event.sequence)
    component.add("status", event.status)


def meeting_component(event: MeetingEvent) -> Event:
    """One VEVENT with TZID-qualified start and end in the meeting's own zone."""
    zone = ZoneInfo(event.timezone)
    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", utc(event.last_modified))
    component.add("dtstart", zoned(event.starts_at, zone))
    component.add("dtend", zoned(event.ends_at, zone))
    component.add("summary", clean_text(event.summary))
    location = event.location or event.online_url
    if location:
        component.add("location", clean_text(location))
    description = meeting_description(event)
    if description:
        component.add("description", description)
    add_record_fields(component, event)
    if event.status == STATUS_CANCELLED:
        component.add("transp", "TRANSPARENT")  # OPAQUE is the default (RFC 5545 3.8.2.7)
    return component


def deadline_component(event: DeadlineEvent) -> Event:
    """One all-day VEVENT: DATE values with an exclusive end on the next day."""
    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", utc(event.last_modified))
    component.add("dtstart", event.due)
    if event.due < date.max:  # without DTEND an all-day event lasts its one day anyway
        component.add("dtend", event.due + timedelta(days=1))
    component.add("summary", clean_text(event.summary))
    description = "\n\n".join(part for part in (event.notes.strip(), event.url) if part)
    if description:
        component.add("description", clean_text(description))
    add_record_fields(component, event)
    component.add("transp", "TRANSPARENT")
    return component


def find_transition(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first UTC instant in (low, high] whose offset differs from low's, to the second."""
    before = (low.astimezone(zone).utcoffset(), low.astimezone(zone).tzname())
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        local = middle.astimezone(zone)
        if (local.utcoffset(), local.tzname()) == before:
            low = middle
        else:
            high = middle
    return high


def zone_transitions(zone: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """Every UTC instant in [first, last] where the zone's offset or abbreviation changes."""
    found: list[datetime] = []
    step = timedelta(hours=12)
    cursor = first
    while cursor < last:
        following = min(cursor + step, last)
        a, b = cursor.astimezone(zone), following.astimezone(zone)
        if (a.utcoffset(), a.tzname()) != (b.utcoffset(), b.tzname()):
            found.append(find_transition(zone, cursor, following))
        cursor = following
    return found


# How far around the events transitions are read: a year and a bit on each side, so every yearly
# rule in force shows at least twice and the observance covering the first event starts before it.
RULE_REACH = timedelta(days=370)
# Where a zone has no transition near the events, the last one is looked for this far back,
# week by week; the vzic-style 1970 onset stands in when there is none.
ZONE_HISTORY_START = datetime(1970, 1, 1, tzinfo=UTC)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of a zone's offset or abbreviation, as an observance would describe it."""

    local_onset: datetime  # naive local time just before the change (RFC 5545 3.6.5)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def byday(self) -> str:
        """The onset's weekday and its place in the month as BYDAY: 2SU, or -1SU for the last."""
        onset = self.local_onset
        month_days = monthrange(onset.year, onset.month)[1]
        place = -1 if onset.day > month_days - 7 else (onset.day - 1) // 7 + 1
        return f"{place}{DAYS[onset.weekday()]}"

    @property
    def rule(self) -> tuple[object, ...]:
        """What a yearly RRULE repeats: offsets, name, month, BYDAY and the time of day."""
        onset = self.local_onset
        return (
            self.daylight,
            self.offset_from,
            self.offset_to,
            self.name,
            onset.month,
            self.byday,
            onset.time(),
        )


def transition_at(zone: ZoneInfo, moment: datetime, tzid: str) -> Transition:
    """The transition zoneinfo has at the UTC instant moment."""
    before = (moment - timedelta(seconds=1)).astimezone(zone)
    after = moment.astimezone(zone)
    offset_from = before.utcoffset() or timedelta(0)
    return Transition(
        local_onset=(moment + offset_from).replace(tzinfo=None),
        offset_from=offset_from,
        offset_to=after.utcoffset() or timedelta(0),
        name=after.tzname() or tzid,
        daylight=bool(after.dst()),
    )


def last_transition_before(zone: ZoneInfo, moment: datetime) -> datetime | None:
    """The latest UTC instant before moment where the zone changed, looking back to 1970."""
    cursor = moment
    here = moment.astimezone(zone)
    while cursor > ZONE_HISTORY_START:
        earlier = max(cursor - timedelta(days=7), ZONE_HISTORY_START)
        there = earlier.astimezone(zone)
        if (there.utcoffset(), there.tzname()) != (here.utcoffset(), here.tzname()):
            return find_transition(zone, earlier, cursor)
        cursor = earlier
    return None


def yearly_runs(transitions: Sequence[Transition]) -> list[list[Transition]]:
    """Transitions grouped into runs that one yearly RRULE describes, in order of onset."""
    runs: list[list[Transition]] = []
    open_runs: dict[bool, list[Transition]] = {}
    for transition in transitions:
        run = open_runs.get(transition.daylight)
        if (
            run is not None
            and run[-1].rule == transition.rule
            and run[-1].local_onset.year + 1 == transition.local_onset.year
        ):
            run.append(transition)
            continue
        run = [transition]
        runs.append(run)
        open_runs[transition.daylight] = run
    return runs


def observance(run: Sequence[Transition], until: datetime | None) -> Component:
    """A STANDARD or DAYLIGHT observance: one onset, or a yearly RRULE when the run repeats."""
    first = run[0]
    component = TimezoneDaylight() if first.daylight else TimezoneStandard()
    component.add("dtstart", first.local_onset)
    component.add("tzoffsetfrom", first.offset_from)
    component.add("tzoffsetto", first.offset_to)
    component.add("tzname", first.name)
    if len(run) > 1:
        rule: dict[str, object] = {
            "freq": "YEARLY",
            "bymonth": first.local_onset.month,
            "byday": first.byday,
        }
        if until is not None:
            rule["until"] = until
        component.add("rrule", rule)
    return component


@lru_cache(maxsize=256)
def timezone_component(tzid: str, first_day: date, last_day: date) -> Timezone:
    """A VTIMEZONE for tzid from the IANA data, valid from first_day to last_day.

    As the tzdata-derived VTIMEZONEs of vzic are, and as Outlook reads them ([MS-OXCICAL]
    2.1.3.1.1.19): a STANDARD and a DAYLIGHT observance with a yearly RRULE for the rule in
    force, explicit onsets only where a change does not repeat yearly, and no observance on a
    date where nothing changes. Each DTSTART is the local time before the change (RFC 5545
    3.6.5), so every change lands on the UTC instant zoneinfo has.
    """
    zone = ZoneInfo(tzid)
    first = datetime.combine(first_day, datetime.min.time(), UTC)
    last = datetime.combine(last_day, datetime.min.time(), UTC)
    moments = zone_transitions(zone, first - RULE_REACH, last + RULE_REACH)
    if not moments or moments[0] > first:
        earlier = last_transition_before(zone, moments[0] if moments else first)
        if earlier is not None:
            moments.insert(0, earlier)
    component = Timezone()
    component.add("tzid", tzid)
    if not moments:
        # A zone without changes since 1970 (e.g. UTC): its one offset, from 1970, as vzic does.
        offset = first.astimezone(zone).utcoffset() or timedelta(0)
        fixed = Transition(
            datetime(1970, 1, 1), offset, offset, first.astimezone(zone).tzname() or tzid, False
        )
        component.add_component(observance([fixed], None))
        return component
    transitions = [transition_at(zone, moment, tzid) for moment in moments]
    runs = yearly_runs(transitions)
    observances: list[Component] = []
    seen: set[bool] = set()
    for run in reversed(runs):
        kind = run[0].daylight
        # The last run of each kind is the rule in force: it has no end. An earlier one ends
        # with its last onset, in UTC (RFC 5545 3.3.10).
        ending = (run[-1].local_onset - run[-1].offset_from).replace(tzinfo=UTC)
        observances.append(observance(run, ending if kind in seen else None))
        seen.add(kind)
    for part in reversed(observances):
        component.add_component(part)
    return component


def calendar_shell(info: CalendarInfo | None) -> Calendar:
    """A VCALENDAR with the properties every feed carries, escaped and typed correctly.

    Without info it is a single appointment to import: [MS-OXCICAL] 2.1.3.1.1.1 says
    X-WR-CALNAME must then be left out, or Outlook makes a new calendar of the file, so no
    calendar-level name, description, refresh interval or TTL is written at all.
    """
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if info is None:
        return calendar
    # icalendar writes unknown and X- properties raw; vText makes it escape , ; \ and newlines.
    calendar.add("name", vText(clean_text(info.name)))
    calendar.add("x-wr-calname", vText(clean_text(info.name)))
    calendar.add("x-wr-caldesc", vText(clean_text(info.description)))
    # Without the explicit parameter icalendar drops VALUE=DURATION, which RFC 7986 requires,
    # and it writes X-PUBLISHED-TTL as "1:00:00" unless handed a vDuration.
    calendar.add("refresh-interval", vDuration(info.refresh), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(info.refresh))
    return calendar


def zone_ranges(events: Iterable[MeetingEvent]) -> dict[str, tuple[date, date]]:
    """For each zone used, the first and last day its VTIMEZONE must cover."""
    ranges: dict[str, tuple[date, date]] = {}
    for event in events:
        low = (utc(event.starts_at) - ZONE_MARGIN).date()
        high = (utc(event.ends_at) + ZONE_MARGIN).date()
        if event.timezone in ranges:
            old_low, old_high = ranges[event.timezone]
            ranges[event.timezone] = (min(low, old_low), max(high, old_high))
        else:
            ranges[event.timezone] = (low, high)
    return ranges


def build_calendar(
    info: CalendarInfo | None,
    meetings: Sequence[MeetingEvent] = (),
    deadlines: Sequence[DeadlineEvent] = (),
) -> Calendar:
    """The calendar object: shell, one VTIMEZONE per zone used, then the events."""
    calendar = calendar_shell(info)
    for tzid, (first_day, last_day) in sorted(zone_ranges(meetings).items()):
        calendar.add_component(timezone_component(tzid, first_day, last_day))
    for meeting in meetings:
        calendar.add_component(meeting_component(meeting))
    for deadline in deadlines:
        calendar.add_component(deadline_component(deadline))
    return calendar


FOLD_OCTETS = 74  # icalendar folds before a line would reach 75 octets
CONTINUATION = 0b1100_0000  # UTF-8 continuation bytes are 10xxxxxx
ESCAPES = b"\\^"  # TEXT and RFC 6868 parameter escapes are never split from their character


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded exactly as icalendar folds it, at byte speed.

    icalendar's folding walks the line a character at a time and takes about half of the time
    of serialising a feed. This cuts the encoded bytes instead: each piece holds at most 74
    octets, never ends inside a UTF-8 character, and never ends on a backslash or caret, whose
    escaped character then starts the next piece. tests/test_calendar_export.py checks that
    the output is byte for byte icalendar's.
    """
    data = line.encode()
    if len(data) <= FOLD_OCTETS:
        return data
    pieces = []
    start = 0
    while len(data) - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & CONTINUATION == 0b1000_0000:
            cut -= 1
        if data[cut - 1] in ESCAPES and cut - 1 > start:
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def component_bytes(component: Component) -> bytes:
    """A component serialised by icalendar, with the lines folded by fold()."""
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)


@lru_cache(maxsize=8192)
def meeting_bytes(event: MeetingEvent) -> bytes:
    """One meeting's VEVENT as bytes, remembered: an unchanged meeting is serialised once."""
    return component_bytes(meeting_component(event))


@lru_cache(maxsize=2048)
def deadline_bytes(event: DeadlineEvent) -> bytes:
    """One deadline's VEVENT as bytes, remembered."""
    return component_bytes(deadline_component(event))


@lru_cache(maxsize=256)
def timezone_bytes(tzid: str, first_day: date, last_day: date) -> bytes:
    """A VTIMEZONE as bytes, remembered."""
    return component_bytes(timezone_component(tzid, first_day, last_day))


def serialize(
    info: CalendarInfo | None,
    meetings: Sequence[MeetingEvent] = (),
    deadlines: Sequence[DeadlineEvent] = (),
) -> bytes:
    """The feed as RFC 5545 bytes: CRLF line ends, folded at 75 octets, UTF-8.

    The same bytes as build_calendar(...).to_ical(), assembled from per-component pieces that
    icalendar serialised, so that after one meeting changes only that meeting is serialised
    again. The events are immutable values: a change to anything shown makes a new cache key.
    """
    shell = component_bytes(calendar_shell(info))
    end = b"END:VCALENDAR\r\n"
    assert shell.endswith(end)
    parts = [shell[: -len(end)]]
    for tzid, (first_day, last_day) in sorted(zone_ranges(meetings).items()):
        parts.append(timezone_bytes(tzid, first_day, last_day))
    parts.extend(meeting_bytes(meeting) for meeting in meetings)
    parts.extend(deadline_bytes(deadline) for deadline in deadlines)
    parts.append(end)
    return b"".join(parts)
