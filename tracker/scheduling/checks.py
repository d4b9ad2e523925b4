"""Checks a candidate meeting slot against each organisation's working hours, weekends,
public holidays and the weeks when the partners' usual offsets to each other change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import combinations
from typing import TYPE_CHECKING

import holidays
from babel import Locale
from babel.dates import get_day_names
from babel.numbers import format_decimal
from flask_babel import get_locale

from tracker.i18n import _, _n
from tracker.timefmt import city, human_date, is_zone, zone_info

if TYPE_CHECKING:
    from tracker.models import Organisation

DEFAULT_WORK_START = time(9, 0)
DEFAULT_WORK_END = time(18, 0)
# Offsets are compared with those this many weeks before and after the slot.
OFFSET_WEEKS = 4
SUGGEST_STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class PlaceTime:
    """One row of the table: a place's local time for the slot and what is wrong with it."""

    label: str
    zone: str
    local_start: datetime
    local_end: datetime
    warnings: tuple[str, ...]
    # The reader's own row ("You"), not an organisation's.
    reader: bool = False

    @property
    def ok(self) -> bool:
        """Whether this place has no warning."""
        return not self.warnings


@dataclass(frozen=True)
class SlotCheck:
    """The table for one candidate slot: a row per place and the slot-wide warnings."""

    starts_at: datetime
    ends_at: datetime
    rows: tuple[PlaceTime, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """No warnings anywhere."""
        return not self.warnings and all(row.ok for row in self.rows)

    @property
    def all_warnings(self) -> tuple[str, ...]:
        """Every warning, the slot-wide ones first, then each row's prefixed by its label."""
        per_row = tuple(f"{row.label}: {w}" for row in self.rows for w in row.warnings)
        return self.warnings + per_row


def working_hours(organisation: Organisation) -> tuple[time, time]:
    """An organisation's working hours, the default 09:00-18:00 where none are set."""
    start = getattr(organisation, "work_start", None) or DEFAULT_WORK_START
    end = getattr(organisation, "work_end", None) or DEFAULT_WORK_END
    return start, end


EN_DASH = "\u2013"


def hours_label(start: time, end: time) -> str:
    """09:00 to 18:00 joined by an en dash."""
    return f"{start:%H:%M}{EN_DASH}{end:%H:%M}"


# What each partner country's offices close for, beyond the package's defaults: Sweden's
# de facto holidays (Midsummer Eve, Christmas Eve) without its every-Sunday entries, and
# England's bank holidays for Great Britain (the partner sits in London).
COUNTRY_OPTIONS: dict[str, dict[str, object]] = {
    "SE": {"include_sundays": False, "categories": ("public", "de_facto")},
    "GB": {"subdiv": "ENG"},
}


def reader_locale() -> Locale:
    """The reader's language as a Babel locale (English outside a request)."""
    return get_locale() or Locale.parse("en")


@lru_cache(maxsize=64)
def holiday_languages(code: str) -> tuple[str, ...]:
    """The languages the holidays package names a country's holidays in (none if unknown)."""
    try:
        return tuple(holidays.country_holidays(code).supported_languages)
    except NotImplementedError:
        return ()


def holiday_language(country: str) -> str:
    """The language to name a country's holidays in: the reader's, where the holidays package
    has it (Serbian in Cyrillic only), else American English."""
    locale = reader_locale()
    if locale.script:
        return "en_US"
    supported = holiday_languages(country.upper())
    for code in (str(locale), locale.language):
        if code in supported and not code.startswith("en"):
            return code
    return "en_US"


@lru_cache(maxsize=256)
def country_holidays(country: str, year: int, language: str = "en_US") -> dict[date, str]:
    """A country's public holidays in a year, named in language (American English unless
    given; empty for unknown countries)."""
    code = country.upper()
    try:
        found = holidays.country_holidays(
            code,
            years=year,
            language=language,
            **COUNTRY_OPTIONS.get(code, {}),  # type: ignore[arg-type]
        )
    except NotImplementedError:
        return {}
    return {day: str(name) for day, name in sorted(found.items())}


def holiday_name(country: str, day: date) -> str | None:
    """The public holiday on a day in a country, named in the reader's language, or None."""
    return country_holidays(country, day.year, holiday_language(country)).get(day)


def local_days(local_start: datetime, local_end: datetime) -> list[date]:
    """Every local calendar day a slot touches (an end at midnight does not touch the next)."""
    last = (local_end - timedelta(microseconds=1)).date() if local_end > local_start else None
    days = [local_start.date()]
    while last is not None and days[-1] < last:
        days.append(days[-1] + timedelta(days=1))
    return days


def hours_warnings(local_start: datetime, local_end: datetime, start: time, end: time) -> list[str]:
    """Warnings for a slot starting before or ending after the working hours."""
    span = hours_label(start, end)
    found: list[str] = []
    if local_start.time() < start:
        found.append(_("before working hours (%(hours)s)", hours=span))
    # The end's wall-clock minutes counted from the start day's midnight (past 1440 next day).
    end_minutes = (local_end.date() - local_start.date()).days * 1440
    end_minutes += local_end.hour * 60 + local_end.minute
    if local_start.time() >= end or end_minutes > end.hour * 60 + end.minute:
        found.append(_("after working hours (%(hours)s)", hours=span))
    return found


def day_warnings(days: Sequence[date], country: str | None) -> list[str]:
    """Weekend and public-holiday warnings for the local days of a slot."""
    found: list[str] = []
    names = get_day_names("wide", locale=reader_locale())
    for day in days:
        if day.weekday() >= 5:
            found.append(_("weekend: %(weekday)s", weekday=names[day.weekday()]))
        name = holiday_name(country, day) if country else None
        if name:
            found.append(_("public holiday: %(name)s", name=name))
    return found


def place_time(
    label: str,
    zone: str,
    starts_at: datetime,
    ends_at: datetime,
    hours: tuple[time, time] | None,
    country: str | None,
    reader: bool = False,
) -> PlaceTime:
    """One row: the slot in a zone, with working-hour, weekend and holiday warnings."""
    info = zone_info(zone)
    local_start, local_end = starts_at.astimezone(info), ends_at.astimezone(info)
    warnings: list[str] = []
    if hours is not None:
        warnings += hours_warnings(local_start, local_end, *hours)
        warnings += day_warnings(local_days(local_start, local_end), country)
    return PlaceTime(label, zone, local_start, local_end, tuple(warnings), reader)


def offset_hours(zone: str, instant: datetime) -> float:
    """A zone's UTC offset at an instant, in hours."""
    offset = instant.astimezone(zone_info(zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def hours_text(hours: float) -> str:
    """5 h, 5.5 h."""
    return _("%(hours)s h", hours=format_decimal(abs(hours), locale=reader_locale()))


def gap_text(ahead: str, behind: str, now: float, usual: float) -> str:
    """London is 4 h ahead of New York this week instead of 5 h."""
    # Several places joined by commas take a plural verb ("Vienna, Sofia are 6 h ahead").
    places = 2 if "," in ahead else 1
    if now == 0:
        return _(
            "%(ahead)s and %(behind)s have the same time this week instead of %(usual)s apart",
            ahead=ahead,
            behind=behind,
            usual=hours_text(usual),
        )
    names = {"ahead": ahead, "behind": behind, "now": hours_text(now)}
    if usual == 0:
        return _n(
            "%(ahead)s is %(now)s ahead of %(behind)s this week instead of the same time",
            "%(ahead)s are %(now)s ahead of %(behind)s this week instead of the same time",
            places,
            **names,
        )
    if usual * now > 0:
        return _n(
            "%(ahead)s is %(now)s ahead of %(behind)s this week instead of %(usual)s",
            "%(ahead)s are %(now)s ahead of %(behind)s this week instead of %(usual)s",
            places,
            usual=hours_text(usual),
            **names,
        )
    return _n(
        "%(ahead)s is %(now)s ahead of %(behind)s this week instead of %(usual)s behind",
        "%(ahead)s are %(now)s ahead of %(behind)s this week instead of %(usual)s behind",
        places,
        usual=hours_text(usual),
        **names,
    )


def offset_change_warnings(instant: datetime, zones: Sequence[str]) -> list[str]:
    """Pairs of zones whose offset to each other at the instant differs from the usual one
    (the most common over the weeks around it), as when Europe and the US switch apart."""
    samples = [instant + timedelta(weeks=k) for k in range(-OFFSET_WEEKS, OFFSET_WEEKS + 1) if k]
    # Zones that keep the same clock at every sample are one place here (Vienna, Belgrade).
    groups: dict[tuple[float, ...], list[str]] = {}
    for zone in dict.fromkeys(zones):
        signature = tuple(offset_hours(zone, moment) for moment in [instant, *samples])
        names = groups.setdefault(signature, [])
        if city(zone) not in names:
            names.append(city(zone))
    found: list[str] = []
    for (first, first_names), (second, second_names) in combinations(groups.items(), 2):
        now = first[0] - second[0]
        counts = Counter(a - b for a, b in zip(first[1:], second[1:], strict=True))
        (usual, times), *rest = counts.most_common()
        if usual == now or (rest and rest[0][1] == times):
            continue
        one, other = ", ".join(first_names), ", ".join(second_names)
        if now > 0 or (now == 0 and usual > 0):
            found.append(gap_text(one, other, now, usual))
        else:
            found.append(gap_text(other, one, -now, -usual))
    return found


def clock_change_warnings(instant: datetime, zones: Sequence[str]) -> list[str]:
    """Zones whose clocks change within three days either side of the slot."""
    found: list[str] = []
    changed: dict[str, list[str]] = {}
    before, after = instant - timedelta(days=3), instant + timedelta(days=3)
    for zone in dict.fromkeys(zones):
        if offset_hours(zone, before) == offset_hours(zone, after):
            continue
        day = change_day(zone, before, after)
        changed.setdefault(human_date(day), []).append(city(zone))
    for day_text, cities in changed.items():
        found.append(
            _("clocks change on %(day)s in %(places)s", day=day_text, places=", ".join(cities))
        )
    return found


def change_day(zone: str, before: datetime, after: datetime) -> date:
    """The local day a zone's offset changes between two instants (hourly search)."""
    moment, start = before, offset_hours(zone, before)
    while moment < after and offset_hours(zone, moment) == start:
        moment += timedelta(hours=1)
    return moment.astimezone(zone_info(zone)).date()


def as_utc(value: datetime) -> datetime:
    """An aware instant in UTC (naive values are taken as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_slot(
    starts_at: datetime,
    ends_at: datetime,
    organisations: Sequence[Organisation],
    reader_zone: str | None = None,
) -> SlotCheck:
    """The table for a slot: each organisation's local time and warnings, the reader's row,
    and slot-wide warnings for the weeks the partners' offsets to each other change."""
    starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
    rows = [
        place_time(
            org.name,
            org.timezone,
            starts_at,
            ends_at,
            working_hours(org),
            org.country,
        )
        for org in organisations
        if is_zone(org.timezone)
    ]
    if reader_zone and is_zone(reader_zone):
        rows.append(place_time(_("You"), reader_zone, starts_at, ends_at, None, None, True))
    zones = [row.zone for row in rows]
    warnings = offset_change_warnings(starts_at, zones) + clock_change_warnings(starts_at, zones)
    return SlotCheck(starts_at, ends_at, tuple(rows), tuple(warnings))


def fits(starts_at: datetime, ends_at: datetime, organisations: Sequence[Organisation]) -> bool:
    """Whether a slot is inside everyone's working hours on working days that are not holidays."""
    for org in organisations:
        if not is_zone(org.timezone):
            continue
        row = place_time(
            org.name, org.timezone, starts_at, ends_at, working_hours(org), org.country
        )
        if row.warnings:
            return False
    return True


def suggest_slots(
    near: datetime,
    duration: timedelta,
    organisations: Sequence[Organisation],
    count: int = 5,
    within: timedelta = timedelta(weeks=4),
    not_before: datetime | None = None,
    reader_zone: str | None = None,
) -> list[datetime]:
    """The nearest slot starts (aware UTC) within `within` after near (or after not_before,
    for a past near) that fit everyone's
    working hours and avoid weekends, holidays and offset-change weeks (so check_slot finds
    them ok, the reader's zone included); the same local time of day as near (in near's zone)
    comes first, then other times by distance from near."""
    if count <= 0 or duration <= timedelta(0):
        return []
    zone = near.tzinfo if near.tzinfo is not None else UTC
    local_near = near.replace(tzinfo=zone) if near.tzinfo is None else near
    earliest = as_utc(not_before) if not_before is not None else as_utc(local_near)
    if earliest > as_utc(local_near):
        # A past slot: look from the first day at the same wall-clock time that is not past.
        late_days = -(-(earliest - as_utc(local_near)) // timedelta(days=1))
        local_near = local_near + timedelta(days=late_days)
    start, end = as_utc(local_near), as_utc(local_near) + within
    steps = int((end - start) / SUGGEST_STEP)
    candidates = [start + SUGGEST_STEP * i for i in range(steps + 1)]
    # Wall-clock preference: in near's zone, the same HH:MM as near comes first.
    wanted = local_near.time().replace(tzinfo=None)

    def preference(candidate: datetime) -> tuple[int, timedelta]:
        same_time = candidate.astimezone(zone).time().replace(tzinfo=None) == wanted
        return (0 if same_time else 1, abs(candidate - start))

    # The same wall-clock time on later days (aware arithmetic keeps the local time across
    # a DST change, where the UTC grid above would be an hour off).
    for days in range(1, within // timedelta(days=1) + 1):
        instant = as_utc(local_near + timedelta(days=days))
        if instant <= end:
            candidates.append(instant)
    found: list[datetime] = []
    for candidate in sorted(set(candidates), key=preference):
        if candidate < earliest:
            continue
        if not fits(candidate, candidate + duration, organisations):
            continue
        if not check_slot(candidate, candidate + duration, organisations, reader_zone).ok:
            continue
        found.append(candidate)
        if len(found) >= count:
            break
    return sorted(found, key=preference)
