"""Person operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import ActionItem, Person, PersonAttendance
from tracker.operations import Refused, apply_values, check_version


def create_person(session: Session, values: Mapping[str, Any]) -> Person:
    """Add a person."""
    person = Person(**values)
    session.add(person)
    session.flush()
    return person


def update_person(person: Person, values: Mapping[str, Any], version: int | None) -> list[str]:
    """Change a person; Conflict if someone saved them in between."""
    check_version(person, version)
    return apply_values(person, values)


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


def delete_person(session: Session, person: Person) -> None:
    """Delete a person that nothing refers to; Refused otherwise."""
    refs = references(session, person)
    if refs:
        listed = ", ".join(f"{count} {kind}" for kind, count in refs.items())
        raise Refused(f"{person.name} cannot be deleted: they still have {listed}.")
    session.delete(person)
    session.flush()
