"""Queries behind the home page: "What's next" for everyone, "My work" for a signed-in user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from flask_babel import LazyString
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, selectinload
from sqlalchemy.sql.base import ExecutableOption

from tracker.i18n import _, _l
from tracker.models import (
    FINISHED_STATUSES,
    ActionItem,
    ActionStatus,
    Attendance,
    AuditEvent,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    MinutesRevision,
    Organisation,
    Participation,
    Person,
    User,
)

T = TypeVar("T")


@dataclass
class HomeOverview:
    """What's next: the next meeting, upcoming and recent meetings, deliverables due soon."""

    next_meeting: Meeting | None
    upcoming: list[Meeting]
    recent: list[Meeting]
    due_soon: list[Deliverable]
    zones: dict[int, list[str]]


def meeting_options() -> list[ExecutableOption]:
    """Eager loads every meeting card needs besides the zones: the series, joined."""
    return [joinedload(Meeting.series)]


def participant_zones(session: Session, meeting_ids: list[int]) -> dict[int, list[str]]:
    """The participating organisations' home zones per meeting, in one column query.

    Meeting cards only need these zone names, so no Participation or Organisation objects
    are built for them.
    """
    zones: dict[int, list[str]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        rows = session.execute(
            select(Participation.meeting_id, Organisation.timezone)
            .join(Organisation, Participation.organisation_id == Organisation.id)
            .where(Participation.meeting_id.in_(meeting_ids))
            .order_by(Participation.meeting_id, Organisation.id)
        )
        for meeting_id, zone in rows:
            zones[meeting_id].append(zone)
    return zones


def home_overview(session: Session, now: datetime, today: date) -> HomeOverview:
    """Collect the home page's facts."""
    live = Meeting.deleted_at.is_(None)
    upcoming = list(
        session.scalars(
            select(Meeting)
            .where(
                live,
                Meeting.ends_at >= now,
                Meeting.status.not_in([MeetingStatus.CANCELLED, MeetingStatus.HELD]),
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(6)
            .options(*meeting_options())
        )
    )
    recent = list(
        session.scalars(
            select(Meeting)
            .where(live, Meeting.ends_at < now)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(5)
            .options(*meeting_options())
        )
    )
    open_statuses = [s for s in DeliverableStatus if s not in ("published", "dropped")]
    base = (
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None), Deliverable.status.in_(open_statuses))
        .options(joinedload(Deliverable.lead_organisation))
        .order_by(Deliverable.due_date, Deliverable.id)
    )
    due_soon = list(
        session.scalars(
            base.where(
                Deliverable.due_date >= today, Deliverable.due_date <= today + timedelta(days=30)
            ).limit(10)
        )
    )
    return HomeOverview(
        next_meeting=upcoming[0] if upcoming else None,
        upcoming=upcoming[1:],
        recent=recent,
        due_soon=due_soon,
        zones=participant_zones(session, [m.id for m in upcoming + recent]),
    )


# "My work": what needs the signed-in user now. Every list is capped; one more row than shown
# is read so the page knows whether to offer the full list.
MY_LIST_LIMIT = 8
MY_MEETINGS_LIMIT = 5
MINUTES_LIMIT = 5
CHANGE_GROUPS_LIMIT = 8
# A first visit has no last one: its changes count from this long ago.
FIRST_VISIT_WINDOW = timedelta(days=7)
# The newest events the "changed since" groups are made from (a bound on the work per page).
CHANGE_EVENTS_SCAN = 60
# The records whose changes "My work" lists: the initiative's work, not accounts, logins,
# feed tokens or e-mail bookkeeping. The labels are lazy: str() them in a request.
CHANGE_ENTITIES: dict[str, LazyString] = {
    "meeting": _l("Meetings"),
    "participation": _l("Meetings"),
    "person_attendance": _l("Meetings"),
    "agenda_item": _l("Agendas"),
    "minutes_revision": _l("Minutes"),
    "minutes_approval": _l("Minutes"),
    "outcome": _l("Outcomes"),
    "action_item": _l("Actions"),
    "deliverable": _l("Deliverables"),
    "milestone": _l("Deliverables"),
    "deliverable_tracking": _l("Deliverables"),
    "topic": _l("Topics"),
    "organisation": _l("Organisations"),
    "person": _l("People"),
    "series": _l("Series"),
}
# Audit entities without an id of their own, filed under their parent's id (see
# tracker.audit.audit_id): their changes are changes to that parent.
FILED_UNDER: dict[str, str] = {
    "participation": "meeting",
    "person_attendance": "meeting",
    "minutes_approval": "meeting",
    "deliverable_tracking": "deliverable",
}
# The records with a page of their own: entity -> (endpoint, its id argument).
RECORD_PAGES: dict[str, tuple[str, str]] = {
    "meeting": ("meetings.detail", "meeting_id"),
    "deliverable": ("deliverables.detail", "deliverable_id"),
    "topic": ("topics.detail", "topic_id"),
    "organisation": ("organisations.detail", "organisation_id"),
    "person": ("people.detail", "person_id"),
    "series": ("series.detail", "series_id"),
}


