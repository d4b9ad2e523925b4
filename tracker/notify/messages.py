"""What each kind of message says: subject and body for one recipient."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.markdown import render_markdown
from tracker.models import ActionItem, Deliverable, Meeting
from tracker.models.enums import label
from tracker.notify.compose import Body, Section, absolute_url, local_time
from tracker.notify.recipients import Recipient
from tracker.timefmt import human_date, human_datetime


def meeting_facts(meeting: Meeting, recipient: Recipient) -> list[tuple[str, str]]:
    """When and where, in the recipient's zone and, if different, the meeting's own."""
    facts = [("When", local_time(meeting.starts_at, recipient.timezone))]
    if recipient.timezone != meeting.timezone:
        facts.append(("Local time there", human_datetime(meeting.starts_at, meeting.timezone)))
    minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    facts.append(("Duration", f"{minutes // 60} h {minutes % 60:02d} min"))
    if meeting.location:
        facts.append(("Where", meeting.location))
    if meeting.online_url:
        facts.append(("Online", meeting.online_url))
    facts.append(("Status", label(meeting.status)))
    return facts


def agenda_section(meeting: Meeting) -> list[Section]:
    """The agenda as a section, if the meeting has one."""
    titles = [item.topic.title for item in meeting.agenda_items]
    return [Section("Agenda", titles)] if titles else []


def meeting_link(meeting: Meeting) -> str:
    """The meeting's page."""
    return absolute_url("meetings.detail", meeting_id=meeting.id)


def invitation(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """You are invited: the confirmed meeting, with its calendar file attached."""
    subject = f"Invitation: {meeting.title}, {local_time(meeting.starts_at, recipient.timezone)}"
    body = Body(
        heading=f"You are invited: {meeting.title}",
        intro=(
            f"Meeting #{meeting.number} of {meeting.series.name} is confirmed. "
            "The attached calendar file adds it to your calendar and keeps it up to date."
        ),
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label="Open the meeting page",
        link_url=meeting_link(meeting),
    )
    return subject, body


def change_notice(
    meeting: Meeting, recipient: Recipient, changed: Sequence[str]
) -> tuple[str, Body]:
    """The meeting's time, place or status changed; the new details."""
    subject = f"Changed: {meeting.title}, now {local_time(meeting.starts_at, recipient.timezone)}"
    body = Body(
        heading=f"Changed: {meeting.title}",
        intro=(
            f"The {', '.join(changed) or 'details'} of this meeting changed. "
            "The attached calendar file updates the event in your calendar."
        ),
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label="Open the meeting page",
        link_url=meeting_link(meeting),
    )
    return subject, body


def cancellation(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The meeting is cancelled."""
    subject = f"Cancelled: {meeting.title}, {local_time(meeting.starts_at, recipient.timezone)}"
    body = Body(
        heading=f"Cancelled: {meeting.title}",
        intro=(
            "This meeting is cancelled. The attached calendar file marks the event as "
            "cancelled in your calendar."
        ),
        facts=meeting_facts(meeting, recipient),
        link_label="Open the meeting page",
        link_url=meeting_link(meeting),
    )
    return subject, body


def reminder(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The meeting starts soon."""
    when = local_time(meeting.starts_at, recipient.timezone)
    body = Body(
        heading=f"Reminder: {meeting.title}",
        intro=f"This meeting starts {when}.",
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label="Open the meeting page",
        link_url=meeting_link(meeting),
    )
    return f"Reminder: {meeting.title}, {when}", body


def minutes_ready(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The minutes of a held meeting wait for approval."""
    body = Body(
        heading=f"Minutes ready for approval: {meeting.title}",
        intro=(
            f"The minutes of meeting #{meeting.number} of {meeting.series.name}, held "
            f"{local_time(meeting.starts_at, recipient.timezone)}, are written and wait for "
            "your approval."
        ),
        link_label="Review and approve the minutes",
        link_url=absolute_url("outcomes.meeting", meeting_id=meeting.id),
    )
    return f"Minutes ready for approval: {meeting.title}", body


def minutes_approved(meeting: Meeting, recipient: Recipient, report: str) -> tuple[str, Body]:
    """The minutes are approved; the report follows."""
    body = Body(
        heading=f"Minutes approved: {meeting.title}",
        intro=(
            f"The minutes of meeting #{meeting.number} of {meeting.series.name}, held "
            f"{local_time(meeting.starts_at, recipient.timezone)}, are approved. "
            "The report follows."
        ),
        sections=[Section("Report", text=report, html=render_markdown(report))],
        link_label="Open the meeting page",
        link_url=meeting_link(meeting),
    )
    return f"Minutes approved: {meeting.title}", body


def action_facts(action: ActionItem) -> list[tuple[str, str]]:
    """Owner, due date and the meeting that agreed the action."""
    return [
        ("Owner", action.owner_text),
        ("Due", human_date(action.due_date)),
        ("Agreed at", f"{action.meeting.title} (#{action.meeting.number})"),
    ]


def action_assigned(action: ActionItem, recipient: Recipient) -> tuple[str, Body]:
    """An action item is now yours or your organisation's."""
    body = Body(
        heading="An action item is assigned to you",
        intro=f"“{action.text}” is assigned to {action.owner_text}.",
        facts=action_facts(action),
        link_label="See the meeting's actions",
        link_url=meeting_link(action.meeting),
    )
    return f"Action assigned: {action.text[:80]}", body


def action_due(action: ActionItem, recipient: Recipient, today: date) -> tuple[str, Body]:
    """An action item comes due soon, or is overdue."""
    days = (action.due_date - today).days
    if days >= 0:
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        heading, intro = "An action item is due soon", f"“{action.text}” is due {when}."
        subject = f"Due {when}: {action.text[:80]}"
    else:
        late = -days
        heading = "An action item is overdue"
        intro = f"“{action.text}” was due {late} day{'s' if late != 1 else ''} ago."
        subject = f"Overdue: {action.text[:80]}"
    body = Body(
        heading=heading,
        intro=intro + " Mark it done or agree a new date at the next meeting.",
        facts=action_facts(action),
        link_label="See the meeting's actions",
        link_url=meeting_link(action.meeting),
    )
    return subject, body


def deliverable_status(
    deliverable: Deliverable, recipient: Recipient, old: str, new: str
) -> tuple[str, Body]:
    """A deliverable moved to another status (or, later, another health)."""
    body = Body(
        heading=f"{deliverable.title}: {new}",
        intro=f"The deliverable “{deliverable.title}” moved from {old} to {new}.",
        facts=[
            ("Lead", deliverable.lead_organisation.name),
            ("Due", human_date(deliverable.due_date) if deliverable.due_date else "not set"),
            ("Progress", f"{deliverable.progress}%"),
        ],
        link_label="Open the deliverable",
        link_url=absolute_url("deliverables.detail", deliverable_id=deliverable.id),
    )
    return f"{deliverable.title}: {old} → {new}", body
