"""Organisation reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Deliverable, Organisation, Participation, Person, deliverable_contributor


def references(session: Session, organisation: Organisation) -> dict[str, int]:
    """What still refers to the organisation, by kind, counting only non-zero ones."""
    counts = {
        "people": session.scalar(
            select(func.count())
            .select_from(Person)
            .where(Person.organisation_id == organisation.id)
        ),
        "meetings": session.scalar(
            select(func.count())
            .select_from(Participation)
            .where(Participation.organisation_id == organisation.id)
        ),
        "deliverables led": session.scalar(
            select(func.count())
            .select_from(Deliverable)
            .where(Deliverable.lead_organisation_id == organisation.id)
        ),
        "deliverables contributed to": session.scalar(
            select(func.count())
            .select_from(deliverable_contributor)
            .where(deliverable_contributor.c.organisation_id == organisation.id)
        ),
    }
    return {key: int(value or 0) for key, value in counts.items() if value}
