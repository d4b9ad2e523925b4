"""Outcome operations: minutes, outcomes, actions, attendance, lifecycle and carry-forward.

They take the session, records and acting user explicitly, add and flush, and never commit.
The loaders (meeting_outcomes, topic_timeline, organisation_attendance, series_matrix) read
everything a page fragment needs in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    AuditEvent,
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
    utcnow,
)
from tracker.operations import Refused


class MinutesConflict(Exception):
    """Someone saved the minutes after the revision the user started from."""

    def __init__(self, latest: MinutesRevision | None) -> None:
        super().__init__("minutes changed")
        self.latest = latest


class MinutesLocked(Refused):
    """The minutes are approved and only an admin may still change them."""


# ---------------------------------------------------------------- loaders for page fragments


@dataclass
class AgendaOutcomes:
    """One agenda topic with its notes, typed outcomes and actions."""

    item: AgendaItem
    outcomes: list[Outcome] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def decisions(self) -> list[Outcome]:
        """The decisions taken under this topic."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.DECISION]

    @property
    def information(self) -> list[Outcome]:
        """The information given under this topic."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.INFORMATION]


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
    def steps(self) -> list[tuple[str, str]]:
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
        .where(
            ActionItem.status == ActionStatus.OPEN,
            Meeting.series_id == meeting.series_id,
            Meeting.number < meeting.number,
            Meeting.deleted_at.is_(None),
        )
        .order_by(Meeting.number, ActionItem.due_date, ActionItem.id)
        .options(*action_loads())
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
    carried = list(session.scalars(carried_actions_query(meeting)))
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
    actions = session.scalars(
        select(ActionItem)
        .where((ActionItem.meeting_id == meeting.id) | ActionItem.agenda_item_id.in_(item_ids))
        .order_by(ActionItem.created_at, ActionItem.id)
        .options(*action_loads())
    )
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
class TimelineEntry:
    """One meeting that discussed a topic, with what came of it there."""

    meeting: Meeting
    item: AgendaItem
    outcomes: list[Outcome] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def decisions(self) -> list[Outcome]:
        """The decisions taken on the topic at this meeting."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.DECISION]

    @property
    def information(self) -> list[Outcome]:
        """The information given on the topic at this meeting."""
        return [o for o in self.outcomes if o.kind == OutcomeKind.INFORMATION]


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
    entries = {item.id: TimelineEntry(item.meeting, item) for item in items}
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
            .order_by(Deliverable.due_date, Deliverable.id)
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
        return f"attended {self.attended} of {self.held}"


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
        return f"attended {self.attended} of {self.held}"


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


# ---------------------------------------------------------------- minutes


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
    """Approved minutes are locked for everyone but admins."""
    return user.can_edit and (not meeting_approved or user.is_admin)


def save_minutes(
    session: Session, meeting: Meeting, text: str, base_number: int, user: User
) -> MinutesRevision | None:
    """Save text as the next revision; MinutesConflict if someone saved after base_number.

    Returns None when the text did not change. An admin's edit of approved minutes is flagged
    on the revision and written to the audit trail.
    """
    approval = session.get(MinutesApproval, meeting.id)
    if not can_edit_minutes(approval is not None, user):
        raise MinutesLocked(
            "These minutes are approved and locked. Only an admin can still change them."
        )
    latest = latest_revision(session, meeting)
    current = latest.number if latest else 0
    if base_number != current:
        raise MinutesConflict(latest)
    if text == (latest.text if latest else meeting.minutes):
        return None
    revision = MinutesRevision(
        meeting_id=meeting.id,
        number=current + 1,
        text=text,
        author_id=user.id,
        after_approval=approval is not None,
    )
    session.add(revision)
    meeting.minutes = text
    if approval is not None:
        session.add(
            AuditEvent(
                user_id=user.id,
                action="edit-approved",
                entity="meeting",
                entity_id=meeting.id,
                summary=f"Approved minutes edited by an admin (revision {current + 1})",
                changes={"minutes_revision": [str(current), str(current + 1)]},
            )
        )
    session.flush()
    return revision


def revision_text(session: Session, meeting: Meeting, number: int) -> str | None:
    """The text of revision number (0 is the empty start), or None if there is no such one."""
    if number == 0:
        return ""
    return session.scalar(
        select(MinutesRevision.text).where(
            MinutesRevision.meeting_id == meeting.id, MinutesRevision.number == number
        )
    )


@dataclass
class DiffLine:
    """One line of a unified diff: kind is added, removed, context or hunk."""

    kind: str
    text: str


