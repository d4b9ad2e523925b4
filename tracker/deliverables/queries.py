"""Deliverable reads: the filtered list, its due years, and records picked by id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, extract, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.filters import enum_value, flag_value, int_value, text_value
from tracker.models import (
    FINISHED_STATUSES,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Meeting,
    Organisation,
    Person,
    Topic,
    deliverable_contributor,
)


@dataclass(frozen=True)
class DeliverableFilter:
    """What the deliverables list narrows to; deleted shows the deleted ones instead."""

    status: DeliverableStatus | None = None
    kind: DeliverableKind | None = None
    country: str = ""
    q: str = ""
    series_id: int | None = None
    organisation_id: int | None = None
    owner_id: int | None = None
    year: int | None = None
    overdue: bool = False
    deleted: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str], may_see_deleted: bool) -> DeliverableFilter:
        """The filter asked for by a query string; only admins may see deleted ones."""
        return cls(
            status=enum_value(args, "status", DeliverableStatus),
            kind=enum_value(args, "kind", DeliverableKind),
            country=args.get("country", "").upper(),
            q=text_value(args, "q"),
            series_id=int_value(args, "series"),
            organisation_id=int_value(args, "organisation"),
            owner_id=int_value(args, "owner"),
            year=int_value(args, "year"),
            overdue=flag_value(args, "overdue"),
            deleted=may_see_deleted and flag_value(args, "deleted"),
        )


def deliverable_list_query(filters: DeliverableFilter, today: date) -> Select[Any]:
    """Deliverables matching filters, soonest due first (undated last)."""
    deleted = Deliverable.deleted_at
    query = (
        select(Deliverable)
        .join(Deliverable.lead_organisation)
        .where(deleted.is_not(None) if filters.deleted else deleted.is_(None))
        .order_by(
            Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title, Deliverable.id
        )
        .options(selectinload(Deliverable.lead_organisation), selectinload(Deliverable.owner))
    )
    if filters.owner_id:
        query = query.where(Deliverable.owner_person_id == filters.owner_id)
    if filters.status is not None:
        query = query.where(Deliverable.status == filters.status)
    if filters.kind is not None:
        query = query.where(Deliverable.kind == filters.kind)
    if filters.country:
        query = query.where(Organisation.country == filters.country)
    if filters.q:
        like = f"%{filters.q}%"
        query = query.where(or_(Deliverable.title.ilike(like), Deliverable.description.ilike(like)))
    if filters.series_id:
        query = query.where(
            Deliverable.meeting_id.in_(
                select(Meeting.id).where(Meeting.series_id == filters.series_id)
            )
        )
    if filters.organisation_id:
        query = query.where(
            or_(
                Deliverable.lead_organisation_id == filters.organisation_id,
                Deliverable.id.in_(
                    select(deliverable_contributor.c.deliverable_id).where(
                        deliverable_contributor.c.organisation_id == filters.organisation_id
                    )
                ),
            )
        )
    if filters.year:
        query = query.where(extract("year", Deliverable.due_date) == filters.year)
    if filters.overdue:
        query = query.where(
            Deliverable.due_date < today, Deliverable.status.not_in(FINISHED_STATUSES)
        )
    return query


def owner_choices(session: Session) -> list[tuple[str, str]]:
    """The people who own live deliverables, by name, as filter choices."""
    rows = session.execute(
        select(Person.id, Person.name)
        .where(
            Person.id.in_(
                select(Deliverable.owner_person_id).where(Deliverable.deleted_at.is_(None))
            )
        )
        .order_by(Person.name, Person.id)
    ).all()
    return [(str(i), name) for i, name in rows]


def due_years(session: Session) -> list[tuple[str, str]]:
    """The years deliverables are due in, newest first, as filter choices."""
    due_dates = session.scalars(
        select(Deliverable.due_date).where(Deliverable.due_date.is_not(None)).distinct()
    )
    return [(str(y), str(y)) for y in sorted({d.year for d in due_dates if d}, reverse=True)]


def organisations_by_id(session: Session, ids: Sequence[int]) -> list[Organisation]:
    """The organisations with these ids."""
    if not ids:
        return []
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids))))


def topics_by_id(session: Session, ids: Sequence[int]) -> list[Topic]:
    """The topics with these ids."""
    if not ids:
        return []
    return list(session.scalars(select(Topic).where(Topic.id.in_(ids))))
