"""Times for people: a meeting's instant in its own zone and in its participants' zones, in
the reader's language (weekday, month and city names and the date's order come from Babel)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_skeleton, get_timezone_location
from flask_babel import get_locale

from tracker.i18n import DEFAULT_LANGUAGE, _

# The Babel locale each language formats dates with: German as written in Austria (Jänner).
FORMAT_LOCALES = {"de": "de_AT", "en": "en_GB"}


def language() -> str:
    """The current request's language (English outside a request)."""
    found = get_locale()
    return str(found) if found is not None else DEFAULT_LANGUAGE


def format_locale(code: str | None = None) -> str:
    """The Babel locale to format dates in for a language (default: the current one)."""
    code = code or language()
    return FORMAT_LOCALES.get(code, code)


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    """Every IANA zone name the machine knows."""
    return frozenset(available_timezones())


# ZoneInfo's own strong cache holds only 8 zones: a page showing more would re-read the
# tz files from disk on every request. This keeps every zone (about 600 exist) alive.
@lru_cache(maxsize=1024)
def zone_info(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA zone name, cached."""
    return ZoneInfo(name)


def is_zone(name: str) -> bool:
    """Whether name is a real IANA zone (not a bare offset or abbreviation)."""
    return (name in all_zones() and "/" in name) or name == "UTC"


@lru_cache(maxsize=1)
def zone_choices() -> list[tuple[str, str]]:
    """Select-field choices of the IANA zones, grouped by region order (one shared list)."""
    return [(z, z.replace("_", " ")) for z in sorted(z for z in all_zones() if is_zone(z))]


def city(zone: str) -> str:
    """A zone's city name in the reader's language: Europe/Vienna -> Vienna, Wien, Беч."""
    code = language()
    if code == DEFAULT_LANGUAGE or zone == "UTC":
        return zone.rsplit("/", 1)[-1].replace("_", " ")
    return localised_city(zone, format_locale(code))


@lru_cache(maxsize=4096)
def localised_city(zone: str, locale: str) -> str:
    """Babel's exemplar city of a zone in a locale (its own name where Babel has none)."""
    return str(get_timezone_location(zone, locale=locale, return_city=True))


def human_date(value: date) -> str:
    """Tue 3 Mar 2027; in other languages their own order: Di., 3. März 2027."""
    code = language()
    if code == DEFAULT_LANGUAGE:
        return f"{value:%a} {value.day} {value:%b %Y}"
    return format_skeleton("yMMMEd", value, locale=format_locale(code))


def weekday_short(value: date) -> str:
    """Tue, Di., вт."""
    if language() == DEFAULT_LANGUAGE:
        return f"{value:%a}"
    return format_date(value, "EEE", locale=format_locale())


def weekday_name(value: date) -> str:
    """Tuesday, Dienstag, вторник."""
    if language() == DEFAULT_LANGUAGE:
        return f"{value:%A}"
    return format_date(value, "EEEE", locale=format_locale())


def day_month_year(value: date) -> str:
    """03 Mar 2027, 03.03.2027 (short labels in a select)."""
    if language() == DEFAULT_LANGUAGE:
        return f"{value:%d %b %Y}"
    return format_skeleton("yMMMd", value, locale=format_locale())


def month_year(value: date) -> str:
    """Mar 2027, März 2027 (chart ticks)."""
    if language() == DEFAULT_LANGUAGE:
        return f"{value:%b %Y}"
    return format_date(value, "LLL y", locale=format_locale())


def human_datetime(instant: datetime, zone: str) -> str:
    """Tue 3 Mar 2027, 15:00 Sofia."""
    local = instant.astimezone(zone_info(zone))
    return f"{human_date(local)}, {local:%H:%M} {city(zone)}"


@dataclass(frozen=True)
class ZoneTime:
    """One clock reading shared by one or more zones."""

    label: str
    cities: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.label} {', '.join(self.cities)}"


def times_across_zones(
    instant: datetime, meeting_zone: str, other_zones: Iterable[str]
) -> list[ZoneTime]:
    """The meeting zone's clock first, then the other zones grouped by their clock reading.

    15:00 Sofia · 14:00 Vienna, Belgrade, Stockholm · 13:00 London. A reading on another
    calendar day than the meeting's carries its weekday.
    """
    home = instant.astimezone(zone_info(meeting_zone))
    groups: dict[str, list[str]] = {}
    offsets: dict[str, float] = {}
    for zone in dict.fromkeys(other_zones):
        if zone == meeting_zone:
            continue
        local = instant.astimezone(zone_info(zone))
        clock = f"{local:%H:%M}"
        label = clock if local.date() == home.date() else f"{weekday_short(local)} {clock}"
        name = city(zone)
        if name not in groups.setdefault(label, []):
            groups[label].append(name)
        offset = local.utcoffset()
        offsets[label] = offset.total_seconds() if offset else 0.0
    result = [ZoneTime(f"{home:%H:%M}", (city(meeting_zone),))]
    for label in sorted(groups, key=lambda key: -offsets[key]):
        result.append(ZoneTime(label, tuple(groups[label])))
    return result


def zones_line(instant: datetime, meeting_zone: str, other_zones: Iterable[str]) -> str:
    """The times across zones as one line joined with middle dots."""
    return " · ".join(str(z) for z in times_across_zones(instant, meeting_zone, other_zones))


DEFAULT_ZONE = "Europe/Sofia"


def pick_zone(reader: str | None, context: str | None = None, initiative: str | None = None) -> str:
    """The zone to show a time in: the reader's, else the meeting's, else the initiative's."""
    for zone in (reader, context, initiative):
        if zone and is_zone(zone):
            return zone
    return DEFAULT_ZONE


def your_time(instant: datetime, zone: str, reader: str | None) -> str:
    """The reader's clock beside a time shown in zone: "08:00 your time (New York)".

    Empty when there is no reader zone or its clock reads the same as zone's; a reading on
    another calendar day carries its weekday, as in zones_line.
    """
    if not reader or not is_zone(reader) or reader == zone:
        return ""
    shown = instant.astimezone(zone_info(zone))
    local = instant.astimezone(zone_info(reader))
    if local.replace(tzinfo=None) == shown.replace(tzinfo=None):
        return ""
    clock = f"{local:%H:%M}"
    if local.date() != shown.date():
        clock = f"{weekday_short(local)} {clock}"
    return _("%(clock)s your time (%(city)s)", clock=clock, city=city(reader))


def when(
    instant: datetime | date | None,
    reader: str | None = None,
    context: str | None = None,
    initiative: str | None = None,
) -> str:
    """Every date or time shown to people: a date as Tue 3 Mar 2027, an instant with its zone.

    An instant with a context zone (a meeting's) is shown in that zone, with the reader's own
    clock beside it when that differs: Tue 3 Mar 2027, 15:00 Sofia · 08:00 your time (New York).
    Without a context zone it is shown in the reader's zone, else the initiative's.
    """
    if instant is None:
        return ""
    if not isinstance(instant, datetime):
        return human_date(instant)
    if context and is_zone(context):
        shown = human_datetime(instant, context)
        beside = your_time(instant, context, reader)
        return f"{shown} · {beside}" if beside else shown
    return human_datetime(instant, pick_zone(reader, None, initiative))
