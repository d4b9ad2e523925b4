"""Who gets a message: people by organisation, approvers, and the zone each reads times in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import NotificationPreference, Person, Role, User
from tracker.notify.kinds import DEFAULTS


@dataclass(frozen=True)
class Recipient:
    """An address to write to, the name to greet, the IANA zone to show times in and the
    language to write in (a code of tracker.i18n.LANGUAGES; None is English)."""

    email: str
    name: str
    timezone: str
    language: str | None = None


def account_settings(
    session: Session, person_ids: Iterable[int]
) -> dict[int, tuple[str | None, str | None]]:
    """The home zone and language the accounts of these people chose, by person id."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(User.person_id, User.timezone, User.language).where(User.person_id.in_(ids))
    )
    return {person_id: (zone, code) for person_id, zone, code in rows if person_id is not None}


def people_recipients(session: Session, people: Iterable[Person]) -> list[Recipient]:
    """People with an address, in their account's zone, else their organisation's."""
    people = [person for person in people if person.email]
    settings = account_settings(session, (person.id for person in people))
    found: dict[str, Recipient] = {}
    for person in people:
        assert person.email is not None
        zone, language = settings.get(person.id, (None, None))
        recipient = Recipient(
            person.email, person.name, zone or person.organisation.timezone, language or None
        )
        found.setdefault(person.email.lower(), recipient)
    return sorted(found.values(), key=lambda r: r.email)


def organisation_people(session: Session, organisation_ids: Iterable[int]) -> list[Recipient]:
    """The representatives of these organisations who have an e-mail address."""
    ids = list(set(organisation_ids))
    if not ids:
        return []
    people = session.scalars(
        sa.select(Person).where(Person.organisation_id.in_(ids), Person.email.is_not(None))
    ).all()
    return people_recipients(session, people)


def approvers(session: Session, fallback_zone: str) -> list[Recipient]:
    """Active organisers and admins: the people who approve minutes."""
    users = session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.ORGANISER]))
    ).all()
    return sorted(
        (
            Recipient(u.email, u.name or u.email, u.timezone or fallback_zone, u.language)
            for u in users
        ),
        key=lambda r: r.email,
    )


def preferences(session: Session, email: str) -> dict[str, bool]:
    """Every kind's setting for one address: its stored choice, else the default."""
    chosen = dict(
        session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.enabled).where(
                NotificationPreference.email == email.lower()
            )
        ).all()
    )
    return {kind: bool(chosen.get(kind, default)) for kind, default in DEFAULTS.items()}


def wanted(session: Session, recipients: Iterable[Recipient], kind: str) -> list[Recipient]:
    """The recipients who have not switched this kind of message off (or who switched it on)."""
    recipients = list(recipients)
    if not recipients:
        return []
    chosen = dict(
        session.execute(
            sa.select(NotificationPreference.email, NotificationPreference.enabled).where(
                NotificationPreference.kind == kind,
                NotificationPreference.email.in_([r.email.lower() for r in recipients]),
            )
        ).all()
    )
    return [r for r in recipients if chosen.get(r.email.lower(), DEFAULTS[kind])]


def set_preferences(session: Session, email: str, choices: dict[str, bool]) -> None:
    """Store one address's choices for the given kinds (flush, no commit)."""
    email = email.lower()
    for kind, enabled in choices.items():
        if kind not in DEFAULTS:
            raise ValueError(f"unknown kind {kind!r}")
        row = session.get(NotificationPreference, (email, kind))
        if row is None:
            session.add(NotificationPreference(email=email, kind=kind, enabled=enabled))
        else:
            row.enabled = enabled
    session.flush()
