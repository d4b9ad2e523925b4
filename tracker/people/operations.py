"""Person operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.models import Person
from tracker.operations import Refused, apply_values, check_version
from tracker.people.queries import reference_text, references


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


def delete_person(session: Session, person: Person) -> None:
    """Delete a person that nothing refers to; Refused otherwise."""
    refs = references(session, person)
    if refs:
        listed = ", ".join(reference_text(kind, count) for kind, count in refs.items())
        raise Refused(
            _(
                "%(name)s cannot be deleted: they still have %(listed)s.",
                name=person.name,
                listed=listed,
            )
        )
    session.delete(person)
    session.flush()
