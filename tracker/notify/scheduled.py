"""Messages due by the clock: reminders, due-soon and overdue actions, the weekly digest.

`flask notify send` calls queue_scheduled before it sends. Every message has a key naming its
cause and recipient (the meeting and its start, the action and its due date and overdue week,
the ISO week of a digest), and the outbox keeps each key once: running it twice queues nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tracker.calendar.operations import status_word
from tracker.i18n import _
from tracker.models import (
    ActionItem,
    ActionStatus,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Person,
    User,
)
from tracker.notify import messages
from tracker.notify.compose import (
    Body,
    Section,
    absolute_url,
    local_time,
    organiser_address,
    queue,
)
from tracker.notify.events import action_recipients, meeting_recipients
from tracker.notify.recipients import Recipient, people_recipients
from tracker.timefmt import human_date


def queue_reminders(session: Session, now: datetime, hours: int) -> int:
    """A reminder for each confirmed meeting starting within the next hours."""
    meetings = session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.status == MeetingStatus.CONFIRMED,
            Meeting.starts_at > now,
            Meeting.starts_at <= now + timedelta(hours=hours),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    count = 0
    for meeting in meetings:
        count += queue(
            session,
            "meeting_reminder",
            f"meeting_reminder:{meeting.id}:{meeting.starts_at:%Y%m%dT%H%M}",
            meeting_recipients(session, meeting),
            lambda r, meeting=meeting: messages.reminder(meeting, r),  # type: ignore[misc]
            reply_to=organiser_address(session, meeting),
        )
    return count


def queue_action_nudges(session: Session, today: date, soon_days: int) -> int:
    """Due soon once; overdue on the first day, then once a week while it stays open."""
    actions = session.scalars(
        sa.select(ActionItem)
        .where(
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.due_date <= today + timedelta(days=soon_days),
        )
        .order_by(ActionItem.due_date, ActionItem.id)
    ).all()
    count = 0
    for action in actions:
        if action.due_date >= today:
            key = f"action_due:{action.id}:{action.due_date}"
        else:
            weeks = ((today - action.due_date).days - 1) // 7
            key = f"action_overdue:{action.id}:{action.due_date}:w{weeks}"
        count += queue(
            session,
            "action_due",
            key,
            action_recipients(session, action),
            lambda r, action=action: messages.action_due(action, r, today),  # type: ignore[misc]
            reply_to=organiser_address(session, session.get(Meeting, action.meeting_id)),
        )
    return count


def digest_recipients(session: Session, fallback_zone: str) -> list[Recipient]:
    """Everyone with an address: people, and users without a person."""
    people = session.scalars(
        sa.select(Person)
        .where(Person.email.is_not(None))
        .options(selectinload(Person.organisation))
    ).all()
    found = {r.email.lower(): r for r in people_recipients(session, people)}
    for user in session.scalars(sa.select(User).where(User.active.is_(True))):
        found.setdefault(
            user.email.lower(),
            Recipient(
                user.email,
                user.name or user.email,
                user.timezone or fallback_zone,
                user.language,
            ),
        )
    return sorted(found.values(), key=lambda r: r.email)


def digest_body(session: Session, now: datetime, recipient: Recipient) -> Body:
    """Since the last meeting: what happened, open actions, deliverables at risk, next meeting."""
    last = session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.starts_at <= now,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    ).first()
    since = last.starts_at if last else now - timedelta(days=7)
    upcoming = session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.deleted_at.is_(None),
            Meeting.starts_at > now,
            Meeting.status.in_([MeetingStatus.PLANNED, MeetingStatus.CONFIRMED]),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    ).first()
    new_actions = session.scalars(
        sa.select(ActionItem).where(ActionItem.created_at >= since).order_by(ActionItem.id)
    ).all()
    closed = session.scalars(
        sa.select(ActionItem).where(ActionItem.closed_at >= since).order_by(ActionItem.id)
    ).all()
    open_actions = session.scalars(
        sa.select(ActionItem)
        .where(ActionItem.status == ActionStatus.OPEN)
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(30)
    ).all()
    # "At risk" until deliverable health exists: overdue and not done.
    at_risk = session.scalars(
        sa.select(Deliverable)
        .where(
            Deliverable.deleted_at.is_(None),
            Deliverable.due_date < now.date(),
            Deliverable.status.not_in([DeliverableStatus.PUBLISHED, DeliverableStatus.DROPPED]),
        )
        .order_by(Deliverable.due_date, Deliverable.id)
    ).all()
    none = [_("None.")]
    today = now.date()
    sections = []
    if last is not None:
        sections.append(
            Section(
                _("Last meeting"),
                [
                    _(
                        "%(title)s, %(when)s (%(status)s)",
                        title=last.title,
                        when=local_time(last.starts_at, recipient.timezone),
                        status=status_word(last.status),
                    )
                ],
            )
        )
    sections.append(
        Section(
            _("New action items"),
            [
                _(
                    "%(action)s (%(owner)s, due %(due)s)",
                    action=a.text,
                    owner=a.owner_text,
                    due=human_date(a.due_date),
                )
                for a in new_actions
            ]
            or none,
        )
    )
    sections.append(
        Section(
            _("Closed action items"),
            [
                _("%(action)s (%(status)s)", action=a.text, status=status_word(a.status))
                for a in closed
            ]
            or none,
        )
    )
    sections.append(
        Section(
            _("Open action items"),
            [
                _(
                    "%(action)s (%(owner)s, due %(due)s, overdue)",
                    action=a.text,
                    owner=a.owner_text,
                    due=human_date(a.due_date),
                )
                if a.due_date < today
                else _(
                    "%(action)s (%(owner)s, due %(due)s)",
                    action=a.text,
                    owner=a.owner_text,
                    due=human_date(a.due_date),
                )
                for a in open_actions
            ]
            or none,
        )
    )
    sections.append(
        Section(
            _("Deliverables at risk"),
            [
                _("%(title)s (due %(due)s)", title=d.title, due=human_date(d.due_date))
                for d in at_risk
                if d.due_date
            ]
            or none,
        )
    )
    if upcoming is not None:
        sections.append(
            Section(
                _("Next meeting"),
                [
                    _(
                        "%(title)s, %(when)s",
                        title=upcoming.title,
                        when=local_time(upcoming.starts_at, recipient.timezone),
                    )
                ],
            )
        )
    return Body(
        heading=_("This week in the initiative"),
        intro=_("What happened since the last meeting, what is open and what comes next."),
        sections=sections,
        link_label=_("Open the tracker"),
        link_url=absolute_url("main.home"),
    )


def queue_digest(session: Session, now: datetime, fallback_zone: str) -> int:
    """One digest per ISO week to everyone who switched digests on."""
    year, week, _weekday = now.isocalendar()
    return queue(
        session,
        "weekly_digest",
        f"weekly_digest:{year}-W{week:02d}",
        digest_recipients(session, fallback_zone),
        lambda r: (_("Weekly digest"), digest_body(session, now, r)),
    )


def queue_scheduled(session: Session, now: datetime, config: Mapping[str, Any]) -> int:
    """Queue every clock-driven message that is due now (flush, no commit)."""
    count = queue_reminders(session, now, int(config.get("NOTIFY_REMINDER_HOURS", 24)))
    count += queue_action_nudges(session, now.date(), int(config.get("NOTIFY_DUE_SOON_DAYS", 3)))
    if now.isoweekday() >= int(config.get("NOTIFY_DIGEST_WEEKDAY", 1)):
        count += queue_digest(session, now, str(config.get("NOTIFY_DEFAULT_TIMEZONE", "UTC")))
    return count
