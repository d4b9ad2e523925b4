"""Outcome operations: minutes, outcomes, actions, attendance, lifecycle and carry-forward.

They take the session, records and acting user explicitly, add and flush, and never commit.
What they read comes from tracker.outcomes.queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.i18n import _, _l
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    AuditEvent,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    MinutesRevision,
    Outcome,
    OutcomeKind,
    Person,
    PersonAttendance,
    User,
    utcnow,
)
from tracker.models.enums import label
from tracker.operations import Refused, check_version, touch
from tracker.outcomes.queries import (
    STEPS,
    available_steps,
    can_edit_minutes,
    has_started,
    is_locked,
    latest_revision,
    next_meeting,
    participating_ids,
)


class MinutesConflict(Exception):
    """Someone saved the minutes after the revision the user started from."""

    def __init__(self, latest: MinutesRevision | None) -> None:
        super().__init__("minutes changed")
        self.latest = latest


class RecordLocked(Refused):
    """The minutes are approved: minutes, attendance, agenda, outcomes and actions are read-only."""


class MinutesLocked(RecordLocked):
    """The minutes are approved and locked."""


LOCKED_MESSAGE = _l(
    "The minutes of this meeting are approved, so its record (minutes, attendance, agenda, "
    "outcomes and actions) is locked. An admin can reopen it with a reason."
)


def ensure_unlocked(session: Session, meeting: Meeting) -> None:
    """RecordLocked when the meeting's minutes are approved."""
    if is_locked(session, meeting):
        raise RecordLocked(str(LOCKED_MESSAGE))


def save_minutes(
    session: Session, meeting: Meeting, text: str, base_number: int, user: User
) -> MinutesRevision | None:
    """Save text as the next revision; MinutesConflict if someone saved after base_number.

    Returns None when the text did not change. An admin's edit of approved minutes is flagged
    on the revision and written to the audit trail.
    """
    approval = session.get(MinutesApproval, meeting.id)
    if approval is not None:
        raise MinutesLocked(str(LOCKED_MESSAGE))
    if not can_edit_minutes(False, user):
        raise Refused(_("Only editors can change the minutes."))
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


def advance_meeting(
    session: Session, meeting: Meeting, step: str, user: User, two_person: bool = False
) -> str:
    """Take one lifecycle step; Refused with the reason when it is not possible now.

    "Held" needs the meeting to have started; "minutes approved" needs it held. With two_person,
    whoever wrote the latest minutes revision cannot approve them alone.
    """
    approval = session.get(MinutesApproval, meeting.id)
    if step == "hold" and approval is None and not has_started(meeting):
        raise Refused(
            _(
                "This meeting has not started yet, so it cannot be marked as held. "
                "Mark it held once it has taken place."
            )
        )
    if step == "approve" and approval is None and meeting.status != MeetingStatus.HELD:
        raise Refused(
            _("Minutes can be approved only once the meeting is held. Mark it held first.")
        )
    if step not in dict(available_steps(meeting, approval)):
        state = _("minutes approved") if approval else str(label(meeting.status)).lower()
        raise Refused(
            _(
                "This meeting is %(state)s, so “%(step)s” is not possible now. "
                "Meetings go from planned to confirmed, then held, then minutes approved.",
                state=state,
                step=str(STEPS.get(step, step)),
            )
        )
    if step == "confirm":
        meeting.status = MeetingStatus.CONFIRMED
        return _("The meeting is confirmed.")
    if step == "hold":
        meeting.status = MeetingStatus.HELD
        return _("The meeting is marked as held. Log its outcomes and minutes.")
    latest = latest_revision(session, meeting)
    number = latest.number if latest else 0
    if not meeting.minutes.strip():
        raise Refused(_("Write the minutes before approving them."))
    if two_person and latest is not None and latest.author_id == user.id:
        raise Refused(
            _("You wrote the latest revision of these minutes. A second person must approve them.")
        )
    session.add(
        MinutesApproval(meeting_id=meeting.id, approved_by_id=user.id, revision_number=number)
    )
    session.flush()
    return _("The minutes are approved and now locked.")


def reopen_minutes(session: Session, meeting: Meeting, user: User, reason: str) -> None:
    """Withdraw the approval so the record can be edited again; the reason goes to the audit."""
    approval = session.get(MinutesApproval, meeting.id)
    if approval is None:
        raise Refused(_("These minutes are not approved, so there is nothing to reopen."))
    if not reason.strip():
        raise Refused(_("Give a reason for reopening the approved minutes."))
    session.delete(approval)
    session.add(
        AuditEvent(
            user_id=user.id,
            action="reopen",
            entity="meeting",
            entity_id=meeting.id,
            summary=f"Approved minutes reopened: {reason.strip()}"[:500],
            changes={"minutes_approved": ["yes", "no"], "reason": ["", reason.strip()]},
        )
    )
    session.flush()


