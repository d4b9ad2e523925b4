"""Organisation reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.i18n import _n
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


def reference_text(kind: str, count: int) -> str:
    """One line of what refers to an organisation, e.g. "2 meetings", in the reader's language
    (the English singular stays as it was: "1 meetings")."""
    if kind == "people":
        return _n("%(num)d people", "%(num)d people", count)
    if kind == "meetings":
        return _n("%(num)d meetings", "%(num)d meetings", count)
    if kind == "deliverables led":
        return _n("%(num)d deliverables led", "%(num)d deliverables led", count)
    if kind == "deliverables contributed to":
        return _n(
            "%(num)d deliverables contributed to", "%(num)d deliverables contributed to", count
        )
    return f"{count} {kind}"