@dataclass
class Capped(Generic[T]):
    """The first rows of a list and whether more exist beyond them."""

    rows: list[T]
    more: bool

    @classmethod
    def of(cls, rows: list[T], limit: int) -> Capped[T]:
        """Cap rows read with limit + 1 at limit."""
        return cls(rows[:limit], len(rows) > limit)


@dataclass
class MyMeeting:
    """An upcoming meeting my organisation takes part in, with its attendance state."""

    meeting: Meeting
    attendance: Attendance


@dataclass
class MinutesToApprove:
    """Held minutes awaiting approval; mine_alone when two-person approval stops me."""

    meeting: Meeting
    mine_alone: bool


@dataclass
class ChangeGroup:
    """The changes to one record since the last visit, with the newest of them."""

    entity: str
    entity_id: int | None
    summary: str
    count: int
    latest: AuditEvent
    named: bool = True
    gone: bool = False

    @property
    def label(self) -> str:
        """What kind of record changed, in words: "Meetings", "Deliverables" ..."""
        label = CHANGE_ENTITIES.get(self.entity)
        return str(label) if label is not None else self.entity.replace("_", " ").capitalize()

    @property
    def page(self) -> tuple[str, dict[str, int]] | None:
        """(endpoint, arguments) of the record's own page, when it has one (and still exists)."""
        if self.gone or self.entity not in RECORD_PAGES or self.entity_id is None:
            return None
        endpoint, argument = RECORD_PAGES[self.entity]
        return endpoint, {argument: self.entity_id}


@dataclass
class MyWork:
    """Everything "My work" shows for one user."""

    person: Person | None
    actions: Capped[ActionItem]
    deliverables: Capped[Deliverable]
    meetings: Capped[MyMeeting]
    minutes_to_write: Capped[Meeting]
    minutes_to_approve: Capped[MinutesToApprove]
    since: datetime
    first_visit: bool
    change_counts: dict[str, int]
    changes: Capped[ChangeGroup]

    @property
    def organisation(self) -> Organisation | None:
        """My organisation, through my person."""
        return self.person.organisation if self.person is not None else None

    @property
    def change_total(self) -> int:
        """How many changes were made since the last visit."""
        return sum(self.change_counts.values())


def my_person(session: Session, user: User) -> Person | None:
    """The user's person with their organisation, in one query (None when unlinked)."""
    if user.person_id is None:
        return None
    return session.scalars(
        select(Person).where(Person.id == user.person_id).options(joinedload(Person.organisation))
    ).first()


def my_actions(session: Session, person: Person, limit: int = MY_LIST_LIMIT) -> Capped[ActionItem]:
    """Open actions owned by me or my organisation, soonest due first."""
    rows = session.scalars(
        select(ActionItem)
        .join(Meeting, ActionItem.meeting_id == Meeting.id)
        .where(
            ActionItem.status == ActionStatus.OPEN,
            Meeting.deleted_at.is_(None),
            or_(
                ActionItem.owner_person_id == person.id,
                ActionItem.owner_organisation_id == person.organisation_id,
            ),
        )
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(limit + 1)
        .options(
            joinedload(ActionItem.owner_organisation),
            joinedload(ActionItem.owner_person),
            contains_eager(ActionItem.meeting),
        )
    )
    return Capped.of(list(rows), limit)


