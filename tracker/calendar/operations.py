"""Reading feed contents and the change state, and managing secret feed tokens."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, Session

from tracker.calendar.export import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_TENTATIVE,
    DeadlineEvent,
    MeetingEvent,
    Wording,
)
from tracker.counters import read_counter
from tracker.i18n import _
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    CalendarToken,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Milestone,
    MinutesApproval,
    Organisation,
    Participation,
    Person,
    Series,
    Topic,
    User,
    utcnow,
)
from tracker.models.changes import FEEDS
from tracker.models.enums import label

UrlFor = Callable[[int], str]

ICAL_STATUS = {
    MeetingStatus.PLANNED: STATUS_TENTATIVE,
    MeetingStatus.CONFIRMED: STATUS_CONFIRMED,
    MeetingStatus.HELD: STATUS_CONFIRMED,
    # A postponed meeting keeps its UID and stays in the feed, marked as not settled.
    MeetingStatus.POSTPONED: STATUS_TENTATIVE,
    MeetingStatus.CANCELLED: STATUS_CANCELLED,
}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def meeting_summary(status: MeetingStatus, title: str) -> str:
    """The event's title: the meeting's, marked when it is cancelled or postponed."""
    if status == MeetingStatus.CANCELLED:
        return _("Cancelled: %(title)s", title=title)
    if status == MeetingStatus.POSTPONED:
        return _("Postponed: %(title)s", title=title)
    return title


def feed_wording() -> Wording:
    """The words around a meeting's data in its feed event, in the current language."""
    return Wording(
        agenda=_("Agenda:"),
        # Formatted by the serializer: _() without values leaves %(...)s for it.
        with_organisations=_("With %(organisations)s"),
        online=_("Online: %(url)s"),
    )


def status_word(value: StrEnum) -> str:
    """A status inside a sentence: its label, lower-cased except in German (nouns keep capitals)."""
    text = label(value)
    return text if str(get_locale() or "en").startswith("de") else text.lower()


def feed_state(session: Session) -> tuple[str, datetime]:
    """The feed version ("epoch:counter") and the instant of the last change.

    Calendar apps poll all day, and this is all a 304 costs, so it is one plain SQL statement
    on the process's own state connection (see tracker.state_reader), or on the session's
    connection when that one cannot answer.
    """
    state = read_counter(session, FEEDS)
    if state is None:
        return "none:0", EPOCH
    return f"{state.epoch}:{state.counter}", state.changed_at


def window_start(today: date, past_days: int) -> datetime:
    """The start of every feed's window: midnight UTC, past_days before today."""
    return datetime.combine(today - timedelta(days=past_days), datetime.min.time(), UTC)


def window_end(today: date, future_months: int) -> datetime:
    """The end of every feed's window: midnight UTC, future_months after today (day clamped)."""
    month_index = today.month - 1 + future_months
    year, month = today.year + month_index // 12, month_index % 12 + 1
    day = min(today.day, calendar.monthrange(year, month)[1])
    return datetime.combine(date(year, month, day), datetime.min.time(), UTC)


