"""Outcome reads: what the meeting, topic, organisation and series pages show, and the rules
they follow (the next lifecycle step, who may edit minutes).

The loaders (meeting_outcomes, topic_timeline, organisation_attendance, series_matrix) read
everything a page fragment needs in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from tracker.i18n import _, _l
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Deliverable,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    MinutesRevision,
    Organisation,
    Outcome,
    OutcomeKind,
    Participation,
    Person,
    PersonAttendance,
    Series,
    User,
    deliverable_topic,
    utc_today,
    utcnow,
)


class ByKind:
    """The outcomes of one agenda topic at one meeting, split into decisions and information."""

    outcomes: list[Outcome]

    @property
    def decisions(self) -> list[Outcome]:
        """The decisions taken under this topic."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.DECISION]

    @property
    def information(self) -> list[Outcome]:
        """The information given under this topic."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.INFORMATION]


@dataclass
class AgendaOutcomes(ByKind):
    """One agenda topic with its notes, typed outcomes and actions."""

    item: AgendaItem
    outcomes: list[Outcome] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


@dataclass
class AttendanceRow:
    """An organisation taking part in a meeting, with its people and who of them came."""

    participation: Participation
    people: list[Person]
    present: list[Person]

    @property
    def attended(self) -> bool:
        """Whether the organisation attended."""
        return self.participation.attendance == Attendance.ATTENDED


@dataclass
class MeetingOutcomes:
    """Everything the meeting outcomes fragment shows."""

    meeting: Meeting
    carried: list[ActionItem]
    agenda: list[AgendaOutcomes]
    other_actions: list[ActionItem]
    attendance: list[AttendanceRow]
    approval: MinutesApproval | None
    revision_number: int
    next_meeting: Meeting | None

    @property
    def is_approved(self) -> bool:
        """Whether the minutes are approved and locked."""
        return self.approval is not None

    @property
    def steps(self) -> list[tuple[str, Any]]:
        """The lifecycle steps possible now, as (step, button text)."""
        return available_steps(self.meeting, self.approval)

    @property
    def attended_count(self) -> int:
        """How many organisations attended."""
        return sum(1 for row in self.attendance if row.attended)

    @property
    def decisions(self) -> list[tuple[AgendaItem, Outcome]]:
        """All decisions of the meeting with their topic."""
        return [(a.item, o) for a in self.agenda for o in a.decisions]

    @property
    def actions(self) -> list[ActionItem]:
        """All actions agreed at this meeting, on an agenda topic or not."""
        own = [x for a in self.agenda for x in a.actions if x.meeting_id == self.meeting.id]
        return own + self.other_actions


def carried_actions_query(meeting: Meeting) -> Select[Any]:
    """Still-open actions from earlier meetings of the same series, oldest meeting first."""
    return (
        select(ActionItem)
        .join(Meeting, ActionItem.meeting_id == Meeting.id)
        .where(carried_condition(meeting))
        .order_by(Meeting.number, ActionItem.due_date, ActionItem.id)
        .options(*action_loads())
    )


def carried_condition(meeting: Meeting) -> ColumnElement[bool]:
    """Open actions of earlier live meetings of meeting's series (with Meeting joined)."""
    return and_(
        ActionItem.status == ActionStatus.OPEN,
        Meeting.series_id == meeting.series_id,
        Meeting.number < meeting.number,
        Meeting.deleted_at.is_(None),
    )


def meeting_actions(
    session: Session, meeting: Meeting, item_ids: set[int]
) -> tuple[list[ActionItem], list[ActionItem]]:
    """(carried, own): the open actions carried from earlier meetings of the series, oldest
    meeting first, and the actions of this meeting or its agenda, oldest first.

    One query with its related rows for both, so the loads of owners, deliverables and
    topics run once rather than twice.
    """
    own = (ActionItem.meeting_id == meeting.id) | ActionItem.agenda_item_id.in_(
        select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    )
    rows = list(
        session.scalars(
            select(ActionItem)
            .join(Meeting, ActionItem.meeting_id == Meeting.id)
            .where(own | carried_condition(meeting))
            .order_by(Meeting.number, ActionItem.due_date, ActionItem.id)
            .options(*action_loads())
        )
    )
    carried = [a for a in rows if is_carried(a, meeting)]
    mine = sorted(
        (a for a in rows if a.meeting_id == meeting.id or a.agenda_item_id in item_ids),
        key=lambda a: (a.created_at, a.id),
    )
    return carried, mine


def is_carried(action: ActionItem, meeting: Meeting) -> bool:
    """Whether action is an open one from an earlier live meeting of meeting's series."""
    origin = action.meeting
    return (
        action.status == ActionStatus.OPEN
        and origin.series_id == meeting.series_id
        and origin.number is not None
        and meeting.number is not None
        and origin.number < meeting.number
        and origin.deleted_at is None
    )


