"""Person reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.i18n import _n
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


def reference_text(kind: str, count: int) -> str:
    """One line of what refers to a person, e.g. "2 action items", in the reader's language
    (the English singular stays as it was: "1 action items")."""
    if kind == "action items":
        return _n("%(num)d action items", "%(num)d action items", count)
    if kind == "meeting attendances":
        return _n("%(num)d meeting attendances", "%(num)d meeting attendances", count)
    return f"{count} {kind}"
