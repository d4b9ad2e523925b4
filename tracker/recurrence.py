"""A series rule's occurrences, computed with python-dateutil's rrule in the rule's zone.

rrule works on naive local datetimes, so 15:00 stays 15:00 on the wall clock across DST; each
occurrence is then placed in the zone and converted to UTC for storage. A local time that a
zone skips (spring forward) lands one hour later, as zoneinfo reads it (fold=0).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_day_names
from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from flask_babel import LazyString, get_locale

from tracker.i18n import _, _lp, _n
from tracker.models import Frequency, SeriesRule
from tracker.timefmt import human_date

# The positions of a weekday in a month, as the rule form lists them.
POSITION_NAMES: dict[int, LazyString] = {
    1: _lp("weekday in the month", "first"),
    2: _lp("weekday in the month", "second"),
    3: _lp("weekday in the month", "third"),
    4: _lp("weekday in the month", "fourth"),
    5: _lp("weekday in the month", "fifth"),
    -1: _lp("weekday in the month", "last"),
}
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


def weekday_names() -> list[str]:
    """Monday to Sunday in the reader's language (English outside a request)."""
    locale = get_locale() or Locale.parse("en")
    names = get_day_names("wide", locale=locale)
    return [str(names[day]) for day in range(7)]


def every_text(rule: SeriesRule) -> str:
    """How often: "Every week", "Every 2 months"."""
    if rule.frequency == Frequency.WEEKLY:
        if rule.interval == 1:
            return _("Every week")
        return _n("Every %(num)d week", "Every %(num)d weeks", rule.interval)
    if rule.interval == 1:
        return _("Every month")
    return _n("Every %(num)d month", "Every %(num)d months", rule.interval)


def on_text(rule: SeriesRule) -> str:
    """Which day: "on Wednesday", "on day 14", "on the third Wednesday"."""
    names = weekday_names()
    if rule.frequency == Frequency.WEEKLY:
        return _("on %(weekday)s", weekday=names[rule.first_day.weekday()])
    if rule.frequency == Frequency.MONTHLY_DAY:
        return _("on day %(day)s", day=rule.month_day)
    name = names[rule.weekday or 0]
    position = rule.position or 1
    if position == 2:
        return _("on the second %(weekday)s", weekday=name)
    if position == 3:
        return _("on the third %(weekday)s", weekday=name)
    if position == 4:
        return _("on the fourth %(weekday)s", weekday=name)
    if position == 5:
        return _("on the fifth %(weekday)s", weekday=name)
    if position == -1:
        return _("on the last %(weekday)s", weekday=name)
    return _("on the first %(weekday)s", weekday=name)


def describe(rule: SeriesRule) -> str:
    """The rule in words: "Every 2 months on the third Wednesday at 15:00 (Europe/Sofia)"."""
    text = _n(
        "%(every)s %(on)s at %(time)s (%(zone)s) for %(num)d minute, from %(first)s",
        "%(every)s %(on)s at %(time)s (%(zone)s) for %(num)d minutes, from %(first)s",
        rule.length_minutes,
        every=every_text(rule),
        on=on_text(rule),
        time=rule.start_time.strftime("%H:%M"),
        zone=rule.zone_name,
        first=human_date(rule.first_day),
    )
    if rule.until is not None:
        return _("%(rule)s until %(date)s", rule=text, date=human_date(rule.until))
    if rule.count is not None:
        return _n("%(rule)s, %(num)d times", "%(rule)s, %(num)d times", rule.count, rule=text)
    return text