def meeting_events(
    session: Session,
    since: datetime,
    meeting_url: UrlFor,
    *,
    series_id: int | None = None,
    organisation_id: int | None = None,
    meeting_id: int | None = None,
    organisation_ids: Collection[int] | None = None,
    until: datetime | None = None,
) -> list[MeetingEvent]:
    """The feed events of live meetings ending after since and starting before until, in order.

    organisation_ids keeps the meetings any of those organisations takes part in.
    """
    ids = sa.select(Meeting.id).where(Meeting.deleted_at.is_(None))
    if meeting_id is not None:
        ids = ids.where(Meeting.id == meeting_id)
    else:
        ids = ids.where(Meeting.ends_at >= since)
        if until is not None:
            ids = ids.where(Meeting.starts_at < until)
    if organisation_ids is not None:
        ids = ids.where(
            Meeting.id.in_(
                sa.select(Participation.meeting_id).where(
                    Participation.organisation_id.in_(list(organisation_ids))
                )
            )
        )
    if series_id is not None:
        ids = ids.where(Meeting.series_id == series_id)
    if organisation_id is not None:
        ids = ids.where(
            Meeting.id.in_(
                sa.select(Participation.meeting_id).where(
                    Participation.organisation_id == organisation_id
                )
            )
        )
    rows = session.execute(
        sa.select(
            Meeting.id,
            Meeting.uid,
            Meeting.title,
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.timezone,
            Meeting.location,
            Meeting.online_url,
            Meeting.status,
            Meeting.sequence,
            Meeting.description,
            Meeting.created_at,
            Meeting.updated_at,
            Series.name.label("series_name"),
            Series.updated_at.label("series_updated_at"),
        )
        .join(Series, Series.id == Meeting.series_id)
        .where(Meeting.id.in_(ids))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    # Link rows carry only ids; names and change times come once per topic and organisation,
    # which keeps a feed of a thousand meetings from converting thousands of timestamps.
    topics = {
        row.id: (row.title, row.updated_at)
        for row in session.execute(
            sa.select(Topic.id, Topic.title, Topic.updated_at).where(
                Topic.id.in_(sa.select(AgendaItem.topic_id).where(AgendaItem.meeting_id.in_(ids)))
            )
        )
    }
    organisations_by_id = {
        row.id: (row.name, row.updated_at)
        for row in session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.updated_at).where(
                Organisation.id.in_(
                    sa.select(Participation.organisation_id).where(
                        Participation.meeting_id.in_(ids)
                    )
                )
            )
        )
    }
    agenda: dict[int, list[str]] = defaultdict(list)
    touched: dict[int, datetime] = {}
    for meeting, topic_id in session.execute(
        sa.select(AgendaItem.meeting_id, AgendaItem.topic_id)
        .where(AgendaItem.meeting_id.in_(ids))
        .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
    ):
        title, updated = topics[topic_id]
        agenda[meeting].append(title)
        touched[meeting] = max(updated, touched.get(meeting, updated))
    organisations: dict[int, list[str]] = defaultdict(list)
    for meeting, organisation_id in session.execute(
        sa.select(Participation.meeting_id, Participation.organisation_id).where(
            Participation.meeting_id.in_(ids)
        )
    ):
        name, updated = organisations_by_id[organisation_id]
        organisations[meeting].append(name)
        touched[meeting] = max(updated, touched.get(meeting, updated))
    wording = feed_wording()
    events = []
    for row in rows:
        last_modified = max(row.updated_at, row.series_updated_at, touched.get(row.id, EPOCH))
        events.append(
            MeetingEvent(
                uid=row.uid,
                summary=meeting_summary(row.status, row.title),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                timezone=row.timezone,
                status=ICAL_STATUS[row.status],
                sequence=row.sequence,
                created=row.created_at,
                last_modified=last_modified,
                url=meeting_url(row.id),
                location=row.location,
                online_url=row.online_url,
                category=row.series_name,
                agenda=tuple(agenda.get(row.id, ())),
                organisations=tuple(sorted(organisations.get(row.id, ()))),
                notes=row.description,
                wording=wording,
            )
        )
    return events


def deadline_uid(deliverable_id: int) -> str:
    """The UID of a deliverable's deadline: its id never changes."""
    return f"deliverable-{deliverable_id}-due@borderless-ai-tracker"


@dataclass(frozen=True)
class DeadlineUrls:
    """Absolute page addresses for deadline events: deliverables and a meeting's outcomes."""

    deliverable: UrlFor
    meeting_outcomes: UrlFor


SelectT = TypeVar("SelectT", bound=sa.Select)


@dataclass(frozen=True)
class DeadlineScope:
    """Which deadlines to list: due in [since, until), led or owned by whom, linked how."""

    since: date
    until: date | None
    urls: DeadlineUrls
    organisation_id: int | None
    person_id: int | None = None
    drafts: bool = False


def in_window(query: SelectT, due: Mapped[Any], scope: DeadlineScope) -> SelectT:
    """query limited to rows whose due date lies in [scope.since, scope.until)."""
    query = query.where(due >= scope.since)
    return query if scope.until is None else query.where(due < scope.until)


def milestone_uid(milestone_id: int) -> str:
    """The UID of a milestone's due date."""
    return f"milestone-{milestone_id}-due@borderless-ai-tracker"


def action_uid(action_id: int) -> str:
    """The UID of an action item's due date."""
    return f"action-{action_id}-due@borderless-ai-tracker"