def my_deliverables(
    session: Session, person: Person, limit: int = MY_LIST_LIMIT
) -> Capped[Deliverable]:
    """Open deliverables I own or my organisation leads, soonest due first (undated last)."""
    rows = session.scalars(
        select(Deliverable)
        .where(
            Deliverable.deleted_at.is_(None),
            Deliverable.status.not_in(FINISHED_STATUSES),
            or_(
                Deliverable.owner_person_id == person.id,
                Deliverable.lead_organisation_id == person.organisation_id,
            ),
        )
        .order_by(
            Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title, Deliverable.id
        )
        .limit(limit + 1)
        .options(joinedload(Deliverable.lead_organisation), joinedload(Deliverable.owner))
    )
    return Capped.of(list(rows), limit)


def my_meetings(
    session: Session, person: Person, now: datetime, limit: int = MY_MEETINGS_LIMIT
) -> Capped[MyMeeting]:
    """Meetings still to come that my organisation takes part in, soonest first."""
    rows = session.execute(
        select(Meeting, Participation.attendance)
        .join(Participation, Participation.meeting_id == Meeting.id)
        .where(
            Participation.organisation_id == person.organisation_id,
            Meeting.deleted_at.is_(None),
            Meeting.ends_at >= now,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit + 1)
        .options(joinedload(Meeting.series))
    )
    return Capped.of([MyMeeting(meeting, attendance) for meeting, attendance in rows], limit)


def unapproved_held(now: datetime) -> list[Any]:
    """Conditions of a held, live, started meeting whose minutes are not approved."""
    approved = select(MinutesApproval.meeting_id).where(MinutesApproval.meeting_id == Meeting.id)
    return [
        Meeting.deleted_at.is_(None),
        Meeting.status == MeetingStatus.HELD,
        Meeting.starts_at <= now,
        ~approved.exists(),
    ]


def minutes_to_write(
    session: Session, now: datetime, limit: int = MINUTES_LIMIT
) -> Capped[Meeting]:
    """Held meetings without minutes, most recent first."""
    rows = session.scalars(
        select(Meeting)
        .where(*unapproved_held(now), func.trim(Meeting.minutes) == "")
        .order_by(Meeting.starts_at.desc(), Meeting.id)
        .limit(limit + 1)
        .options(joinedload(Meeting.series))
    )
    return Capped.of(list(rows), limit)


def minutes_to_approve(
    session: Session, user: User, now: datetime, two_person: bool, limit: int = MINUTES_LIMIT
) -> Capped[MinutesToApprove]:
    """Held meetings whose written minutes await approval, oldest first.

    With two-person approval, minutes whose latest revision the user wrote are marked
    mine_alone: someone else has to approve them (tracker.outcomes.operations.advance_meeting).
    """
    latest = (
        select(MinutesRevision.meeting_id, func.max(MinutesRevision.number).label("number"))
        .group_by(MinutesRevision.meeting_id)
        .subquery()
    )
    revision = aliased(MinutesRevision)
    rows = session.execute(
        select(Meeting, revision.author_id)
        .outerjoin(latest, latest.c.meeting_id == Meeting.id)
        .outerjoin(
            revision,
            and_(revision.meeting_id == Meeting.id, revision.number == latest.c.number),
        )
        .where(*unapproved_held(now), func.trim(Meeting.minutes) != "")
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit + 1)
        .options(joinedload(Meeting.series))
    )
    return Capped.of(
        [
            MinutesToApprove(meeting, two_person and author_id is not None and author_id == user.id)
            for meeting, author_id in rows
        ],
        limit,
    )


def others_changes(since: datetime, user_id: int) -> list[Any]:
    """Conditions of an event after since, on a record CHANGE_ENTITIES lists, by someone else."""
    return [
        AuditEvent.at > since,
        AuditEvent.entity.in_(CHANGE_ENTITIES),
        or_(AuditEvent.user_id.is_(None), AuditEvent.user_id != user_id),
    ]


