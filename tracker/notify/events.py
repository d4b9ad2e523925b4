"""What a write sets off for e-mail: outbox rows, written in the same transaction as the write.

Two plain functions taking the session: note_changes runs after each flush (while the
attributes' old values are still known) and queue_notifications after the flush has finished
(when new rows have their keys and relationships, and a meeting its new SEQUENCE). The place
that runs what a write sets off calls them in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from tracker.calendar.export import STATUS_CANCELLED, CalendarInfo, MeetingEvent, serialize
from tracker.calendar.operations import feed_wording, meeting_events, meeting_summary
from tracker.models import (
    ActionItem,
    Deliverable,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    MinutesRevision,
    Participation,
    Person,
    utcnow,
)
from tracker.notify import messages
from tracker.notify.compose import absolute_url, organiser_address, queue
from tracker.notify.recipients import Recipient, approvers, organisation_people, people_recipients

# Fields whose change makes a change notice, named as the notice names them.
NOTICE_FIELDS = {
    "starts_at": "time",
    "ends_at": "time",
    "timezone": "time",
    "location": "place",
    "online_url": "place",
    "status": "status",
}
ANNOUNCED = (MeetingStatus.CONFIRMED, MeetingStatus.POSTPONED)


def old_and_new(obj: object, key: str) -> tuple[bool, Any, Any]:
    """(changed?, old value or None if unknown, new value) of an attribute in this flush."""
    history = inspect(obj).attrs[key].history
    if not history.added:
        return False, None, getattr(obj, key)
    old = history.deleted[0] if history.deleted else None
    new = history.added[0]
    return old != new, old, new


def meeting_ics(session: Session, meeting: Meeting) -> bytes:
    """The meeting's calendar file: METHOD:PUBLISH, the feeds' UID and current SEQUENCE."""
    events = meeting_events(
        session,
        datetime.min.replace(tzinfo=meeting.starts_at.tzinfo),
        lambda meeting_id: absolute_url("meetings.detail", meeting_id=meeting_id),
        meeting_id=meeting.id,
    )
    info = CalendarInfo(meeting.title, f"{meeting.series.name} #{meeting.number}")
    return serialize(info, meetings=events)


def deleted_meeting_ics(meeting: Meeting) -> bytes:
    """A cancelled event for a meeting taken out of the feeds (deleted), one SEQUENCE higher."""
    event = MeetingEvent(
        uid=meeting.uid,
        summary=meeting_summary(MeetingStatus.CANCELLED, meeting.title),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        status=STATUS_CANCELLED,
        sequence=(meeting.sequence or 0) + 1,
        created=meeting.created_at,
        last_modified=utcnow(),
        url=absolute_url("meetings.detail", meeting_id=meeting.id),
        location=meeting.location,
        wording=feed_wording(),
    )
    info = CalendarInfo(meeting.title, f"{meeting.series.name} #{meeting.number}")
    return serialize(info, meetings=[event])


def queue_cancellation(session: Session, meeting: Meeting, ics: Callable[[], bytes]) -> None:
    """The cancellation with a cancelled event, once per meeting and recipient."""
    queue(
        session,
        "meeting_change",
        f"meeting_cancelled:{meeting.id}",
        meeting_recipients(session, meeting),
        lambda r: messages.cancellation(meeting, r),
        ics,
        organiser_address(session, meeting),
    )


def meeting_recipients(session: Session, meeting: Meeting) -> list[Recipient]:
    """The representatives of the organisations taking part in the meeting."""
    return organisation_people(session, (p.organisation_id for p in meeting.participations))


def queue_meeting_messages(session: Session, meeting: Meeting, change: Change) -> None:
    """Invitation, change notice or cancellation for one created or changed meeting."""
    if meeting.deleted_at is not None:
        if change.changed("deleted_at") and meeting.status in ANNOUNCED:
            queue_cancellation(session, meeting, lambda: deleted_meeting_ics(meeting))
        return
    status = meeting.status
    status_changed = change.changed("status")
    old_status = change.changes["status"][0] if status_changed else None
    if change.is_new:
        if status == MeetingStatus.CONFIRMED:
            queue_invitation(session, meeting)
        return
    if status_changed and status == MeetingStatus.CANCELLED:
        queue_cancellation(session, meeting, lambda: meeting_ics(session, meeting))
        return
    if (
        status_changed
        and status == MeetingStatus.CONFIRMED
        and old_status != MeetingStatus.POSTPONED
    ):
        queue_invitation(session, meeting)  # once per meeting and person: see the key
        return
    changed = sorted({NOTICE_FIELDS[key] for key in change.changes if key in NOTICE_FIELDS})
    if changed and status in ANNOUNCED:
        recipients = meeting_recipients(session, meeting)
        queue(
            session,
            "meeting_change",
            f"meeting_change:{meeting.id}:v{meeting.version}",
            recipients,
            lambda r: messages.change_notice(meeting, r, changed),
            lambda: meeting_ics(session, meeting),
            organiser_address(session, meeting),
        )


def queue_invitation(session: Session, meeting: Meeting) -> None:
    """The invitation with the calendar file, once per meeting and recipient."""
    queue(
        session,
        "meeting_invitation",
        f"meeting_invitation:{meeting.id}",
        meeting_recipients(session, meeting),
        lambda r: messages.invitation(meeting, r),
        lambda: meeting_ics(session, meeting),
        organiser_address(session, meeting),
    )


def queue_minutes_ready(session: Session, meeting: Meeting) -> None:
    """Tell approvers that a held meeting's minutes wait for them (once per meeting)."""
    if meeting.status != MeetingStatus.HELD or not meeting.minutes.strip():
        return
    if session.get(MinutesApproval, meeting.id) is not None:
        return
    queue(
        session,
        "minutes_ready",
        f"minutes_ready:{meeting.id}",
        approvers(session, meeting.timezone),
        lambda r: messages.minutes_ready(meeting, r),
        reply_to=organiser_address(session, meeting),
    )


