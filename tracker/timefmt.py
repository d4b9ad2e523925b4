"""Times for people: a meeting's instant in its own zone and in its participants' zones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


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
    """A zone's city name: Europe/Sofia -> Sofia, America/New_York -> New York."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def human_date(value: date) -> str:
    """Tue 3 Mar 2027."""
    return f"{value:%a} {value.day} {value:%b %Y}"


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
        label = f"{local:%H:%M}" if local.date() == home.date() else f"{local:%a %H:%M}"
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
    clock = f"{local:%H:%M}" if local.date() == shown.date() else f"{local:%a %H:%M}"
    return f"{clock} your time ({city(reader)})"


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
