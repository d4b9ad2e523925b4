"""Reads for the scheduling helper."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import Organisation, Series


def organisations_by_ids(session: Session, ids: Iterable[int]) -> list[Organisation]:
    """The organisations with these ids, in the order given (unknown ids are left out)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = session.execute(select(Organisation).where(Organisation.id.in_(wanted))).scalars()
    by_id = {org.id: org for org in found}
    return [by_id[i] for i in wanted if i in by_id]


def series_zone(session: Session, series_id: int | None) -> str | None:
    """A series' time zone (the meeting form's default when its zone is left empty)."""
    if series_id is None:
        return None
    series = session.get(Series, series_id)
    return series.timezone if series is not None else None