def short(text: str, limit: int = 80) -> str:
    """text on one line, cut to limit characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def deliverable_deadlines(session: Session, scope: DeadlineScope) -> list[DeadlineEvent]:
    """Due dates of live deliverables (dropped ones marked CANCELLED), optionally of one lead."""
    query = (
        sa.select(
            Deliverable.id,
            Deliverable.title,
            Deliverable.due_date,
            Deliverable.status,
            Deliverable.deadline_sequence,
            Deliverable.created_at,
            Deliverable.updated_at,
            Organisation.name.label("lead"),
            Organisation.updated_at.label("lead_updated_at"),
        )
        .join(Organisation, Organisation.id == Deliverable.lead_organisation_id)
        .where(
            Deliverable.deleted_at.is_(None),
            Deliverable.due_date.is_not(None),
        )
    )
    query = in_window(query, Deliverable.due_date, scope)
    if scope.organisation_id is not None:
        query = query.where(Deliverable.lead_organisation_id == scope.organisation_id)
    events = []
    for row in session.execute(query):
        dropped = row.status == DeliverableStatus.DROPPED
        published = row.status == DeliverableStatus.PUBLISHED
        if dropped:
            summary = _("Dropped: %(title)s", title=row.title)
        elif published:
            summary = _("Done: %(title)s", title=row.title)
        else:
            summary = _("Due: %(title)s", title=row.title)
        events.append(
            DeadlineEvent(
                uid=deadline_uid(row.id),
                summary=summary,
                due=row.due_date,
                created=row.created_at,
                last_modified=max(row.updated_at, row.lead_updated_at),
                url=scope.urls.deliverable(row.id),
                category=_("Deliverables"),
                notes=_(
                    "Led by %(lead)s. Status: %(status)s.",
                    lead=row.lead,
                    status=status_word(row.status),
                ),
                status=STATUS_CANCELLED if dropped else STATUS_CONFIRMED,
                sequence=row.deadline_sequence,
            )
        )
    return events


def milestone_deadlines(session: Session, scope: DeadlineScope) -> list[DeadlineEvent]:
    """Due dates of the milestones of live deliverables, owned by the deliverable's lead."""
    query = (
        sa.select(
            Milestone.id,
            Milestone.title,
            Milestone.due_date,
            Milestone.done,
            Milestone.done_at,
            Milestone.sequence,
            Milestone.created_at,
            Deliverable.id.label("deliverable_id"),
            Deliverable.title.label("deliverable"),
            Deliverable.status.label("deliverable_status"),
            Deliverable.updated_at.label("deliverable_updated_at"),
            Organisation.name.label("lead"),
        )
        .join(Deliverable, Deliverable.id == Milestone.deliverable_id)
        .join(Organisation, Organisation.id == Deliverable.lead_organisation_id)
        .where(
            Deliverable.deleted_at.is_(None),
            Milestone.due_date.is_not(None),
        )
    )
    query = in_window(query, Milestone.due_date, scope)
    if scope.organisation_id is not None:
        query = query.where(Deliverable.lead_organisation_id == scope.organisation_id)
    events = []
    for row in session.execute(query):
        dropped = row.deliverable_status == DeliverableStatus.DROPPED
        changed = [row.created_at, row.deliverable_updated_at]
        if row.done_at is not None:
            changed.append(row.done_at)
        events.append(
            DeadlineEvent(
                uid=milestone_uid(row.id),
                summary=(
                    _("Done: %(title)s", title=short(row.title))
                    if row.done
                    else _("Milestone: %(title)s", title=short(row.title))
                ),
                due=row.due_date,
                created=row.created_at,
                last_modified=max(changed),
                url=scope.urls.deliverable(row.deliverable_id),
                category=_("Milestones"),
                notes=_(
                    "Milestone of %(deliverable)s, led by %(lead)s.",
                    deliverable=row.deliverable,
                    lead=row.lead,
                ),
                status=STATUS_CANCELLED if dropped else STATUS_CONFIRMED,
                sequence=row.sequence,
            )
        )
    return events