def queue_minutes_approved(session: Session, approval: MinutesApproval) -> None:
    """Send the approved report to the participants."""
    from tracker.outcomes.queries import meeting_outcomes
    from tracker.outcomes.report import report_markdown

    meeting = session.get(Meeting, approval.meeting_id)
    if meeting is None:
        return
    report = report_markdown(meeting_outcomes(session, meeting))
    queue(
        session,
        "minutes_approved",
        f"minutes_approved:{meeting.id}",
        meeting_recipients(session, meeting),
        lambda r: messages.minutes_approved(meeting, r, report),
        reply_to=organiser_address(session, meeting),
    )


def action_recipients(session: Session, action: ActionItem) -> list[Recipient]:
    """The owning person if they have an address, else the owning organisation's people."""
    person = session.get(Person, action.owner_person_id) if action.owner_person_id else None
    if person is not None and person.email:
        return people_recipients(session, [person])
    return organisation_people(session, [action.owner_organisation_id])


def queue_action_assigned(session: Session, action: ActionItem) -> None:
    """Tell the new owner of an action item."""
    queue(
        session,
        "action_assigned",
        f"action_assigned:{action.id}:{action.owner_organisation_id}:{action.owner_person_id}",
        action_recipients(session, action),
        lambda r: messages.action_assigned(action, r),
        reply_to=organiser_address(session, session.get(Meeting, action.meeting_id)),
    )


def queue_deliverable_change(
    session: Session, deliverable: Deliverable, what: str, old: StrEnum | str, new: StrEnum | str
) -> None:
    """Tell the lead organisation's people that a deliverable's status (or health) changed.

    Health (on track / at risk / off track) comes with the progress issue: call this with
    what="health" when a deliverable's health becomes at risk or off track. Enum members are
    labelled in each recipient's language; plain strings are shown as given.
    """
    new_key = new.value if isinstance(new, StrEnum) else new
    queue(
        session,
        "deliverable_change",
        f"deliverable_{what}:{deliverable.id}:v{deliverable.version}:{new_key}",
        organisation_people(session, [deliverable.lead_organisation_id]),
        lambda r: messages.deliverable_status(deliverable, r, old, new),
    )


WATCHED: dict[type, tuple[str, ...]] = {
    Meeting: (*NOTICE_FIELDS, "deleted_at"),
    MinutesRevision: (),
    MinutesApproval: (),
    Participation: (),
    ActionItem: ("owner_organisation_id", "owner_person_id"),
    Deliverable: ("status",),
}
PENDING = "notify_pending_changes"


@dataclass
class Change:
    """A created or changed row and the watched attributes that changed: key -> (old, new)."""

    obj: Any
    is_new: bool
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def changed(self, key: str) -> bool:
        """Whether key changed in the flush."""
        return key in self.changes


def note_changes(session: Session) -> None:
    """After a flush: remember the rows that may call for messages, with their old values.

    Relationships of rows created in this flush cannot be loaded yet, so the messages are
    written by queue_notifications once the flush has made them persistent.
    """
    found = []
    new_rows = session.new  # a new set on every access: read once, not per row
    for obj in (*new_rows, *session.dirty):
        keys = WATCHED.get(type(obj))
        if keys is None:
            continue
        is_new = obj in new_rows
        change = Change(obj, is_new)
        for key in keys:
            changed, old, new = old_and_new(obj, key)
            if changed:
                change.changes[key] = (old, new)
        if is_new or change.changes:
            found.append(change)
    session.info[PENDING] = found


def queue_notifications(session: Session) -> None:
    """After the flush has finished: queue the messages the noted changes call for."""
    changes: list[Change] = session.info.pop(PENDING, [])
    if not changes or not has_app_context() or not current_app.config.get("NOTIFY_ENABLED", True):
        return
    for change in changes:
        obj = change.obj
        if isinstance(obj, Meeting):
            queue_meeting_messages(session, obj, change)
            if not change.is_new and change.changed("status"):
                queue_minutes_ready(session, obj)
        elif isinstance(obj, Participation) and change.is_new:
            meeting = session.get(Meeting, obj.meeting_id)
            confirmed = meeting is not None and meeting.status == MeetingStatus.CONFIRMED
            if meeting is not None and confirmed and meeting.deleted_at is None:
                queue_invitation(session, meeting)  # only people not invited yet get one
        elif isinstance(obj, MinutesRevision) and change.is_new:
            meeting = session.get(Meeting, obj.meeting_id)
            if meeting is not None:
                queue_minutes_ready(session, meeting)
        elif isinstance(obj, MinutesApproval) and change.is_new:
            queue_minutes_approved(session, obj)
        elif isinstance(obj, ActionItem):
            owner_changed = change.changed("owner_organisation_id") or change.changed(
                "owner_person_id"
            )
            if obj.is_open and (change.is_new or owner_changed):
                queue_action_assigned(session, obj)
        elif isinstance(obj, Deliverable) and change.changed("status"):
            old, status = change.changes["status"]
            if old is not None and old != status:
                queue_deliverable_change(session, obj, "status", old, status)
