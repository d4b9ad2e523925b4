"""make_* factories: valid records with sensible defaults, overridable per test.

Factories add and flush, they never commit: a flush gives ids and runs the write side effects,
and the whole test shares one transaction. The test client commits it before each request
(tests/conftest.py, CSRFClient.open); a test that hands the database to another connection,
thread or process (a live server, a second engine, a subprocess) commits it itself.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from tracker.auth.passwords import hash_password
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Deliverable,
    DeliverableKind,
    Meeting,
    MinutesRevision,
    Organisation,
    OrganisationKind,
    Outcome,
    OutcomeKind,
    Participation,
    Person,
    Role,
    Series,
    Topic,
    User,
    utc_today,
)

counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """One argon2id hash of PASSWORD, reused: hashing is slow on purpose."""
    return hash_password(PASSWORD)


def save(record: Any) -> Any:
    """Add and flush a record (no commit), returning it."""
    db.session.add(record)
    db.session.flush()
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
    values.setdefault("start_date", utc_today() - timedelta(days=30))
    values.setdefault("due_date", utc_today() + timedelta(days=60))
    return save(Deliverable(**values))


def make_action_item(**values: Any) -> ActionItem:
    """An open action item, owned by an organisation taking part in its meeting."""
    n = next(counter)
    values.setdefault("text", f"Action {n}")
    if "meeting" not in values and "meeting_id" not in values:
        values["meeting"] = make_meeting(organisations=[make_organisation()])
    meeting = values.get("meeting")
    if "owner_organisation" not in values and "owner_organisation_id" not in values:
        assert meeting is not None and meeting.participations, "give an owner organisation"
        values["owner_organisation"] = meeting.participations[0].organisation
    values.setdefault("due_date", utc_today() + timedelta(days=14))
    values.setdefault("status", ActionStatus.OPEN)
    return save(ActionItem(**values))


def make_outcome(**values: Any) -> Outcome:
    """A decision under an agenda item (of a new meeting with a new topic unless given)."""
    n = next(counter)
    values.setdefault("text", f"Decision {n}")
    values.setdefault("kind", OutcomeKind.DECISION)
    if "agenda_item" not in values and "agenda_item_id" not in values:
        values["agenda_item"] = make_meeting(topics=[make_topic()]).agenda_items[0]
    return save(Outcome(**values))


def make_minutes_revision(meeting: Meeting, text: str, **values: Any) -> MinutesRevision:
    """The next revision of a meeting's minutes, also set as the meeting's current text."""
    latest = db.session.scalar(
        db.select(db.func.max(MinutesRevision.number)).where(
            MinutesRevision.meeting_id == meeting.id
        )
    )
    values.setdefault("number", (latest or 0) + 1)
    meeting.minutes = text
    return save(MinutesRevision(meeting_id=meeting.id, text=text, **values))
