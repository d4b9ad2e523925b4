"""The Borderless AI Initiative as the interview describes it, as demo data.

The interview says only that three meetings were held after the initiative was set up in
summer 2020, so their exact days are chosen here; upcoming meetings are dated from today so the
calendar is never empty. Started deliverables get a progress history over the past months,
milestones met and missed, and a few health updates. Loading twice adds nothing new.
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
    DeliverableHealth,
    DeliverableKind,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Milestone,
    Organisation,
    OrganisationKind,
    Participation,
    Person,
    ProgressUpdate,
    Series,
    Topic,
    TopicStatus,
    utc_today,
)

SERIES_NAME = "Borderless AI Initiative meetings"
# Older versions of the demo wrote these; seed_demo rewrites them where it finds them.
OLD_NOTE = "Sample date: the interview does not give the exact day."

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
    ("Ivan Georgiev", "AI Cluster BG", "Cluster manager"),
    ("Lena Hofer", "AI Austria", "Head of ecosystem development"),
    ("Marko Jovanović", "AI Serbia", "Policy lead"),
    ("Sara Lindqvist", "AI Sweden", "International partnerships"),
    ("James Whitfield", "UK partner", "Programme manager"),
]
# The placeholder names earlier demo versions used, and who replaces them.
OLD_PEOPLE = {
    "Sample representative, AI Cluster Bulgaria": "Ivan Georgiev",
    "Sample representative, AI Austria": "Lena Hofer",
    "Sample representative, AI Serbia": "Marko Jovanović",
    "Sample representative, AI Sweden": "Sara Lindqvist",
    "Sample representative, UK partner": "James Whitfield",
}
MEETING_NOTES = {
    1: "The first meeting after the initiative was set up in summer 2020: the partners "
    "introduced their organisations and agreed to write an analytical report together.",
    2: "Regulation across borders: synchronising Serbian and EU rules, and a legal AI unit "
    "for ethics and GDPR.",
    3: "Research frameworks, matchmaking with international partners and the idea of a "
    "European network of AI clusters.",
    4: "Agree the programme, speakers and invitations of the founding conference.",
}

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
    today = today or utc_today()
    counts = dict.fromkeys(
        (
            "organisations",
            "people",
            "topics",
            "meetings",
            "deliverables",
            "progress updates",
            "milestones",
        ),
        0,
    )
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
    for old, new in OLD_PEOPLE.items():
        placeholder = session.scalars(select(Person).filter_by(name=old)).first()
        if (
            placeholder is not None
            and not session.scalars(select(Person).filter_by(name=new)).first()
        ):
            placeholder.name = new
    people: dict[str, Person] = {}
    for name, short, role in PEOPLE:
        person, added = get_or_add(
            session, Person, {"name": name}, organisation=orgs[short], role=role
        )
        if person.role == "Representative (sample)":
            person.role = role
        people[short] = person
        counts["people"] += added
    topics: list[Topic] = []
    for title, status in TOPICS:
        topic, added = get_or_add(
            session,
            Topic,
            {"title": title},
            status=status,
            description=f"{title}: a topic of the Borderless AI meetings.",
        )
        if topic.description.startswith("Discussed in the Borderless AI meeting series:"):
            topic.description = f"{title}: a topic of the Borderless AI meetings."
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
            MEETING_NOTES[1],
        ),
        (
            2,
            "Regulation and the legal AI unit",
            at(date(2020, 9, 16), 15, "Europe/Sofia"),
            2,
            MeetingStatus.HELD,
            "Online",
            [2, 3, 4, 8],
            MEETING_NOTES[2],
        ),
        (
            3,
            "Research, matchmaking and the road to a network",
            at(date(2020, 11, 18), 15, "Europe/Sofia"),
            2,
            MeetingStatus.HELD,
            "Online",
            [0, 5, 6, 7, 8],
            MEETING_NOTES[3],
        ),
        (
            4,
            "Preparing the European AI Cluster Network conference",
            at(today + timedelta(days=14), 15, "Europe/Sofia"),
            2,
            MeetingStatus.CONFIRMED,
            "Online",
            [0, 2, 8],
            MEETING_NOTES[4],
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
        if OLD_NOTE in meeting.description or "dated relative to today" in meeting.description:
            meeting.description = description
        if meeting.minutes and OLD_NOTE in meeting.minutes:
            meeting.minutes = meeting.minutes.replace(f"{OLD_NOTE}\n\n", "").replace(OLD_NOTE, "")
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
                    f"# {title}\n\nThe partners exchanged on the current "
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
            70,
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
            DeliverableStatus.DRAFTING,
            25,
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
            owner=people.get(lead),
            description=f"{title}: a follow-up deliverable of the Borderless AI Initiative.",
        )
        if deliverable.description.startswith("Follow-up deliverable of the Borderless AI"):
            deliverable.description = (
                f"{title}: a follow-up deliverable of the Borderless AI Initiative."
            )
        if deliverable.owner_person_id is None:
            deliverable.owner = people.get(lead)
        if added:
            deliverable.contributors = [orgs[c] for c in contributors]
            deliverable.topics = [topics[i] for i in topic_idx]
        counts["deliverables"] += added
        counts["progress updates"] += add_history(session, deliverable, today)
        counts["milestones"] += add_milestones(session, deliverable, today)
        add_health(deliverable, today)
    session.flush()
    return counts


HISTORY_NOTES = (
    "Outline agreed with the partners.",
    "First sections drafted.",
    "Partner input collected.",
    "Second draft circulated.",
    "Comments worked in.",
    "Final checks.",
)


def add_history(session: Session, deliverable: Deliverable, today: date) -> int:
    """Monthly progress updates from the start to the current percentage, once."""
    if deliverable.start_date is None or not deliverable.progress:
        return 0
    if session.scalar(select(func.count()).where(ProgressUpdate.deliverable_id == deliverable.id)):
        return 0
    end = min(today - timedelta(days=6), deliverable.due_date or today)
    span = (end - deliverable.start_date).days
    steps = max(2, min(len(HISTORY_NOTES), span // 30))
    previous = 0
    added = 0
    for step in range(1, steps + 1):
        day = deliverable.start_date + timedelta(days=round(span * step / steps))
        percent = round(deliverable.progress * step / steps)
        if percent == previous:
            continue
        note = HISTORY_NOTES[min(step - 1, len(HISTORY_NOTES) - 1)]
        if percent == 100:
            note = "Published."
        session.add(
            ProgressUpdate(
                deliverable=deliverable,
                recorded_on=day,
                previous_percent=previous,
                percent=percent,
                note=note,
                created_at=at(day, 10, "UTC"),
            )
        )
        previous = percent
        added += 1
    return added


# Milestones by deliverable title: (title, days from today, done).
MILESTONES: dict[str, list[tuple[str, int, bool]]] = {
    "Analytical report on the AI ecosystem in Europe": [
        ("Data collection finished in all five countries", -60, True),
        ("Full draft to the partners", 14, False),
    ],
    "Recommendations on synchronising Serbian and EU AI regulation": [
        ("Draft sent to AI Cluster Bulgaria for review", -30, True),
    ],
    "Charter of a legal AI unit for ethics and GDPR": [
        ("Outline agreed", -90, True),
        ("Legal review by the partners' lawyers", -20, False),
    ],
    "Matchmaking programme with international partners": [
        ("First matchmaking round with AI Sweden", -10, False),
        ("Partner list published", 45, False),
    ],
    "European AI Cluster Network founding conference": [
        ("Save-the-date sent", -20, True),
        ("Venue confirmed at Sofia Tech Park", 10, False),
    ],
}


def add_milestones(session: Session, deliverable: Deliverable, today: date) -> int:
    """The deliverable's demo milestones, once."""
    plan = MILESTONES.get(deliverable.title, [])
    if not plan or session.scalar(
        select(func.count()).where(Milestone.deliverable_id == deliverable.id)
    ):
        return 0
    for title, days, done in plan:
        due = today + timedelta(days=days)
        session.add(
            Milestone(
                deliverable=deliverable,
                title=title,
                due_date=due,
                done=done,
                done_at=at(due, 12, "UTC") if done else None,
            )
        )
    return len(plan)


# Health said by the leads, by deliverable title: (health, reason, days ago).
HEALTH: dict[str, tuple[DeliverableHealth, str, int]] = {
    "Policy recommendations for future AI policies": (
        DeliverableHealth.ON_TRACK,
        "The outline is agreed; writing starts after the founding conference.",
        3,
    ),
    "European AI Cluster Network founding conference": (
        DeliverableHealth.AT_RISK,
        "The venue at Sofia Tech Park is not confirmed yet.",
        2,
    ),
}


def add_health(deliverable: Deliverable, today: date) -> None:
    """The demo health updates, where none was said yet."""
    said = HEALTH.get(deliverable.title)
    if said is None or deliverable.health is not None:
        return
    health, reason, days = said
    deliverable.health = health
    deliverable.health_reason = reason
    deliverable.health_set_at = at(today - timedelta(days=days), 11, "UTC")
