"""Organisation operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Deliverable, Organisation, Participation, Person, deliverable_contributor
from tracker.operations import Refused, apply_values, check_version


def create_organisation(session: Session, values: Mapping[str, Any]) -> Organisation:
    """Add an organisation."""
    organisation = Organisation(**values)
    session.add(organisation)
    session.flush()
    return organisation


def update_organisation(
    organisation: Organisation, values: Mapping[str, Any], version: int | None
) -> list[str]:
    """Change an organisation; Conflict if someone saved it in between."""
    check_version(organisation, version)
    return apply_values(organisation, values)


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


def delete_organisation(session: Session, organisation: Organisation) -> None:
    """Delete an organisation that nothing refers to; Refused otherwise."""
    refs = references(session, organisation)
    if refs:
        listed = ", ".join(f"{count} {kind}" for kind, count in refs.items())
        raise Refused(
            f"{organisation.name} cannot be deleted: it still has {listed}. "
            "Move or remove those first."
        )
    session.delete(organisation)
    session.flush()
