"""Queries behind the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.base import ExecutableOption

from tracker.models import (
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Organisation,
    Participation,
)


@dataclass
class HomeOverview:
    """What's next: the next meeting, upcoming and recent meetings, deliverables due soon."""

    next_meeting: Meeting | None
    upcoming: list[Meeting]
    recent: list[Meeting]
    due_soon: list[Deliverable]
    zones: dict[int, list[str]]


def meeting_options() -> list[ExecutableOption]:
    """Eager loads every meeting card needs besides the zones: the series, joined."""
    return [joinedload(Meeting.series)]


def participant_zones(session: Session, meeting_ids: list[int]) -> dict[int, list[str]]:
    """The participating organisations' home zones per meeting, in one column query.

    Meeting cards only need these zone names, so no Participation or Organisation objects
    are built for them.
    """
    zones: dict[int, list[str]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        rows = session.execute(
            select(Participation.meeting_id, Organisation.timezone)
            .join(Organisation, Participation.organisation_id == Organisation.id)
            .where(Participation.meeting_id.in_(meeting_ids))
            .order_by(Participation.meeting_id, Organisation.id)
        )
        for meeting_id, zone in rows:
            zones[meeting_id].append(zone)
    return zones


def home_overview(session: Session, now: datetime, today: date) -> HomeOverview:
    """Collect the home page's facts."""
    live = Meeting.deleted_at.is_(None)
    upcoming = list(
        session.scalars(
            select(Meeting)
            .where(
                live,
                Meeting.ends_at >= now,
                Meeting.status.not_in([MeetingStatus.CANCELLED, MeetingStatus.HELD]),
            )
            .order_by(Meeting.starts_at)
            .limit(6)
            .options(*meeting_options())
        )
    )
    recent = list(
        session.scalars(
            select(Meeting)
            .where(live, Meeting.ends_at < now)
            .order_by(Meeting.starts_at.desc())
            .limit(5)
            .options(*meeting_options())
        )
    )
    open_statuses = [s for s in DeliverableStatus if s not in ("published", "dropped")]
    base = (
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None), Deliverable.status.in_(open_statuses))
        .options(joinedload(Deliverable.lead_organisation))
        .order_by(Deliverable.due_date)
    )
    due_soon = list(
        session.scalars(
            base.where(
                Deliverable.due_date >= today, Deliverable.due_date <= today + timedelta(days=30)
            ).limit(10)
        )
    )
    return HomeOverview(
        next_meeting=upcoming[0] if upcoming else None,
        upcoming=upcoming[1:],
        recent=recent,
        due_soon=due_soon,
        zones=participant_zones(session, [m.id for m in upcoming + recent]),
    )