def action_deadlines(session: Session, scope: DeadlineScope) -> list[DeadlineEvent]:
    """Due dates of the action items of live meetings, owned by the organisation or person.

    Actions of meetings whose minutes are not approved are drafts: listed only with drafts.
    """
    query = (
        sa.select(
            ActionItem.id,
            ActionItem.text,
            ActionItem.due_date,
            ActionItem.status,
            ActionItem.sequence,
            ActionItem.created_at,
            ActionItem.closed_at,
            ActionItem.meeting_id,
            Organisation.name.label("owner"),
            Organisation.updated_at.label("owner_updated_at"),
            Person.name.label("person"),
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .join(Organisation, Organisation.id == ActionItem.owner_organisation_id)
        .outerjoin(Person, Person.id == ActionItem.owner_person_id)
        .where(Meeting.deleted_at.is_(None))
    )
    query = in_window(query, ActionItem.due_date, scope)
    owners = []
    if scope.organisation_id is not None:
        owners.append(ActionItem.owner_organisation_id == scope.organisation_id)
    if scope.person_id is not None:
        owners.append(ActionItem.owner_person_id == scope.person_id)
    if owners:
        query = query.where(sa.or_(*owners))
    if not scope.drafts:
        query = query.where(
            sa.select(MinutesApproval.meeting_id)
            .where(MinutesApproval.meeting_id == ActionItem.meeting_id)
            .exists()
        )
    events = []
    for row in session.execute(query):
        changed = [row.created_at, row.owner_updated_at]
        if row.closed_at is not None:
            changed.append(row.closed_at)
        owner = f"{row.owner} ({row.person})" if row.person else row.owner  # names only
        text = short(row.text)
        if row.status == ActionStatus.DONE:
            summary = _("Done: %(title)s", title=text)
        elif row.status == ActionStatus.DROPPED:
            summary = _("Dropped: %(title)s", title=text)
        else:
            summary = _("Action: %(title)s", title=text)
        events.append(
            DeadlineEvent(
                uid=action_uid(row.id),
                summary=summary,
                due=row.due_date,
                created=row.created_at,
                last_modified=max(changed),
                url=scope.urls.meeting_outcomes(row.meeting_id),
                category=_("Actions"),
                notes=_(
                    "Owner: %(owner)s. Status: %(status)s.",
                    owner=owner,
                    status=status_word(row.status),
                ),
                status=STATUS_CANCELLED if row.status == ActionStatus.DROPPED else STATUS_CONFIRMED,
                sequence=row.sequence,
            )
        )
    return events


def deadline_events(
    session: Session,
    since: date,
    until: date | None,
    urls: DeadlineUrls,
    *,
    organisation_id: int | None = None,
    person_id: int | None = None,
    drafts: bool = False,
) -> list[DeadlineEvent]:
    """All-day events for deliverables, milestones and action items due in [since, until).

    With organisation_id: what that organisation leads or owns; with person_id as well, also
    the actions that person owns. drafts (logged-in readers) adds the actions of meetings whose
    minutes are not approved yet. In due-date order, then by UID.
    """
    scope = DeadlineScope(since, until, urls, organisation_id, person_id, drafts)
    events = [
        *deliverable_deadlines(session, scope),
        *milestone_deadlines(session, scope),
        *action_deadlines(session, scope),
    ]
    events.sort(key=lambda event: (event.due, event.uid))
    return events


def token_from_nonce(nonce: str, secret_key: str) -> str:
    """The secret feed token: an HMAC of the stored nonce, 256 bits, URL-safe."""
    digest = hmac.new(
        secret_key.encode(), b"calendar-feed:" + nonce.encode(), hashlib.sha256
    ).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    """What we store and look up: SHA-256 of the high-entropy token."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(session: Session, user: User, secret_key: str) -> str | None:
    """The user's current secret feed token, or None if they have none that works.

    After SECRET_KEY changes the nonce yields a different token than the one stored (hashed),
    so there is none that works until the user makes a new one.
    """
    record = session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))
    if record is None:
        return None
    token = token_from_nonce(record.nonce, secret_key)
    return token if hmac.compare_digest(hash_token(token), record.token_hash) else None


def regenerate_feed_token(session: Session, user: User, secret_key: str) -> str:
    """Give the user a new secret feed token; the old one stops working at once."""
    record = session.scalar(sa.select(CalendarToken).where(CalendarToken.user_id == user.id))
    if record is None:
        record = CalendarToken(user=user)
        session.add(record)
    record.nonce = secrets.token_hex(32)
    token = token_from_nonce(record.nonce, secret_key)
    record.token_hash = hash_token(token)
    record.updated_at = utcnow()
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user whose current secret feed token this is, else None."""
    if not 20 <= len(token) <= 100:
        return None
    user = session.scalar(
        sa.select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == hash_token(token))
    )
    if user is None or not user.active:
        return None
    return user
