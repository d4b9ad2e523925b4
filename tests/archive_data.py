"""A small initiative that fills every table the archive cares about, for the archive tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tests import factories
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    Attendance,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    Organisation,
    OutcomeKind,
    Person,
    PersonAttendance,
    Role,
    Series,
    Topic,
    User,
)
from tracker.models.progress import DeliverableTracking, Milestone
from tracker.progress.operations import change_status, record_progress

APPROVED_MINUTES = "Approved minutes: the **plenary** agreed the data-space roadmap."
DRAFT_MINUTES = "Draft minutes nobody approved yet."
DELETED_TITLE = "Soft-deleted meeting"
DELETED_DELIVERABLE = "Soft-deleted deliverable"
EMAIL = "ana.petrova@example.org"


@dataclass
class Initiative:
    """The records a test may want to point at."""

    series: Series
    held: Meeting
    draft: Meeting
    upcoming: Meeting
    deleted: Meeting
    organisations: list[Organisation]
    person: Person
    topics: list[Topic]
    deliverable: Deliverable
    deleted_deliverable: Deliverable
    action: ActionItem
    admin: User


def fill_initiative(secret_key: str = "test-secret") -> Initiative:
    """Series, meetings (held with approved minutes, held with draft minutes, upcoming and
    soft-deleted), outcomes, actions, attendance, deliverables with progress, milestones and
    status history, users with a calendar token, and the audit trail all that writes."""
    admin = factories.make_user(Role.ADMIN, email="admin@example.org")
    db.session.info["actor_id"] = admin.id
    series = factories.make_series(name="Plenary: Borderless AI", timezone="Europe/Sofia")
    bg = factories.make_organisation(name="Bulgarian AI Association", short_name="BAIA")
    at = factories.make_organisation(
        name="Austrian AI Platform", short_name="AAIP", country="AT", timezone="Europe/Vienna"
    )
    person = factories.make_person(name="Ana Petrova", email=EMAIL, organisation=bg)
    factories.make_user(Role.VIEWER, email="viewer@example.org", person_id=person.id)
    topics = [factories.make_topic(title="Data spaces"), factories.make_topic(title="Talent")]
    start = datetime(2025, 3, 30, 8, 30, tzinfo=UTC)  # the day Europe switches to summer time
    held = factories.make_meeting(
        organisations=[bg, at],
        topics=topics,
        series=series,
        number=1,
        title="Kick-off",
        starts_at=start,
        status=MeetingStatus.HELD,
        location="Sofia Tech Park",
    )
    held.participations[0].attendance = Attendance.ATTENDED
    held.participations[1].attendance = Attendance.APOLOGISED
    db.session.add(PersonAttendance(meeting_id=held.id, person_id=person.id))
    factories.make_minutes_revision(
        held, "First draft of the kick-off minutes.", author_id=admin.id
    )
    factories.make_minutes_revision(held, APPROVED_MINUTES, author_id=admin.id)
    db.session.add(MinutesApproval(meeting_id=held.id, approved_by_id=admin.id, revision_number=2))
    factories.make_outcome(
        agenda_item=held.agenda_items[0],
        text="Adopt the data-space roadmap.",
        created_by_id=admin.id,
    )
    factories.make_outcome(
        agenda_item=held.agenda_items[1],
        kind=OutcomeKind.INFORMATION,
        text="Talent exchange figures were presented.",
    )
    action = factories.make_action_item(
        meeting=held,
        agenda_item_id=held.agenda_items[0].id,
        owner_organisation=bg,
        owner_person_id=person.id,
        text="Circulate the roadmap draft.",
        due_date=date(2025, 4, 30),
        created_by_id=admin.id,
    )
    draft = factories.make_meeting(
        organisations=[bg],
        topics=[topics[0]],
        series=series,
        number=2,
        title="Spring review",
        starts_at=start + timedelta(days=60),
        status=MeetingStatus.HELD,
    )
    factories.make_minutes_revision(draft, DRAFT_MINUTES, author_id=admin.id)
    factories.make_outcome(agenda_item=draft.agenda_items[0], text="Decision in draft meeting.")
    upcoming = factories.make_meeting(
        organisations=[bg, at],
        topics=[topics[1]],
        series=series,
        number=3,
        title="Autumn plenary",
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=20),
    )
    deleted = factories.make_meeting(
        organisations=[bg],
        series=series,
        number=4,
        title=DELETED_TITLE,
        deleted_at=datetime.now(UTC),
    )
    deliverable = factories.make_deliverable(
        title="Data-space policy paper",
        lead_organisation=bg,
        meeting=held,
        start_date=date(2025, 1, 1),
        due_date=date(2026, 12, 31),
    )
    deliverable.contributors.append(at)
    deliverable.topics.append(topics[0])
    record_progress(db.session, deliverable, 20, "Outline agreed", admin, on=date(2025, 3, 1))
    record_progress(db.session, deliverable, 45, "First draft", admin, on=date(2025, 6, 1))
    change_status(db.session, deliverable, DeliverableStatus.DRAFTING, admin, note="Writing")
    db.session.add(
        Milestone(
            deliverable=deliverable,
            title="Outline",
            due_date=date(2025, 3, 1),
            done=True,
            done_at=datetime(2025, 3, 1, 12, tzinfo=UTC),
        )
    )
    db.session.add(DeliverableTracking(deliverable=deliverable, follow_milestones=False))
    deleted_deliverable = factories.make_deliverable(
        title=DELETED_DELIVERABLE, lead_organisation=at, deleted_at=datetime.now(UTC)
    )
    regenerate_feed_token(db.session, admin, secret_key)
    db.session.flush()
    # A meeting whose time moves gets SEQUENCE 1: the moved calendar must keep it.
    upcoming.starts_at += timedelta(hours=1)
    upcoming.ends_at += timedelta(hours=1)
    db.session.flush()
    db.session.info.pop("actor_id", None)
    return Initiative(
        series=series,
        held=held,
        draft=draft,
        upcoming=upcoming,
        deleted=deleted,
        organisations=[bg, at],
        person=person,
        topics=topics,
        deliverable=deliverable,
        deleted_deliverable=deleted_deliverable,
        action=action,
        admin=admin,
    )
