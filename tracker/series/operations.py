"""Series operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from tracker.models import Series
from tracker.operations import Refused, apply_values, check_version
from tracker.series.queries import meeting_count


def create_series(session: Session, values: Mapping[str, Any]) -> Series:
    """Add a series."""
    series = Series(**values)
    session.add(series)
    session.flush()
    return series


def update_series(series: Series, values: Mapping[str, Any], version: int | None) -> list[str]:
    """Change a series; Conflict if someone saved it in between."""
    check_version(series, version)
    return apply_values(series, values)


def delete_series(session: Session, series: Series) -> None:
    """Delete a series without meetings; Refused otherwise, so no minutes are lost."""
    count = meeting_count(session, series)
    if count:
        raise Refused(
            f"{series.name} cannot be deleted: it has {count} meeting(s), with their agendas "
            "and minutes. Delete or move those meetings first."
        )
    session.delete(series)
    session.flush()