def action_loads() -> list[Any]:
    """Loader options for showing an action with its owner, deliverable and origin."""
    return [
        selectinload(ActionItem.owner_organisation),
        selectinload(ActionItem.owner_person),
        selectinload(ActionItem.deliverable),
        selectinload(ActionItem.meeting),
        selectinload(ActionItem.agenda_item).selectinload(AgendaItem.topic),
    ]


def meeting_outcomes(session: Session, meeting: Meeting) -> MeetingOutcomes:
    """Load the meeting's carried actions, agenda outcomes, attendance and lifecycle state."""
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .options(selectinload(AgendaItem.topic))
        )
    )
    item_ids = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    outcomes = session.scalars(
        select(Outcome)
        .where(Outcome.agenda_item_id.in_(item_ids))
        .order_by(Outcome.created_at, Outcome.id)
    )
    carried, actions = meeting_actions(session, meeting, {item.id for item in items})
    by_item = {item.id: AgendaOutcomes(item) for item in items}
    for outcome in outcomes:
        by_item[outcome.agenda_item_id].outcomes.append(outcome)
    other: list[ActionItem] = []
    for action in actions:
        if action.agenda_item_id in by_item:
            by_item[action.agenda_item_id].actions.append(action)
        else:
            other.append(action)
    return MeetingOutcomes(
        meeting=meeting,
        carried=carried,
        agenda=list(by_item.values()),
        other_actions=other,
        attendance=attendance_rows(session, meeting),
        approval=session.get(MinutesApproval, meeting.id),
        revision_number=latest_revision_number(session, meeting),
        next_meeting=next_meeting(session, meeting),
    )


def attendance_rows(session: Session, meeting: Meeting) -> list[AttendanceRow]:
    """The meeting's organisations by name, with their people and who of them attended."""
    participations = session.scalars(
        select(Participation)
        .join(Organisation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Organisation.short_name)
        .options(selectinload(Participation.organisation).selectinload(Organisation.people))
    )
    present = set(
        session.scalars(
            select(PersonAttendance.person_id).where(PersonAttendance.meeting_id == meeting.id)
        )
    )
    rows = []
    for participation in participations:
        people = list(participation.organisation.people)
        rows.append(AttendanceRow(participation, people, [p for p in people if p.id in present]))
    return rows


@dataclass
class TimelineEntry(ByKind):
    """One meeting that discussed a topic, with what came of it there."""

    meeting: Meeting
    item: AgendaItem
    outcomes: list[Outcome] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    approved: bool = False


@dataclass
class TopicTimeline:
    """A topic followed across meetings, in date order, with its deliverables."""

    topic: Any
    entries: list[TimelineEntry]
    deliverables: list[Deliverable]


def topic_timeline(session: Session, topic: Any) -> TopicTimeline:
    """Every meeting that discussed topic, oldest first, and the deliverables linked to it."""
    items = list(
        session.scalars(
            select(AgendaItem)
            .join(Meeting)
            .where(AgendaItem.topic_id == topic.id, Meeting.deleted_at.is_(None))
            .order_by(Meeting.starts_at, Meeting.id)
            .options(
                selectinload(AgendaItem.meeting).selectinload(Meeting.series),
                selectinload(AgendaItem.meeting)
                .selectinload(Meeting.participations)
                .selectinload(Participation.organisation),
            )
        )
    )
    item_ids = select(AgendaItem.id).where(AgendaItem.topic_id == topic.id)
    approved = set(
        session.scalars(
            select(MinutesApproval.meeting_id).where(
                MinutesApproval.meeting_id.in_([item.meeting_id for item in items])
            )
        )
    )
    entries = {
        item.id: TimelineEntry(item.meeting, item, approved=item.meeting_id in approved)
        for item in items
    }
    for outcome in session.scalars(
        select(Outcome).where(Outcome.agenda_item_id.in_(item_ids)).order_by(Outcome.id)
    ):
        if outcome.agenda_item_id in entries:
            entries[outcome.agenda_item_id].outcomes.append(outcome)
    for action in session.scalars(
        select(ActionItem)
        .where(ActionItem.agenda_item_id.in_(item_ids))
        .order_by(ActionItem.due_date, ActionItem.id)
        .options(*action_loads())
    ):
        if action.agenda_item_id in entries:
            entries[action.agenda_item_id].actions.append(action)
    deliverables = list(
        session.scalars(
            select(Deliverable)
            .join(deliverable_topic)
            .where(deliverable_topic.c.topic_id == topic.id, Deliverable.deleted_at.is_(None))
            .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.id)
            .options(selectinload(Deliverable.lead_organisation))
        )
    )
    return TopicTimeline(topic, list(entries.values()), deliverables)


