"""Meeting reads: the filtered list and the numbering rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker import recurrence
from tracker.filters import enum_value, int_value, text_value
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Meeting,
    MeetingStatus,
    Organisation,
    Participation,
    Series,
    utcnow,
)


@dataclass(frozen=True)
class MeetingFilter:
    """What the meetings list narrows to, and in which order."""

    series_id: int | None = None
    status: MeetingStatus | None = None
    organisation_id: int | None = None
    country: str = ""
    year: int | None = None
    q: str = ""
    oldest_first: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MeetingFilter:
        """The filter asked for by a query string."""
        return cls(
            series_id=int_value(args, "series"),
            status=enum_value(args, "status", MeetingStatus),
            organisation_id=int_value(args, "organisation"),
            country=args.get("country", "").upper(),
            year=int_value(args, "year"),
            q=text_value(args, "q"),
            oldest_first=args.get("order", "") == "start",
        )


def meeting_list_query(filters: MeetingFilter) -> Select[Any]:
    """Live meetings matching filters, newest first unless asked otherwise."""
    query = (
        select(Meeting)
        .where(Meeting.deleted_at.is_(None))
        .order_by(
            *(
                (Meeting.starts_at, Meeting.id)
                if filters.oldest_first
                else (Meeting.starts_at.desc(), Meeting.id.desc())
            )
        )
        .options(
            selectinload(Meeting.series),
            selectinload(Meeting.participations).selectinload(Participation.organisation),
        )
    )
    if filters.series_id:
        query = query.where(Meeting.series_id == filters.series_id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.organisation_id:
        query = query.where(
            Meeting.id.in_(
                select(Participation.meeting_id).where(
                    Participation.organisation_id == filters.organisation_id
                )
            )
        )
    if filters.country:
        query = query.where(
            Meeting.id.in_(
                select(Participation.meeting_id)
                .join(Organisation)
                .where(Organisation.country == filters.country)
            )
        )
    if filters.year:
        query = query.where(extract("year", Meeting.starts_at) == filters.year)
    if filters.q:
        like = f"%{filters.q}%"
        query = query.where(
            or_(
                Meeting.title.ilike(like),
                Meeting.location.ilike(like),
                Meeting.description.ilike(like),
            )
        )
    return query


def next_number(session: Session, series_id: int) -> int:
    """The next free meeting number in a series (deleted meetings keep their numbers)."""
    highest = session.scalar(select(func.max(Meeting.number)).where(Meeting.series_id == series_id))
    return int(highest or 0) + 1


def number_taken(session: Session, series_id: int, number: int, exclude_id: int | None) -> bool:
    """Whether another meeting of the series (deleted ones included) has this number."""
    query = select(Meeting.id).where(Meeting.series_id == series_id, Meeting.number == number)
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    return session.execute(query).first() is not None


DEFAULT_RHYTHM = timedelta(days=28)


@dataclass
class NextMeetingPlan:
    """What the new-meeting form is prefilled with when planning the next meeting of a series."""

    series: Series
    number: int
    title: str
    starts: datetime
    ends: datetime
    timezone: str
    location: str
    online_url: str
    organisation_ids: list[int]
    topic_ids: list[int]


def latest_meeting(session: Session, series_id: int) -> Meeting | None:
    """The live meeting of the series with the highest number."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.series_id == series_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.number.desc())
        .limit(1)
    ).first()


def series_rhythm(session: Session, series_id: int) -> timedelta:
    """The gap between the last two live meetings of the series (4 weeks if it has fewer)."""
    starts = session.scalars(
        select(Meeting.starts_at)
        .where(Meeting.series_id == series_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.number.desc())
        .limit(2)
    ).all()
    if len(starts) < 2:
        return DEFAULT_RHYTHM
    days = round(abs((starts[0] - starts[1]).total_seconds()) / 86400)
    return timedelta(days=days) if days >= 1 else DEFAULT_RHYTHM


def open_topic_ids(session: Session, series_id: int) -> list[int]:
    """Topics with open actions in the series, in the order of their latest agenda position."""
    rows = session.execute(
        select(AgendaItem.topic_id, func.max(Meeting.number), func.min(AgendaItem.position))
        .join(ActionItem, ActionItem.agenda_item_id == AgendaItem.id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            ActionItem.status == ActionStatus.OPEN,
            Meeting.series_id == series_id,
            Meeting.deleted_at.is_(None),
        )
        .group_by(AgendaItem.topic_id)
    ).all()
    return [row[0] for row in sorted(rows, key=lambda r: (-r[1], r[2], r[0]))]


def plan_next(
    session: Session,
    source: Meeting,
    extra_topic_id: int | None = None,
    now: datetime | None = None,
) -> NextMeetingPlan:
    """The next meeting after source: same series, zone, usual time and length, the next date
    in the series' rhythm (in the future), same organisations and online link, and as agenda
    the topics with open actions plus extra_topic_id (a carried-forward topic)."""
    series = source.series
    latest = latest_meeting(session, series.id) or source
    zone = ZoneInfo(source.timezone)
    rhythm = series_rhythm(session, series.id)
    length = source.ends_at - source.starts_at
    local_time = source.starts_at.astimezone(zone).time()
    day = latest.starts_at.astimezone(zone).date() + rhythm
    today = (now or utcnow()).astimezone(zone).date()
    while day <= today:
        day += rhythm
    starts = datetime.combine(day, local_time)
    timezone = source.timezone
    if series.rule is not None:
        # The rule knows the next date: its first occurrence after the latest meeting (and
        # after now) that no meeting has taken yet.
        taken = set(
            session.scalars(
                select(Meeting.occurrence).where(
                    Meeting.series_id == series.id, Meeting.occurrence.is_not(None)
                )
            )
        )
        after = max(latest.starts_at, now or utcnow())
        found = next(
            (o for o in recurrence.occurrences_after(series.rule, after) if o not in taken), None
        )
        if found is not None:
            starts, length = found, recurrence.length(series.rule)
            timezone = series.rule.zone_name
    topics = open_topic_ids(session, series.id)
    if extra_topic_id is not None and extra_topic_id not in topics:
        topics.append(extra_topic_id)
    number = (
        int(
            session.scalar(select(func.max(Meeting.number)).where(Meeting.series_id == series.id))
            or 0
        )
        + 1
    )
    return NextMeetingPlan(
        series=series,
        number=number,
        title=f"{series.name}: meeting {number}",
        starts=starts,
        ends=starts + length,
        timezone=timezone,
        location=source.location,
        online_url=source.online_url,
        organisation_ids=[p.organisation_id for p in source.participations],
        topic_ids=topics,
    )
