"""A series rule's occurrences, computed with python-dateutil's rrule in the rule's zone.

rrule works on naive local datetimes, so 15:00 stays 15:00 on the wall clock across DST; each
occurrence is then placed in the zone and converted to UTC for storage. A local time that a
zone skips (spring forward) lands one hour later, as zoneinfo reads it (fold=0).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from tracker.models import Frequency, SeriesRule
from tracker.timefmt import human_date

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
POSITION_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
# How far a top-up looks ahead before giving up (a rule with many skipped occurrences).
MAX_SCAN = 1000


def local_rule(rule: SeriesRule) -> rrule:
    """The rule as a dateutil rrule over naive local datetimes."""
    start = datetime.combine(rule.first_day, rule.start_time.replace(second=0, microsecond=0))
    until = datetime.combine(rule.until, start.time()) if rule.until is not None else None
    if rule.frequency == Frequency.WEEKLY:
        return rrule(
            WEEKLY,
            interval=rule.interval,
            dtstart=start,
            byweekday=rule.first_day.weekday(),
            until=until,
            count=rule.count,
        )
    if rule.frequency == Frequency.MONTHLY_DAY:
        return rrule(
            MONTHLY,
            interval=rule.interval,
            dtstart=start,
            bymonthday=rule.month_day,
            until=until,
            count=rule.count,
        )
    return rrule(
        MONTHLY,
        interval=rule.interval,
        dtstart=start,
        byweekday=weekday(rule.weekday or 0, rule.position or 1),
        until=until,
        count=rule.count,
    )


def to_utc(local: datetime, zone: str) -> datetime:
    """The UTC instant of a naive local time in zone (a skipped time reads as after the gap)."""
    return local.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


def occurrences_after(rule: SeriesRule, instant: datetime) -> Iterator[datetime]:
    """Naive local starts of the rule's occurrences that begin after instant, in order."""
    zone = rule.zone_name
    # One day of slack: the local wall clock of instant may differ from the rule's by a day.
    local_floor = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) - timedelta(days=1)
    for scanned, local in enumerate(local_rule(rule).xafter(local_floor)):
        if scanned >= MAX_SCAN:
            return
        if to_utc(local, zone) > instant:
            yield local


def length(rule: SeriesRule) -> timedelta:
    """How long each occurrence lasts."""
    return length_of(rule.length_minutes)


def length_of(minutes: int) -> timedelta:
    """A length given in minutes."""
    return timedelta(minutes=minutes)


def describe(rule: SeriesRule) -> str:
    """The rule in words: "Every 2 months on the third Wednesday at 15:00 (Europe/Sofia)"."""
    unit = "week" if rule.frequency == Frequency.WEEKLY else "month"
    every = f"Every {unit}" if rule.interval == 1 else f"Every {rule.interval} {unit}s"
    if rule.frequency == Frequency.WEEKLY:
        on = f"on {WEEKDAY_NAMES[rule.first_day.weekday()]}"
    elif rule.frequency == Frequency.MONTHLY_DAY:
        on = f"on day {rule.month_day}"
    else:
        on = f"on the {POSITION_NAMES.get(rule.position or 1)} {WEEKDAY_NAMES[rule.weekday or 0]}"
    text = (
        f"{every} {on} at {rule.start_time:%H:%M} ({rule.zone_name}) for "
        f"{rule.length_minutes} minutes, from {human_date(rule.first_day)}"
    )
    if rule.until is not None:
        text += f" until {human_date(rule.until)}"
    elif rule.count is not None:
        text += f", {rule.count} times"
    return text
