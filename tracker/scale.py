"""A large, deterministic data set for scale tests and benchmarks (`flask generate-data`).

Ten years hold about 500 meetings, 200 organisations, 2,000 topics and 5,000 deliverables.
Rows go in with bulk INSERTs (no ORM objects, no audit events), so it takes seconds.
Other features add their per-deliverable rows (e.g. progress histories) by appending a
function to DELIVERABLE_CHILDREN; each gets its own random stream, so adding one never
changes the rows the others produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import (
    AgendaItem,
    Attendance,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    Participation,
    Person,
    ProgressUpdate,
    Series,
    Topic,
    TopicStatus,
    deliverable_contributor,
    deliverable_topic,
    utc_today,
)

PER_YEAR = {"meetings": 50, "organisations": 20, "topics": 200, "deliverables": 500}
SERIES = [
    ("Generated: Borderless AI plenary", "Europe/Sofia"),
    ("Generated: regulation working group", "Europe/Vienna"),
    ("Generated: research and innovation round table", "Europe/Stockholm"),
]
COUNTRIES = [
    ("BG", "Europe/Sofia"),
    ("AT", "Europe/Vienna"),
    ("RS", "Europe/Belgrade"),
    ("SE", "Europe/Stockholm"),
    ("GB", "Europe/London"),
    ("DE", "Europe/Berlin"),
    ("FR", "Europe/Paris"),
    ("PT", "Europe/Lisbon"),
    ("FI", "Europe/Helsinki"),
    ("IE", "Europe/Dublin"),
]
SUBJECTS = [
    "AI regulation",
    "Data spaces",
    "Research framework",
    "Talent mobility",
    "Ethics and GDPR",
    "Start-up matchmaking",
    "Compute access",
    "Public procurement",
    "Health data",
    "Skills programme",
]
ANGLES = ["review", "roadmap", "survey", "pilot", "position", "workshop", "toolkit", "briefing"]


@dataclass(frozen=True)
class DeliverableFacts:
    """What a child-row builder may need to know about one generated deliverable."""

    id: int
    start_date: date
    due_date: date
    status: DeliverableStatus
    progress: int


ChildRows = Callable[[random.Random, Sequence[DeliverableFacts]], tuple[Any, list[dict[str, Any]]]]


def progress_histories(
    rng: random.Random, deliverables: Sequence[DeliverableFacts]
) -> tuple[Any, list[dict[str, Any]]]:
    """Progress updates climbing from 0 to each deliverable's current percentage."""
    rows: list[dict[str, Any]] = []
    for d in deliverables:
        if d.progress <= 0:
            continue
        steps = rng.randint(1, 6)
        marks = sorted({rng.randint(1, d.progress) for _ in range(steps - 1)} | {d.progress})
        span = max(1, (min(d.due_date, utc_today()) - d.start_date).days)
        previous = 0
        for n, percent in enumerate(marks, start=1):
            day = d.start_date + timedelta(days=span * n // (len(marks) + 1))
            rows.append(
                {
                    "deliverable_id": d.id,
                    "recorded_on": day,
                    "previous_percent": previous,
                    "percent": percent,
                    "note": f"Progress {percent} %",
                    "created_at": datetime.combine(day, time(12), tzinfo=UTC),
                }
            )
            previous = percent
    return ProgressUpdate, rows


# Builders of extra per-deliverable rows: each returns (insertable table or model, rows).
DELIVERABLE_CHILDREN: list[ChildRows] = [progress_histories]


class NotEmpty(Exception):
    """The database already holds data; generated names would clash with it."""


def scaled(years: int) -> dict[str, int]:
    """How many records of each main kind `years` years produce."""
    return {kind: max(1, round(n * years)) for kind, n in PER_YEAR.items()}


def insert_rows(session: Session, target: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk-insert rows; the new ids in order when target is a model with an id."""
    if not rows:
        return []
    statement = sa.insert(target)
    if isinstance(target, type) and hasattr(target, "id"):
        statement = statement.returning(target.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, rows))
    session.execute(statement, rows)
    return []


def generate(session: Session, years: int, seed: int, today: date | None = None) -> dict[str, int]:
    """Generate `years` years of meetings and their surroundings; counts of rows added."""
    if session.scalar(sa.select(sa.func.count()).select_from(Organisation)) or session.scalar(
        sa.select(sa.func.count()).select_from(Series)
    ):
        raise NotEmpty("generate-data needs an empty database (run it before seed-demo).")
    today = today or utc_today()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    counts = scaled(years)
    now = datetime.combine(today, time(12), tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    added: dict[str, int] = {}

    series_ids = insert_rows(
        session,
        Series,
        [
            {"name": name, "timezone": zone, "description": "Generated for scale tests.", **stamps}
            for name, zone in SERIES
        ],
    )
    added["series"] = len(series_ids)

    org_rows: list[dict[str, Any]] = []
    for n in range(counts["organisations"]):
        country, zone = COUNTRIES[n % len(COUNTRIES)]
        org_rows.append(
            {
                "name": f"Generated organisation {n + 1:04d}",
                "short_name": f"GEN{n + 1:04d}",
                "country": country,
                "kind": rng.choice(list(OrganisationKind)),
                "timezone": zone,
                "website": f"https://org{n + 1}.example.org",
                "description": "Generated for scale tests.",
                **stamps,
            }
        )
    org_ids = insert_rows(session, Organisation, org_rows)
    added["organisations"] = len(org_ids)

    people = [
        {
            "name": f"Representative {i + 1} of {row['short_name']}",
            "email": f"rep{i + 1}.{row['short_name'].lower()}@example.org",
            "organisation_id": oid,
            "role": rng.choice(["Director", "Policy lead", "Researcher", "Coordinator"]),
            **stamps,
        }
        for oid, row in zip(org_ids, org_rows, strict=True)
        for i in range(2)
    ]
    added["people"] = len(insert_rows(session, Person, people))

    topic_ids = insert_rows(
        session,
        Topic,
        [
            {
                "title": f"{rng.choice(SUBJECTS)} {rng.choice(ANGLES)} #{n + 1}",
                "description": "Generated for scale tests.",
                "status": rng.choice(list(TopicStatus)),
                **stamps,
            }
            for n in range(counts["topics"])
        ],
    )
    added["topics"] = len(topic_ids)

    first_day = today - timedelta(days=365 * years)
    span_days = 365 * years + 90  # a few months of upcoming meetings too
    numbers = dict.fromkeys(series_ids, 0)
    meeting_rows: list[dict[str, Any]] = []
    for n in range(counts["meetings"]):
        series_index = rng.randrange(len(series_ids))
        series_id = series_ids[series_index]
        numbers[series_id] += 1
        zone = SERIES[series_index][1]
        day = first_day + timedelta(days=n * span_days // counts["meetings"])
        starts = datetime.combine(day, time(rng.choice([10, 13, 15])), tzinfo=ZoneInfo(zone))
        past = day < today
        status = (
            rng.choices(
                [MeetingStatus.HELD, MeetingStatus.CANCELLED, MeetingStatus.POSTPONED],
                weights=[90, 6, 4],
            )[0]
            if past
            else rng.choice([MeetingStatus.PLANNED, MeetingStatus.CONFIRMED])
        )
        meeting_rows.append(
            {
                "uid": f"generated-{seed}-{n + 1}@borderless-ai-tracker",
                "series_id": series_id,
                "number": numbers[series_id],
                "title": f"{rng.choice(SUBJECTS)} meeting {numbers[series_id]}",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=rng.choice([1, 2, 3])),
                "timezone": zone,
                "location": rng.choice(["Online", "Sofia", "Vienna", "Belgrade", "Stockholm"]),
                "online_url": "",
                "status": status,
                "description": "Generated for scale tests.",
                "minutes": "Minutes of a generated meeting.\n" * 5 if past else "",
                "sequence": 0,
                **stamps,
            }
        )
    meeting_ids = insert_rows(session, Meeting, meeting_rows)
    added["meetings"] = len(meeting_ids)

    participations = []
    agenda = []
    for meeting_id, row in zip(meeting_ids, meeting_rows, strict=True):
        past = row["starts_at"].date() < today
        for oid in rng.sample(org_ids, min(len(org_ids), rng.randint(6, 16))):
            attendance = (
                rng.choice([Attendance.ATTENDED, Attendance.APOLOGISED])
                if past
                else rng.choice([Attendance.INVITED, Attendance.CONFIRMED])
            )
            participations.append(
                {"meeting_id": meeting_id, "organisation_id": oid, "attendance": attendance}
            )
        for position, tid in enumerate(
            rng.sample(topic_ids, min(len(topic_ids), rng.randint(3, 8)))
        ):
            agenda.append(
                {"meeting_id": meeting_id, "topic_id": tid, "position": position, "notes": ""}
            )
    insert_rows(session, Participation, participations)
    insert_rows(session, AgendaItem, agenda)
    added["participations"] = len(participations)
    added["agenda items"] = len(agenda)

    deliverable_rows: list[dict[str, Any]] = []
    for n in range(counts["deliverables"]):
        start = first_day + timedelta(days=rng.randrange(span_days))
        due = start + timedelta(days=rng.randint(30, 365))
        if due < today:
            state = rng.choices(
                [
                    DeliverableStatus.PUBLISHED,
                    DeliverableStatus.DROPPED,
                    DeliverableStatus.DRAFTING,
                ],
                weights=[85, 10, 5],
            )[0]
        else:
            state = rng.choice(
                [DeliverableStatus.PLANNED, DeliverableStatus.DRAFTING, DeliverableStatus.IN_REVIEW]
            )
        progress = 100 if state == DeliverableStatus.PUBLISHED else rng.randrange(0, 100, 5)
        meeting_index = min(
            len(meeting_ids) - 1,
            max(0, (start - first_day).days * counts["meetings"] // span_days),
        )
        deliverable_rows.append(
            {
                "title": f"{rng.choice(ANGLES).capitalize()} on {rng.choice(SUBJECTS).lower()}"
                f" #{n + 1}",
                "kind": rng.choice(list(DeliverableKind)),
                "description": "Generated for scale tests.",
                "lead_organisation_id": rng.choice(org_ids),
                "start_date": start,
                "due_date": due,
                "status": state,
                "progress": progress,
                "meeting_id": meeting_ids[meeting_index] if rng.random() < 0.7 else None,
                "document_url": "",
                **stamps,
            }
        )
    deliverable_ids = insert_rows(session, Deliverable, deliverable_rows)
    added["deliverables"] = len(deliverable_ids)

    contributors = []
    linked_topics = []
    for did, row in zip(deliverable_ids, deliverable_rows, strict=True):
        others = [o for o in rng.sample(org_ids, 4) if o != row["lead_organisation_id"]]
        contributors += [
            {"deliverable_id": did, "organisation_id": o} for o in others[: rng.randint(0, 3)]
        ]
        linked_topics += [
            {"deliverable_id": did, "topic_id": t} for t in rng.sample(topic_ids, rng.randint(1, 3))
        ]
    insert_rows(session, deliverable_contributor, contributors)
    insert_rows(session, deliverable_topic, linked_topics)
    added["contributions"] = len(contributors)
    added["deliverable topics"] = len(linked_topics)

    facts = [
        DeliverableFacts(did, row["start_date"], row["due_date"], row["status"], row["progress"])
        for did, row in zip(deliverable_ids, deliverable_rows, strict=True)
    ]
    for builder in DELIVERABLE_CHILDREN:
        stream = random.Random(f"{seed}:{builder.__name__}")  # noqa: S311 - test data
        target, rows = builder(stream, facts)
        insert_rows(session, target, rows)
        added[getattr(target, "__tablename__", getattr(target, "name", builder.__name__))] = len(
            rows
        )

    session.flush()
    return added
