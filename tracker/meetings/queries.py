"""Meeting reads: the filtered list and the numbering rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, extract, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.filters import enum_value, int_value, text_value
from tracker.models import Meeting, MeetingStatus, Organisation, Participation


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
        .order_by(Meeting.starts_at if filters.oldest_first else Meeting.starts_at.desc())
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
