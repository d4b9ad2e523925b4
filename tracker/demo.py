"""The Borderless AI Initiative as the interview describes it, as demo data.

The 2020 meeting dates are sample dates: the interview says only that three meetings were
held after the initiative was set up in summer 2020. Upcoming meetings are dated relative to
today so the calendar is never empty. Loading twice adds nothing new.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
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
    Series,
    Topic,
    TopicStatus,
)

SERIES_NAME = "Borderless AI Initiative meetings"
SAMPLE_NOTE = "Sample date: the interview does not give the exact day."

ORGANISATIONS = [
    (
        "Health & Life Sciences Cluster Bulgaria",
        "HLSC Bulgaria",
        "BG",
        OrganisationKind.CLUSTER,
        "Europe/Sofia",
        "Co-founder of the initiative; connects scientists with business, academia and media.",
    ),
    (
        "AI Cluster Bulgaria",
        "AI Cluster BG",
        "BG",
        OrganisationKind.NATIONAL_AI,
        "Europe/Sofia",
        "Bulgarian national AI cluster (aicluster.bg).",
    ),
    (
        "AI Austria",
        "AI Austria",
        "AT",
        OrganisationKind.NATIONAL_AI,
        "Europe/Vienna",
        "Austrian national AI organisation.",
    ),
    (
        "AI Serbia",
        "AI Serbia",
        "RS",
        OrganisationKind.NATIONAL_AI,
        "Europe/Belgrade",
        "Serbian national AI organisation.",
    ),
    (
        "AI Sweden",
        "AI Sweden",
        "SE",
        OrganisationKind.NATIONAL_AI,
        "Europe/Stockholm",
        "Swedish national centre for applied AI.",
    ),
    (
        "UK AI partner",
        "UK partner",
        "GB",
        OrganisationKind.NATIONAL_AI,
        "Europe/London",
        "The UK partner of the initiative (the interview does not name it).",
    ),
    (
        "Sofia Tech Park",
        "Sofia Tech Park",
        "BG",
        OrganisationKind.PUBLIC_BODY,
        "Europe/Sofia",
        "Partner of the cluster; co-founded Club Biotechnology & Life Sciences in 2020.",
    ),
]
WEBSITES = {"AI Cluster BG": "https://www.aicluster.bg"}

PEOPLE = [
    ("Kristina Eskenazi", "HLSC Bulgaria", "Bulgarian ecosystem coordinator"),
    ("Sample representative, AI Cluster Bulgaria", "AI Cluster BG", "Representative (sample)"),
    ("Sample representative, AI Austria", "AI Austria", "Representative (sample)"),
    ("Sample representative, AI Serbia", "AI Serbia", "Representative (sample)"),
    ("Sample representative, AI Sweden", "AI Sweden", "Representative (sample)"),
    ("Sample representative, UK partner", "UK partner", "Representative (sample)"),
]

TOPICS = [
    ("Analytical report on the AI ecosystem in Europe", TopicStatus.ONGOING),
    ("AI as a topic at the Ecosystem Summit", TopicStatus.CONCLUDED),
    ("Synchronising Serbian (third-country) and EU regulation", TopicStatus.ONGOING),
    ("Legal AI unit for ethics, GDPR and other regulation", TopicStatus.ONGOING),
    ("Framework for AI researchers", TopicStatus.OPEN),
    ("Access to R&D and cross-industry innovation projects", TopicStatus.OPEN),
    ("One communication channel for common events", TopicStatus.CONCLUDED),
    ("Matchmaking with international partners", TopicStatus.ONGOING),
    ("Review of Europe's white paper on AI regulation", TopicStatus.ONGOING),
]

FOUNDERS = ["HLSC Bulgaria", "AI Cluster BG", "AI Austria", "AI Serbia", "AI Sweden", "UK partner"]


def database_is_empty(session: Session) -> bool:
    """Whether no series exists yet."""
    return not session.scalar(select(func.count()).select_from(Series))


def get_or_add(
    session: Session, model: type[Any], key: dict[str, Any], **values: Any
) -> tuple[Any, bool]:
    """The record matching key, or a new one with values; True when it was added."""
    found = session.scalars(select(model).filter_by(**key)).first()
    if found is not None:
        return found, False
    record = model(**key, **values)
    session.add(record)
    session.flush()
    return record, True


def at(day: date, hour: int, zone: str) -> datetime:
    """An aware instant for a wall-clock hour on a day in a zone."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def seed_demo(session: Session, today: date | None = None) -> dict[str, int]:
    """Load the demo initiative; returns how many records of each kind were added."""
    today = today or date.today()
    counts = dict.fromkeys(("organisations", "people", "topics", "meetings", "deliverables"), 0)
    orgs: dict[str, Organisation] = {}
    for name, short, country, kind, zone, description in ORGANISATIONS:
        org, added = get_or_add(
            session,
            Organisation,
            {"short_name": short},
            name=name,
            country=country,
            kind=kind,
            timezone=zone,
            description=description,
            website=WEBSITES.get(short, ""),
        )
        orgs[short] = org
        counts["organisations"] += added
    for name, short, role in PEOPLE:
        _, added = get_or_add(session, Person, {"name": name}, organisation=orgs[short], role=role)
        counts["people"] += added
    topics: list[Topic] = []
    for title, status in TOPICS:
        topic, added = get_or_add(
            session,
            Topic,
            {"title": title},
            status=status,
            description=f"Discussed in the Borderless AI meeting series: {title.lower()}.",
        )
        topics.append(topic)
        counts["topics"] += added
    series, _ = get_or_add(
        session,
        Series,
        {"name": SERIES_NAME},
        timezone="Europe/Sofia",
        description="Meetings of the national AI organisations of Austria, Bulgaria, Serbia, "
        "Sweden and the UK, set up in summer 2020.",
    )
    plans = [
        (
            1,
            "Kick-off of the Borderless AI Initiative",
            at(date(2020, 7, 15), 15, "Europe/Sofia"),
            2,
            MeetingStatus.HELD,
            "Online",
            [0, 1, 2, 3],
            SAMPLE_NOTE,
        ),
        (
            2,
            "Regulation and the legal AI unit",
            at(date(2020, 9, 16), 15, "Europe/Sofia"),
            2,
            MeetingStatus.HELD,
            "Online",
            [2, 3, 4, 8],
            SAMPLE_NOTE,
        ),
        (
            3,
            "Research, matchmaking and the road to a network",
            at(date(2020, 11, 18), 15, "Europe/Sofia"),
            2,
            MeetingStatus.HELD,
            "Online",
            [0, 5, 6, 7, 8],
            SAMPLE_NOTE,
        ),
        (
            4,
            "Preparing the European AI Cluster Network conference",
            at(today + timedelta(days=14), 15, "Europe/Sofia"),
            2,
            MeetingStatus.CONFIRMED,
            "Online",
            [0, 2, 8],
            "Agenda for the conference: programme, speakers and the founding declaration.",
        ),
        (
            5,
            "Conference: founding a European AI Cluster Network",
            at(today + timedelta(days=60), 10, "Europe/Sofia"),
            7,
            MeetingStatus.PLANNED,
            "Sofia Tech Park, Sofia",
            [0, 7, 8],
            "All AI organisations in Europe and beyond are invited to found a strong European AI "
            "Cluster Network and to develop recommendations for future policies.",
        ),
    ]
    meetings: dict[int, Meeting] = {}
    for number, title, start, hours, status, location, topic_idx, description in plans:  # type: ignore[assignment]  # reuses names with other types
        meeting, added = get_or_add(
            session,
            Meeting,
            {"series_id": series.id, "number": number},
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            timezone="Europe/Sofia",
            status=status,
            location=location,
            description=description,
            online_url="https://meet.example.org/borderless-ai" if location == "Online" else "",
        )
        meetings[number] = meeting
        counts["meetings"] += added
        if added:
            held = status == MeetingStatus.HELD
            for short in FOUNDERS + (["Sofia Tech Park"] if number == 5 else []):
                attendance = Attendance.ATTENDED if held else Attendance.INVITED
                if held and number == 2 and short == "UK partner":
                    attendance = Attendance.APOLOGISED
                session.add(
                    Participation(meeting=meeting, organisation=orgs[short], attendance=attendance)
                )
            for position, index in enumerate(topic_idx):
                session.add(AgendaItem(meeting=meeting, topic=topics[index], position=position))
            if held:
                meeting.minutes = (
                    f"# {title}\n\n{SAMPLE_NOTE}\n\nThe partners exchanged on the current "
                    "situation and challenges of the European and international AI community."
                )
    deliverables = [
        (
            "Analytical report on the AI ecosystem in Europe",
            DeliverableKind.ANALYTICAL_REPORT,
            "AI Austria",
            ["AI Cluster BG", "AI Sweden"],
            [0],
            1,
            DeliverableStatus.DRAFTING,
            45,
            today - timedelta(days=200),
            today + timedelta(days=40),
        ),
        (
            "Policy recommendations for future AI policies",
            DeliverableKind.POLICY_PAPER,
            "HLSC Bulgaria",
            ["AI Austria", "AI Serbia", "AI Sweden", "UK partner"],
            [0, 8],
            3,
            DeliverableStatus.PLANNED,
            10,
            today - timedelta(days=60),
            today + timedelta(days=90),
        ),
        (
            "Recommendations on synchronising Serbian and EU AI regulation",
            DeliverableKind.POLICY_PAPER,
            "AI Serbia",
            ["AI Cluster BG"],
            [2],
            2,
            DeliverableStatus.IN_REVIEW,
            80,
            today - timedelta(days=300),
            today + timedelta(days=10),
        ),
        (
            "Charter of a legal AI unit for ethics and GDPR",
            DeliverableKind.FRAMEWORK,
            "AI Cluster BG",
            ["HLSC Bulgaria"],
            [3],
            2,
            DeliverableStatus.DRAFTING,
            30,
            today - timedelta(days=150),
            today - timedelta(days=5),
        ),
        (
            "Framework for AI researchers",
            DeliverableKind.FRAMEWORK,
            "AI Sweden",
            ["AI Austria"],
            [4, 5],
            2,
            DeliverableStatus.PLANNED,
            0,
            today - timedelta(days=30),
            today + timedelta(days=150),
        ),
        (
            "Review of Europe's white paper on AI regulation",
            DeliverableKind.REVIEW,
            "UK partner",
            ["AI Serbia", "AI Austria"],
            [8],
            2,
            DeliverableStatus.PUBLISHED,
            100,
            date(2020, 9, 16),
            date(2020, 12, 15),
        ),
        (
            "AI track at the Ecosystem Summit",
            DeliverableKind.EVENT,
            "HLSC Bulgaria",
            ["AI Cluster BG"],
            [1, 6],
            1,
            DeliverableStatus.PUBLISHED,
            100,
            date(2020, 7, 15),
            date(2020, 10, 30),
        ),
        (
            "Matchmaking programme with international partners",
            DeliverableKind.OTHER,
            "AI Cluster BG",
            ["Sofia Tech Park", "AI Sweden"],
            [7, 5],
            3,
            DeliverableStatus.DRAFTING,
            20,
            today - timedelta(days=90),
            today + timedelta(days=120),
        ),
        (
            "European AI Cluster Network founding conference",
            DeliverableKind.EVENT,
            "HLSC Bulgaria",
            FOUNDERS[1:],
            [0, 7],
            3,
            DeliverableStatus.DRAFTING,
            35,
            today - timedelta(days=45),
            today + timedelta(days=60),
        ),
    ]
    for (  # type: ignore[assignment]  # reuses names with other types
        title,
        kind,
        lead,
        contributors,
        topic_idx,
        meeting_no,
        status,
        progress,
        start,
        due,
    ) in deliverables:
        deliverable, added = get_or_add(
            session,
            Deliverable,
            {"title": title},
            kind=kind,
            lead_organisation=orgs[lead],
            status=status,
            progress=progress,
            start_date=start,
            due_date=due,
            meeting=meetings[meeting_no],
            description=f"Follow-up deliverable of the Borderless AI Initiative: {title.lower()}.",
        )
        if added:
            deliverable.contributors = [orgs[c] for c in contributors]
            deliverable.topics = [topics[i] for i in topic_idx]
        counts["deliverables"] += added
    session.flush()
    return counts