@dataclass
class SeriesAttendance:
    """An organisation's attendance record in one series."""

    series_id: int
    series_name: str
    attended: int
    held: int

    @property
    def text(self) -> str:
        """The record as words, such as "attended 7 of 9"."""
        return _("attended %(attended)d of %(held)d", attended=self.attended, held=self.held)


def organisation_attendance(session: Session, organisation: Organisation) -> list[SeriesAttendance]:
    """Per series: held meetings the organisation was invited to, and how many it attended."""
    attended = func.sum(case((Participation.attendance == Attendance.ATTENDED, 1), else_=0))
    rows = session.execute(
        select(Series.id, Series.name, attended, func.count())
        .select_from(Participation)
        .join(Meeting, Participation.meeting_id == Meeting.id)
        .join(Series, Meeting.series_id == Series.id)
        .where(
            Participation.organisation_id == organisation.id,
            Meeting.status == MeetingStatus.HELD,
            Meeting.deleted_at.is_(None),
        )
        .group_by(Series.id, Series.name)
        .order_by(Series.name)
    )
    return [
        SeriesAttendance(sid, name, int(done or 0), int(held)) for sid, name, done, held in rows
    ]


@dataclass
class MatrixRow:
    """One organisation across a series' meetings: its attendance state per meeting or None."""

    organisation: Organisation
    cells: list[Attendance | None]
    held: int = 0

    @property
    def attended(self) -> int:
        """How many of the series' meetings the organisation attended."""
        return sum(1 for cell in self.cells if cell == Attendance.ATTENDED)

    @property
    def text(self) -> str:
        """The record as words, such as "attended 7 of 9"."""
        return _("attended %(attended)d of %(held)d", attended=self.attended, held=self.held)


@dataclass
class ParticipationMatrix:
    """Organisations by meetings of one series."""

    series: Series
    meetings: list[Meeting]
    rows: list[MatrixRow]


def series_matrix(session: Session, series: Series) -> ParticipationMatrix:
    """The participation matrix of a series in two queries."""
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.series_id == series.id, Meeting.deleted_at.is_(None))
            .order_by(Meeting.number)
        )
    )
    column = {meeting.id: index for index, meeting in enumerate(meetings)}
    participations = session.execute(
        select(Participation, Organisation)
        .join(Organisation)
        .where(Participation.meeting_id.in_(list(column)))
        .order_by(Organisation.short_name)
    )
    rows: dict[int, MatrixRow] = {}
    for participation, organisation in participations:
        row = rows.setdefault(organisation.id, MatrixRow(organisation, [None] * len(meetings)))
        index = column[participation.meeting_id]
        row.cells[index] = participation.attendance
        if meetings[index].status == MeetingStatus.HELD:
            row.held += 1
    return ParticipationMatrix(series, meetings, list(rows.values()))


def latest_revision(session: Session, meeting: Meeting) -> MinutesRevision | None:
    """The newest saved revision of the meeting's minutes, if any."""
    return session.scalars(
        select(MinutesRevision)
        .where(MinutesRevision.meeting_id == meeting.id)
        .order_by(MinutesRevision.number.desc())
        .limit(1)
        .options(selectinload(MinutesRevision.author))
    ).first()


def latest_revision_number(session: Session, meeting: Meeting) -> int:
    """The newest revision number, 0 before the first save."""
    number = session.scalar(
        select(func.max(MinutesRevision.number)).where(MinutesRevision.meeting_id == meeting.id)
    )
    return int(number or 0)


def revisions(session: Session, meeting: Meeting) -> list[MinutesRevision]:
    """All revisions of the meeting's minutes, newest first, with their authors."""
    return list(
        session.scalars(
            select(MinutesRevision)
            .where(MinutesRevision.meeting_id == meeting.id)
            .order_by(MinutesRevision.number.desc())
            .options(selectinload(MinutesRevision.author))
        )
    )


def can_edit_minutes(meeting_approved: bool, user: User) -> bool:
    """Approved minutes are locked for everyone; an admin reopens them first."""
    return user.can_edit and not meeting_approved


def record_visible(approved: bool, user: Any) -> bool:
    """Draft minutes and outcomes are for logged-in members; approved ones are for everyone."""
    return approved or bool(getattr(user, "is_authenticated", False))


def is_locked(session: Session, meeting: Meeting) -> bool:
    """Whether the meeting's minutes are approved, which makes its whole record read-only."""
    return session.get(MinutesApproval, meeting.id) is not None


def has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    """Whether the meeting's start has passed."""
    return meeting.starts_at <= (now or utcnow())


