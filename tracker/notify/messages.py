"""What each kind of message says: subject and body for one recipient."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from tracker.i18n import _, _n, _p
from tracker.markdown import render_markdown
from tracker.models import ActionItem, Deliverable, Meeting
from tracker.models.enums import label
from tracker.notify.compose import Body, Section, absolute_url, local_time
from tracker.notify.recipients import Recipient
from tracker.timefmt import human_date, human_datetime


def meeting_facts(meeting: Meeting, recipient: Recipient) -> list[tuple[str, str]]:
    """When and where, in the recipient's zone and, if different, the meeting's own."""
    facts = [(_("When"), local_time(meeting.starts_at, recipient.timezone))]
    if recipient.timezone != meeting.timezone:
        facts.append((_("Local time there"), human_datetime(meeting.starts_at, meeting.timezone)))
    minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    duration = _("%(hours)d h %(minutes)02d min", hours=minutes // 60, minutes=minutes % 60)
    facts.append((_("Duration"), duration))
    if meeting.location:
        facts.append((_("Where"), meeting.location))
    if meeting.online_url:
        facts.append((_("Online"), meeting.online_url))
    facts.append((_("Status"), label(meeting.status)))
    return facts


def agenda_section(meeting: Meeting) -> list[Section]:
    """The agenda as a section, if the meeting has one."""
    titles = [item.topic.title for item in meeting.agenda_items]
    return [Section(_("Agenda"), titles)] if titles else []


def meeting_link(meeting: Meeting) -> str:
    """The meeting's page."""
    return absolute_url("meetings.detail", meeting_id=meeting.id)