def text_diff(old: str, new: str, old_label: str, new_label: str) -> list[DiffLine]:
    """The line differences between two texts, as a unified diff."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_label, new_label, lineterm="", n=2
    )
    result = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "context"
        result.append(DiffLine(kind, line))
    return result


# ---------------------------------------------------------------- lifecycle

STEPS: dict[str, str] = {
    "confirm": "Mark as confirmed",
    "hold": "Mark as held",
    "approve": "Approve the minutes",
}


def available_steps(meeting: Meeting, approval: MinutesApproval | None) -> list[tuple[str, str]]:
    """The next lifecycle step of a meeting, if it has one: planned, confirmed, held, approved."""
    if meeting.status == MeetingStatus.PLANNED:
        return [("confirm", STEPS["confirm"])]
    if meeting.status == MeetingStatus.CONFIRMED:
        return [("hold", STEPS["hold"])]
    if meeting.status == MeetingStatus.HELD and approval is None:
        return [("approve", STEPS["approve"])]
    return []


def advance_meeting(session: Session, meeting: Meeting, step: str, user: User) -> str:
    """Take one lifecycle step; Refused with the reason when it is not possible now."""
    approval = session.get(MinutesApproval, meeting.id)
    if step not in dict(available_steps(meeting, approval)):
        state = "minutes approved" if approval else meeting.status.value
        raise Refused(
            f"This meeting is {state}, so “{STEPS.get(step, step)}” is not possible now. "
            "Meetings go from planned to confirmed, then held, then minutes approved."
        )
    if step == "confirm":
        meeting.status = MeetingStatus.CONFIRMED
        return "The meeting is confirmed."
    if step == "hold":
        meeting.status = MeetingStatus.HELD
        return "The meeting is marked as held. Log its outcomes and minutes."
    number = latest_revision_number(session, meeting)
    if not meeting.minutes.strip():
        raise Refused("Write the minutes before approving them.")
    session.add(
        MinutesApproval(meeting_id=meeting.id, approved_by_id=user.id, revision_number=number)
    )
    session.flush()
    return "The minutes are approved and now locked."


# ---------------------------------------------------------------- outcomes and actions


def participating_ids(meeting: Meeting) -> set[int]:
    """The ids of the organisations that take part in meeting."""
    return {p.organisation_id for p in meeting.participations}


def add_outcome(
    session: Session, item: AgendaItem, kind: OutcomeKind, text: str, user: User | None
) -> Outcome:
    """Record information or a decision under an agenda topic."""
    if kind == OutcomeKind.ACTION:
        raise Refused("Actions are recorded as action items, with an owner and a due date.")
    outcome = Outcome(
        agenda_item_id=item.id, kind=kind, text=text, created_by_id=user.id if user else None
    )
    session.add(outcome)
    session.flush()
    return outcome


def add_action(
    session: Session, meeting: Meeting, values: Mapping[str, Any], user: User | None
) -> ActionItem:
    """Record an action item agreed at meeting; Refused if the owner does not fit."""
    owner_id = values["owner_organisation_id"]
    if owner_id not in participating_ids(meeting):
        raise Refused("The owner organisation does not take part in this meeting.")
    person_id = values.get("owner_person_id")
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.organisation_id != owner_id:
            raise Refused("The owner person does not belong to the owner organisation.")
    item_id = values.get("agenda_item_id")
    if item_id is not None and item_id not in {i.id for i in meeting.agenda_items}:
        raise Refused("That agenda topic is not on this meeting's agenda.")
    action = ActionItem(
        meeting_id=meeting.id, created_by_id=user.id if user else None, **dict(values)
    )
    session.add(action)
    session.flush()
    return action


def close_action(action: ActionItem, status: ActionStatus, user: User | None) -> None:
    """Mark an open action as done or dropped."""
    if not action.is_open:
        raise Refused(f"This action is already {action.status.value}.")
    if status == ActionStatus.OPEN:
        raise Refused("Choose done or dropped to close an action.")
    action.status = status
    action.closed_at = utcnow()
    action.closed_by_id = user.id if user else None


def update_notes(item: AgendaItem, notes: str) -> bool:
    """Change an agenda topic's notes; whether they changed."""
    if item.notes == notes:
        return False
    item.notes = notes
    return True