def change_events(since: datetime, user_id: int) -> Select[Any]:
    """The events of others' changes after since, newest first, with their authors."""
    return (
        select(AuditEvent)
        .where(*others_changes(since, user_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .options(selectinload(AuditEvent.user))
    )


def change_counts(session: Session, since: datetime, user_id: int) -> dict[str, int]:
    """How many changes others made since, per kind of record (CHANGE_ENTITIES' labels)."""
    counts: dict[str, int] = {}
    rows = session.execute(
        select(AuditEvent.entity, func.count())
        .where(*others_changes(since, user_id))
        .group_by(AuditEvent.entity)
    )
    for entity, count in rows:
        label = str(CHANGE_ENTITIES[entity])
        counts[label] = counts.get(label, 0) + count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def unnamed(entity: str, entity_id: int | None) -> str:
    """A record changed only through its parts so far (FILED_UNDER), by kind and id."""
    if entity == "meeting":
        return _("Meeting #%(id)s", id=entity_id)
    if entity == "deliverable":
        return _("Deliverable #%(id)s", id=entity_id)
    return f"{entity.capitalize()} #{entity_id}"


def change_groups(
    session: Session,
    since: datetime,
    user_id: int,
    limit: int = CHANGE_GROUPS_LIMIT,
    scan: int = CHANGE_EVENTS_SCAN,
) -> Capped[ChangeGroup]:
    """The records changed since, newest change first, one group per record.

    Only the newest `scan` events are grouped, so the cost stays the same however much changed.
    """
    events = session.scalars(change_events(since, user_id).limit(scan))
    groups: dict[tuple[str, int | None], ChangeGroup] = {}
    for event in events:
        entity = FILED_UNDER.get(event.entity, event.entity)
        key = (entity, event.entity_id)
        group = groups.get(key)
        own = event.entity == entity
        if group is None:
            summary = event.summary if own else unnamed(entity, event.entity_id)
            group = groups[key] = ChangeGroup(entity, event.entity_id, summary, 0, event, own)
        group.count += 1
        if own and not group.named:
            group.summary, group.named = event.summary, True  # its own event names it best
        if own and event.action == "delete":
            group.gone = True
    rows = list(groups.values())
    mark_deleted(session, rows[:limit])
    return Capped(rows[:limit], len(rows) > limit)


# Records deleted softly (deleted_at set): their pages answer 404, so their groups get no link.
SOFT_DELETED: dict[str, Any] = {"meeting": Meeting, "deliverable": Deliverable}


def mark_deleted(session: Session, groups: list[ChangeGroup]) -> None:
    """Mark the groups of soft-deleted meetings and deliverables as gone: one query per kind."""
    for entity, model in SOFT_DELETED.items():
        ids = {g.entity_id for g in groups if g.entity == entity and g.entity_id is not None}
        if not ids:
            continue
        deleted = set(
            session.scalars(
                select(model.id).where(model.id.in_(ids), model.deleted_at.is_not(None))
            )
        )
        for group in groups:
            if group.entity == entity and group.entity_id in deleted:
                group.gone = True


def my_work(
    session: Session, user: User, now: datetime, last_visit: datetime | None, two_person: bool
) -> MyWork:
    """Collect "My work" for user in a fixed number of queries (at most ten).

    The changes count from last_visit; on a first visit (None), from FIRST_VISIT_WINDOW ago.
    """
    since = last_visit or now - FIRST_VISIT_WINDOW
    person = my_person(session, user)
    empty: Capped[Any] = Capped([], False)
    editor = user.can_edit
    return MyWork(
        person=person,
        actions=my_actions(session, person) if person else empty,
        deliverables=my_deliverables(session, person) if person else empty,
        meetings=my_meetings(session, person, now) if person else empty,
        minutes_to_write=minutes_to_write(session, now) if editor else empty,
        minutes_to_approve=(
            minutes_to_approve(session, user, now, two_person) if editor else empty
        ),
        since=since,
        first_visit=last_visit is None,
        change_counts=change_counts(session, since, user.id),
        changes=change_groups(session, since, user.id),
    )