def invitation(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """You are invited: the confirmed meeting, with its calendar file attached."""
    when = local_time(meeting.starts_at, recipient.timezone)
    subject = _("Invitation: %(title)s, %(when)s", title=meeting.title, when=when)
    body = Body(
        heading=_("You are invited: %(title)s", title=meeting.title),
        intro=_(
            "Meeting #%(number)s of %(series)s is confirmed. The attached calendar file adds "
            "it to your calendar and keeps it up to date.",
            number=meeting.number,
            series=meeting.series.name,
        ),
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label=_("Open the meeting page"),
        link_url=meeting_link(meeting),
    )
    return subject, body


def changed_details() -> dict[str, str]:
    """The names of a meeting's changed details in the current language."""
    return {
        "time": _p("changed meeting detail", "time"),
        "place": _p("changed meeting detail", "place"),
        "status": _p("changed meeting detail", "status"),
    }


def change_notice(
    meeting: Meeting, recipient: Recipient, changed: Sequence[str]
) -> tuple[str, Body]:
    """The meeting's time, place or status changed; the new details."""
    when = local_time(meeting.starts_at, recipient.timezone)
    subject = _("Changed: %(title)s, now %(when)s", title=meeting.title, when=when)
    details = ", ".join(str(changed_details().get(name, name)) for name in changed)
    body = Body(
        heading=_("Changed: %(title)s", title=meeting.title),
        intro=_(
            "The %(details)s of this meeting changed. The attached calendar file updates the "
            "event in your calendar.",
            details=details or _("details"),
        ),
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label=_("Open the meeting page"),
        link_url=meeting_link(meeting),
    )
    return subject, body


def cancellation(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The meeting is cancelled."""
    when = local_time(meeting.starts_at, recipient.timezone)
    subject = _("Cancelled: %(title)s, %(when)s", title=meeting.title, when=when)
    body = Body(
        heading=_("Cancelled: %(title)s", title=meeting.title),
        intro=_(
            "This meeting is cancelled. The attached calendar file marks the event as "
            "cancelled in your calendar."
        ),
        facts=meeting_facts(meeting, recipient),
        link_label=_("Open the meeting page"),
        link_url=meeting_link(meeting),
    )
    return subject, body


def reminder(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The meeting starts soon."""
    when = local_time(meeting.starts_at, recipient.timezone)
    body = Body(
        heading=_("Reminder: %(title)s", title=meeting.title),
        intro=_("This meeting starts %(when)s.", when=when),
        facts=meeting_facts(meeting, recipient),
        sections=agenda_section(meeting),
        link_label=_("Open the meeting page"),
        link_url=meeting_link(meeting),
    )
    return _("Reminder: %(title)s, %(when)s", title=meeting.title, when=when), body


def minutes_ready(meeting: Meeting, recipient: Recipient) -> tuple[str, Body]:
    """The minutes of a held meeting wait for approval."""
    body = Body(
        heading=_("Minutes ready for approval: %(title)s", title=meeting.title),
        intro=_(
            "The minutes of meeting #%(number)s of %(series)s, held %(when)s, are written and "
            "wait for your approval.",
            number=meeting.number,
            series=meeting.series.name,
            when=local_time(meeting.starts_at, recipient.timezone),
        ),
        link_label=_("Review and approve the minutes"),
        link_url=absolute_url("outcomes.meeting", meeting_id=meeting.id),
    )
    return _("Minutes ready for approval: %(title)s", title=meeting.title), body


def minutes_approved(meeting: Meeting, recipient: Recipient, report: str) -> tuple[str, Body]:
    """The minutes are approved; the report follows."""
    body = Body(
        heading=_("Minutes approved: %(title)s", title=meeting.title),
        intro=_(
            "The minutes of meeting #%(number)s of %(series)s, held %(when)s, are approved. "
            "The report follows.",
            number=meeting.number,
            series=meeting.series.name,
            when=local_time(meeting.starts_at, recipient.timezone),
        ),
        sections=[Section(_("Report"), text=report, html=render_markdown(report))],
        link_label=_("Open the meeting page"),
        link_url=meeting_link(meeting),
    )
    return _("Minutes approved: %(title)s", title=meeting.title), body


def action_facts(action: ActionItem) -> list[tuple[str, str]]:
    """Owner, due date and the meeting that agreed the action."""
    return [
        (_("Owner"), action.owner_text),
        (_("Due"), human_date(action.due_date)),
        (_("Agreed at"), f"{action.meeting.title} (#{action.meeting.number})"),
    ]


def action_assigned(action: ActionItem, recipient: Recipient) -> tuple[str, Body]:
    """An action item is now yours or your organisation's."""
    body = Body(
        heading=_("An action item is assigned to you"),
        intro=_(
            "“%(action)s” is assigned to %(owner)s.", action=action.text, owner=action.owner_text
        ),
        facts=action_facts(action),
        link_label=_("See the meeting's actions"),
        link_url=meeting_link(action.meeting),
    )
    return _("Action assigned: %(action)s", action=action.text[:80]), body


def action_due(action: ActionItem, recipient: Recipient, today: date) -> tuple[str, Body]:
    """An action item comes due soon, or is overdue."""
    days = (action.due_date - today).days
    text, short = action.text, action.text[:80]
    if days == 0:
        heading = _("An action item is due soon")
        intro = _("“%(action)s” is due today.", action=text)
        subject = _("Due today: %(action)s", action=short)
    elif days > 0:
        heading = _("An action item is due soon")
        intro = _n(
            "“%(action)s” is due in %(num)d day.",
            "“%(action)s” is due in %(num)d days.",
            days,
            action=text,
        )
        subject = _n(
            "Due in %(num)d day: %(action)s", "Due in %(num)d days: %(action)s", days, action=short
        )
    else:
        heading = _("An action item is overdue")
        intro = _n(
            "“%(action)s” was due %(num)d day ago.",
            "“%(action)s” was due %(num)d days ago.",
            -days,
            action=text,
        )
        subject = _("Overdue: %(action)s", action=short)
    body = Body(
        heading=heading,
        intro=" ".join((intro, _("Mark it done or agree a new date at the next meeting."))),
        facts=action_facts(action),
        link_label=_("See the meeting's actions"),
        link_url=meeting_link(action.meeting),
    )
    return subject, body


def state_text(value: StrEnum | str) -> str:
    """A status (or health) as the recipient reads it: an enum's label, else the text given."""
    return str(label(value)) if isinstance(value, StrEnum) else value


def deliverable_status(
    deliverable: Deliverable, recipient: Recipient, old: StrEnum | str, new: StrEnum | str
) -> tuple[str, Body]:
    """A deliverable moved to another status (or, later, another health)."""
    old_text, new_text = state_text(old), state_text(new)
    title = deliverable.title
    body = Body(
        heading=_("%(title)s: %(status)s", title=title, status=new_text),
        intro=_(
            "The deliverable “%(title)s” moved from %(old)s to %(new)s.",
            title=title,
            old=old_text,
            new=new_text,
        ),
        facts=[
            (_("Lead"), deliverable.lead_organisation.name),
            (
                _("Due"),
                human_date(deliverable.due_date) if deliverable.due_date else _("not set"),
            ),
            (_("Progress"), f"{deliverable.progress}%"),
        ],
        link_label=_("Open the deliverable"),
        link_url=absolute_url("deliverables.detail", deliverable_id=deliverable.id),
    )
    return _("%(title)s: %(old)s → %(new)s", title=title, old=old_text, new=new_text), body
