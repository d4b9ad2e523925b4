"""Person reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import ActionItem, Person, PersonAttendance


def references(session: Session, person: Person) -> dict[str, int]:
    """What still refers to the person, by kind, counting only non-zero ones."""
    counts = {
        "action items": session.scalar(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.owner_person_id == person.id)
        ),
        "meeting attendances": session.scalar(
            select(func.count())
            .select_from(PersonAttendance)
            .where(PersonAttendance.person_id == person.id)
        ),
    }
    return {key: int(value) for key, value in counts.items() if value}
