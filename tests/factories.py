"""make_* factories: valid records with sensible defaults, overridable per test."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from tracker.auth.passwords import hash_password
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Attendance,
    Deliverable,
    DeliverableKind,
    Meeting,
    Organisation,
    OrganisationKind,
    Participation,
    Person,
    Role,
    Series,
    Topic,
    User,
)

counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One argon2id hash of PASSWORD, reused: hashing is slow on purpose."""
    return hash_password(PASSWORD)


def save(record: Any) -> Any:
    """Add, flush and commit a record, returning it."""
    db.session.add(record)
    db.session.commit()
    return record


def make_user(role: Role | str = Role.ORGANISER, **values: Any) -> User:
    """A user with the shared test password."""
    n = next(counter)
    values.setdefault("email", f"user{n}@example.org")
    values.setdefault("name", f"User {n}")
    return save(User(role=Role(role), password_hash=password_hash(), **values))


def make_series(**values: Any) -> Series:
    """A meeting series."""
    n = next(counter)
    values.setdefault("name", f"Series {n}")
    values.setdefault("timezone", "Europe/Sofia")
    return save(Series(**values))


def make_organisation(**values: Any) -> Organisation:
    """An organisation."""
    n = next(counter)
    values.setdefault("name", f"Organisation {n}")
    values.setdefault("short_name", f"Org{n}")
    values.setdefault("country", "BG")
    values.setdefault("kind", OrganisationKind.NATIONAL_AI)
    values.setdefault("timezone", "Europe/Sofia")
    return save(Organisation(**values))


def make_person(**values: Any) -> Person:
    """A representative of an organisation."""
    n = next(counter)
    values.setdefault("name", f"Person {n}")
    if "organisation" not in values and "organisation_id" not in values:
        values["organisation"] = make_organisation()
    return save(Person(**values))


def make_topic(**values: Any) -> Topic:
    """A discussion topic."""
    n = next(counter)
    values.setdefault("title", f"Topic {n}")
    return save(Topic(**values))


def make_meeting(
    organisations: list[Organisation] | None = None,
    topics: list[Topic] | None = None,
    **values: Any,
) -> Meeting:
    """A meeting, by default a week from now for two hours in Sofia."""
    if "series" not in values and "series_id" not in values:
        values["series"] = make_series()
    series = values.get("series")
    if "number" not in values:
        values["number"] = next(counter)
    values.setdefault("title", f"Meeting {values['number']}")
    start = values.setdefault(
        "starts_at", datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=7)
    )
    values.setdefault("ends_at", start + timedelta(hours=2))
    values.setdefault("timezone", getattr(series, "timezone", "Europe/Sofia"))
    meeting = Meeting(**values)
    for organisation in organisations or []:
        meeting.participations.append(
            Participation(organisation=organisation, attendance=Attendance.INVITED)
        )
    for position, topic in enumerate(topics or []):
        meeting.agenda_items.append(AgendaItem(topic=topic, position=position))
    return save(meeting)


def make_deliverable(**values: Any) -> Deliverable:
    """A deliverable led by a new organisation unless one is given."""
    n = next(counter)
    values.setdefault("title", f"Deliverable {n}")
    values.setdefault("kind", DeliverableKind.POLICY_PAPER)
    if "lead_organisation" not in values and "lead_organisation_id" not in values:
        values["lead_organisation"] = make_organisation()
    values.setdefault("start_date", date.today() - timedelta(days=30))
    values.setdefault("due_date", date.today() + timedelta(days=60))
    return save(Deliverable(**values))