def shown_status(meeting: Meeting, now: datetime | None = None) -> MeetingStatus:
    """The status a card shows: never "held" for a meeting that has not started yet."""
    if meeting.status == MeetingStatus.HELD and not has_started(meeting, now):
        return MeetingStatus.CONFIRMED
    return meeting.status


def revision_text(session: Session, meeting: Meeting, number: int) -> str | None:
    """The text of revision number (0 is the empty start), or None if there is no such one."""
    if number == 0:
        return ""
    return session.scalar(
        select(MinutesRevision.text).where(
            MinutesRevision.meeting_id == meeting.id, MinutesRevision.number == number
        )
    )


STEPS: dict[str, Any] = {
    "confirm": _l("Mark as confirmed"),
    "hold": _l("Mark as held"),
    "approve": _l("Approve the minutes"),
}


def available_steps(
    meeting: Meeting, approval: MinutesApproval | None, now: datetime | None = None
) -> list[tuple[str, Any]]:
    """The next lifecycle steps of a meeting: planned, confirmed, held (once started), approved."""
    started = has_started(meeting, now)
    if meeting.status == MeetingStatus.PLANNED:
        return [("confirm", STEPS["confirm"])] + ([("hold", STEPS["hold"])] if started else [])
    if meeting.status == MeetingStatus.CONFIRMED:
        return [("hold", STEPS["hold"])] if started else []
    if meeting.status == MeetingStatus.HELD and approval is None:
        return [("approve", STEPS["approve"])]
    return []


def participating_ids(meeting: Meeting) -> set[int]:
    """The ids of the organisations that take part in meeting."""
    return {p.organisation_id for p in meeting.participations}


def open_actions_query(
    owner_id: int | None = None,
    series_id: int | None = None,
    overdue: bool = False,
    today: date | None = None,
    approved_only: bool = False,
) -> Select[Any]:
    """Open actions, soonest due first, filtered by owner organisation, series and overdue.

    approved_only keeps the actions of meetings whose minutes are approved (anonymous readers).
    """
    query = (
        select(ActionItem)
        .join(Meeting, ActionItem.meeting_id == Meeting.id)
        .where(ActionItem.status == ActionStatus.OPEN, Meeting.deleted_at.is_(None))
        .order_by(ActionItem.due_date, ActionItem.id)
        .options(*action_loads(), selectinload(ActionItem.meeting).selectinload(Meeting.series))
    )
    if owner_id is not None:
        query = query.where(ActionItem.owner_organisation_id == owner_id)
    if series_id is not None:
        query = query.where(Meeting.series_id == series_id)
    if overdue:
        query = query.where(ActionItem.due_date < (today or utc_today()))
    if approved_only:
        query = query.where(
            select(MinutesApproval.meeting_id)
            .where(MinutesApproval.meeting_id == ActionItem.meeting_id)
            .exists()
        )
    return query


def next_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The next meeting of the series by number that is not deleted."""
    return session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.number > meeting.number,
            Meeting.deleted_at.is_(None),
        )
        .order_by(Meeting.number)
        .limit(1)
    ).first()


@dataclass
class PreviousRecord:
    """What the previous meeting of the series decided and gave out as actions."""

    meeting: Meeting
    visible: bool
    approved: bool
    decisions: list[Outcome] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    decision_total: int = 0
    action_total: int = 0


def previous_record(session: Session, previous: Meeting, user: Any, cap: int) -> PreviousRecord:
    """The previous meeting's decisions and actions, at most cap of each, with their totals.

    Drafts (minutes not approved) only for logged-in members; 4 queries at most.
    """
    approved = session.get(MinutesApproval, previous.id) is not None
    record = PreviousRecord(previous, record_visible(approved, user), approved)
    if not record.visible:
        return record
    decisions = (
        select(Outcome)
        .join(AgendaItem, AgendaItem.id == Outcome.agenda_item_id)
        .where(AgendaItem.meeting_id == previous.id, Outcome.kind == OutcomeKind.DECISION)
    )
    actions = select(ActionItem).where(ActionItem.meeting_id == previous.id)
    record.decision_total = (
        session.scalar(select(func.count()).select_from(decisions.subquery())) or 0
    )
    record.action_total = session.scalar(select(func.count()).select_from(actions.subquery())) or 0
    record.decisions = list(
        session.scalars(
            decisions.order_by(AgendaItem.position, Outcome.id)
            .limit(cap)
            .options(selectinload(Outcome.agenda_item).selectinload(AgendaItem.topic))
        )
    )
    record.actions = list(
        session.scalars(
            actions.order_by(ActionItem.due_date, ActionItem.id).limit(cap).options(*action_loads())
        )
    )
    return record
