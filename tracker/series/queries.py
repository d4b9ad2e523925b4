"""Series reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Meeting, Series


def meeting_count(session: Session, series: Series) -> int:
    """How many meetings (deleted ones included) belong to the series."""
    return int(
        session.scalar(
            select(func.count()).select_from(Meeting).where(Meeting.series_id == series.id)
        )
        or 0
    )
