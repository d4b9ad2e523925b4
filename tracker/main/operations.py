"""Queries behind the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from tracker.models import Deliverable, DeliverableStatus, Meeting, MeetingStatus, Participation


@dataclass
class HomeOverview:
    """What's next: the next meeting, upcoming and recent meetings, deliverables due soon."""

    next_meeting: Meeting | None
    upcoming: list[Meeting]
    recent: list[Meeting]
    due_soon: list[Deliverable]


def meeting_options() -> list[ExecutableOption]:
    """Eager loads every meeting card needs: many-to-one joined, collections in one more query."""
    return [
        joinedload(Meeting.series),
        selectinload(Meeting.participations).joinedload(Participation.organisation),
    ]


def home_overview(session: Session, now: datetime, today: date) -> HomeOverview:
    """Collect the home page's facts."""
    live = Meeting.deleted_at.is_(None)
    upcoming = list(
        session.scalars(
            select(Meeting)
            .where(live, Meeting.ends_at >= now, Meeting.status != MeetingStatus.CANCELLED)
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
    )
