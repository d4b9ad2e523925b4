"""Series reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Meeting, MeetingStatus, MinutesApproval, Series


def meeting_count(session: Session, series: Series) -> int:
    """How many meetings (deleted ones included) belong to the series."""
    return int(
        session.scalar(
            select(func.count()).select_from(Meeting).where(Meeting.series_id == series.id)
        )
        or 0
    )


def movable_ids(session: Session, meetings: Sequence[Meeting], now: datetime) -> set[int]:
    """Ids of the planned occurrences a rule change may move or skip, in one query: upcoming,
    live, not held or cancelled, minutes not approved."""
    candidates = [
        m.id
        for m in meetings
        if m.occurrence is not None
        and m.deleted_at is None
        and m.starts_at > now
        and m.status not in (MeetingStatus.HELD, MeetingStatus.CANCELLED)
    ]
    if not candidates:
        return set()
    approved = set(
        session.scalars(
            select(MinutesApproval.meeting_id).where(MinutesApproval.meeting_id.in_(candidates))
        )
    )
    return set(candidates) - approved
