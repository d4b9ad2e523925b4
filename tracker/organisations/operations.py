"""Organisation operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.models import Organisation
from tracker.operations import Refused, apply_values, check_version
from tracker.organisations.queries import reference_text, references


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


def delete_organisation(session: Session, organisation: Organisation) -> None:
    """Delete an organisation that nothing refers to; Refused otherwise."""
    refs = references(session, organisation)
    if refs:
        listed = ", ".join(reference_text(kind, count) for kind, count in refs.items())
        raise Refused(
            _(
                "%(name)s cannot be deleted: it still has %(listed)s. Move or remove those first.",
                name=organisation.name,
                listed=listed,
            )
        )
    session.delete(organisation)
    session.flush()