def add_outcome(
    session: Session, item: AgendaItem, kind: OutcomeKind, text: str, user: User | None
) -> Outcome:
    """Record information or a decision under an agenda topic."""
    ensure_unlocked(session, item.meeting)
    if kind == OutcomeKind.ACTION:
        raise Refused(_("Actions are recorded as action items, with an owner and a due date."))
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
    ensure_unlocked(session, meeting)
    owner_id = values["owner_organisation_id"]
    if owner_id not in participating_ids(meeting):
        raise Refused(_("The owner organisation does not take part in this meeting."))
    person_id = values.get("owner_person_id")
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.organisation_id != owner_id:
            raise Refused(_("The owner person does not belong to the owner organisation."))
    item_id = values.get("agenda_item_id")
    if item_id is not None and item_id not in {i.id for i in meeting.agenda_items}:
        raise Refused(_("That agenda topic is not on this meeting's agenda."))
    action = ActionItem(
        meeting_id=meeting.id, created_by_id=user.id if user else None, **dict(values)
    )
    session.add(action)
    session.flush()
    return action


def close_action(action: ActionItem, status: ActionStatus, user: User | None) -> None:
    """Mark an open action as done or dropped."""
    if not action.is_open:
        if action.status == ActionStatus.DONE:
            raise Refused(_("This action is already done."))
        raise Refused(_("This action is already dropped."))
    if status == ActionStatus.OPEN:
        raise Refused(_("Choose done or dropped to close an action."))
    action.status = status
    action.closed_at = utcnow()
    action.closed_by_id = user.id if user else None


def update_notes(item: AgendaItem, notes: str, version: int | None = None) -> bool:
    """Change an agenda topic's notes; whether they changed. Raises Conflict when someone
    saved them after the version the user started from, RecordLocked once approved."""
    session = Session.object_session(item)
    if session is not None:
        ensure_unlocked(session, item.meeting)
    check_version(item, version)
    if item.notes == notes:
        return False
    item.notes = notes
    return True


def record_attendance(
    session: Session,
    meeting: Meeting,
    states: Mapping[int, Attendance],
    person_ids: Iterable[int],
    version: int | None = None,
) -> None:
    """Set each organisation's attendance and exactly which of their people attended.

    Attendance is part of the meeting: a change touches it (its version goes up), and a save
    started from an older version of the meeting raises Conflict; RecordLocked once approved.
    """
    ensure_unlocked(session, meeting)
    check_version(meeting, version)
    changed = False
    participations = {p.organisation_id: p for p in meeting.participations}
    for organisation_id, state in states.items():
        if organisation_id not in participations:
            raise Refused(_("That organisation does not take part in this meeting."))
        if participations[organisation_id].attendance != state:
            participations[organisation_id].attendance = state
            changed = True
    wanted = set(person_ids)
    people = session.scalars(select(Person).where(Person.id.in_(wanted))).all()
    if len(people) != len(wanted) or any(p.organisation_id not in participations for p in people):
        raise Refused(_("Only people of the organisations taking part can be marked as present."))
    existing = {
        row.person_id: row
        for row in session.scalars(
            select(PersonAttendance).where(PersonAttendance.meeting_id == meeting.id)
        )
    }
    for person_id, row in existing.items():
        if person_id not in wanted:
            session.delete(row)
            changed = True
    for person_id in wanted - set(existing):
        session.add(PersonAttendance(meeting_id=meeting.id, person_id=person_id))
        changed = True
    if changed:
        touch(meeting)
    session.flush()


def carry_agenda_item(
    session: Session, item: AgendaItem, *, move: bool
) -> tuple[Meeting, AgendaItem]:
    """Copy or move an agenda topic, with its open actions, to the next meeting of the series."""
    meeting = item.meeting
    locked = is_locked(session, meeting)
    if locked and move:
        raise RecordLocked(
            _(
                "The minutes of this meeting are approved, so its agenda is locked: the topic "
                "cannot be moved away. Copy it to the next meeting instead."
            )
        )
    target_meeting = next_meeting(session, meeting)
    if target_meeting is None:
        if move:
            raise Refused(
                _(
                    "There is no later meeting in %(series)s to move this topic to. "
                    "Plan the next meeting first.",
                    series=meeting.series.name,
                )
            )
        raise Refused(
            _(
                "There is no later meeting in %(series)s to copy this topic to. "
                "Plan the next meeting first.",
                series=meeting.series.name,
            )
        )
    actions = list(session.scalars(select(ActionItem).where(ActionItem.agenda_item_id == item.id)))
    if move:
        outcomes = session.scalar(
            select(func.count()).select_from(Outcome).where(Outcome.agenda_item_id == item.id)
        )
        if item.notes.strip() or outcomes or any(not a.is_open for a in actions):
            raise Refused(
                _(
                    "This topic already has notes or outcomes at this meeting, so it cannot be "
                    "moved away. Copy it to the next meeting instead."
                )
            )
    target = session.scalars(
        select(AgendaItem).where(
            AgendaItem.meeting_id == target_meeting.id, AgendaItem.topic_id == item.topic_id
        )
    ).first()
    ensure_unlocked(session, target_meeting)
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
        # An approved meeting keeps its list of actions as decided; the next meeting still
        # lists them as open actions from earlier meetings.
        if action.is_open and not locked:
            action.agenda_item_id = target.id
    if move:
        session.flush()
        meeting.agenda_items.remove(item)
    session.flush()
    return target_meeting, target