def open_actions_query(
    owner_id: int | None = None,
    series_id: int | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> Select[Any]:
    """Open actions, soonest due first, filtered by owner organisation, series and overdue."""
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
        query = query.where(ActionItem.due_date < (today or date.today()))
    return query


# ---------------------------------------------------------------- attendance


def record_attendance(
    session: Session,
    meeting: Meeting,
    states: Mapping[int, Attendance],
    person_ids: Iterable[int],
) -> None:
    """Set each organisation's attendance and exactly which of their people attended."""
    participations = {p.organisation_id: p for p in meeting.participations}
    for organisation_id, state in states.items():
        if organisation_id not in participations:
            raise Refused("That organisation does not take part in this meeting.")
        participations[organisation_id].attendance = state
    wanted = set(person_ids)
    people = session.scalars(select(Person).where(Person.id.in_(wanted))).all()
    if len(people) != len(wanted) or any(p.organisation_id not in participations for p in people):
        raise Refused("Only people of the organisations taking part can be marked as present.")
    existing = {
        row.person_id: row
        for row in session.scalars(
            select(PersonAttendance).where(PersonAttendance.meeting_id == meeting.id)
        )
    }
    for person_id, row in existing.items():
        if person_id not in wanted:
            session.delete(row)
    for person_id in wanted - set(existing):
        session.add(PersonAttendance(meeting_id=meeting.id, person_id=person_id))
    session.flush()


# ---------------------------------------------------------------- carry-forward


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


def carry_agenda_item(
    session: Session, item: AgendaItem, *, move: bool
) -> tuple[Meeting, AgendaItem]:
    """Copy or move an agenda topic, with its open actions, to the next meeting of the series."""
    meeting = item.meeting
    target_meeting = next_meeting(session, meeting)
    if target_meeting is None:
        raise Refused(
            f"There is no later meeting in {meeting.series.name} to "
            f"{'move' if move else 'copy'} this topic to. Plan the next meeting first."
        )
    actions = list(session.scalars(select(ActionItem).where(ActionItem.agenda_item_id == item.id)))
    if move:
        outcomes = session.scalar(
            select(func.count()).select_from(Outcome).where(Outcome.agenda_item_id == item.id)
        )
        if item.notes.strip() or outcomes or any(not a.is_open for a in actions):
            raise Refused(
                "This topic already has notes or outcomes at this meeting, so it cannot be "
                "moved away. Copy it to the next meeting instead."
            )
    target = session.scalars(
        select(AgendaItem).where(
            AgendaItem.meeting_id == target_meeting.id, AgendaItem.topic_id == item.topic_id
        )
    ).first()
    if target is None:
        last = session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == target_meeting.id)
        )
        target = AgendaItem(
            meeting_id=target_meeting.id,
            topic_id=item.topic_id,
            position=(last if last is not None else -1) + 1,
        )
        session.add(target)
        session.flush()
    for action in actions:
        if action.is_open:
            action.agenda_item_id = target.id
    if move:
        session.flush()
        meeting.agenda_items.remove(item)
    session.flush()
    return target_meeting, target


# ---------------------------------------------------------------- report


def report_markdown(outcomes: MeetingOutcomes) -> str:
    """The meeting report as a Markdown document."""
    meeting = outcomes.meeting
    when = meeting.local_start.strftime("%Y-%m-%d %H:%M")
    lines = [
        f"# {meeting.title}",
        "",
        f"{meeting.series.name}, meeting {meeting.number} · {when} ({meeting.timezone})",
        "",
    ]
    if outcomes.approval is not None:
        lines += [f"Minutes approved on {outcomes.approval.approved_at:%Y-%m-%d}.", ""]
    lines += ["## Attendees", ""]
    attended = [row for row in outcomes.attendance if row.attended]
    for row in attended:
        people = ", ".join(p.name for p in row.present)
        lines.append(f"- {row.participation.organisation.name}" + (f": {people}" if people else ""))
    if not attended:
        lines.append("No attendance recorded.")
    absent = [row for row in outcomes.attendance if not row.attended]
    if absent:
        lines += [
            "",
            "Not attending: "
            + ", ".join(
                f"{row.participation.organisation.short_name} "
                f"({row.participation.attendance.value})"
                for row in absent
            ),
        ]
    lines += ["", "## Decisions", ""]
    decisions = outcomes.decisions
    lines += [f"- **{item.topic.title}:** {o.text}" for item, o in decisions] or ["None."]
    lines += ["", "## Actions", ""]
    actions = outcomes.actions
    lines += [
        f"- [{'x' if not a.is_open else ' '}] {a.text} — {a.owner_text}, due {a.due_date}"
        f" ({a.status.value})"
        for a in actions
    ] or ["None."]
    lines += ["", "## Agenda", ""]
    for entry in outcomes.agenda:
        lines.append(f"### {entry.item.topic.title}")
        lines.append("")
        if entry.item.notes.strip():
            lines += [entry.item.notes.strip(), ""]
        for outcome in entry.outcomes:
            lines.append(f"- {outcome.kind.value.capitalize()}: {outcome.text}")
        if entry.outcomes:
            lines.append("")
    lines += ["## Minutes", "", meeting.minutes.strip() or "No minutes yet.", ""]
    return "\n".join(lines)
