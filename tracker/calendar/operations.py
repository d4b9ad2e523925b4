"""Reading feed contents and the change state, and managing secret feed tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.calendar.export import (
    STATUS_CANCELLED,
    STATUS_CONFIRMED,
    STATUS_TENTATIVE,
    DeadlineEvent,
    MeetingEvent,
)
from tracker.counters import read_counter
from tracker.models import (
    AgendaItem,
    CalendarToken,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Organisation,
    Participation,
    Series,
    Topic,
    User,
    utcnow,
)
from tracker.models.changes import FEEDS

UrlFor = Callable[[int], str]

ICAL_STATUS = {
    MeetingStatus.PLANNED: STATUS_TENTATIVE,
    MeetingStatus.CONFIRMED: STATUS_CONFIRMED,
    MeetingStatus.HELD: STATUS_CONFIRMED,
    # A postponed meeting keeps its UID and stays in the feed, marked as not settled.
    MeetingStatus.POSTPONED: STATUS_TENTATIVE,
    MeetingStatus.CANCELLED: STATUS_CANCELLED,
}
SUMMARY_PREFIX = {MeetingStatus.CANCELLED: "Cancelled: ", MeetingStatus.POSTPONED: "Postponed: "}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


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


def meeting_events(
    session: Session,
    since: datetime,
    meeting_url: UrlFor,
    *,
    series_id: int | None = None,
    organisation_id: int | None = None,
    meeting_id: int | None = None,
) -> list[MeetingEvent]:
    """The feed events of live meetings ending after since, filtered, in start order."""
    ids = sa.select(Meeting.id).where(Meeting.deleted_at.is_(None))
    if meeting_id is not None:
        ids = ids.where(Meeting.id == meeting_id)
    else:
        ids = ids.where(Meeting.ends_at >= since)
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
    events = []
    for row in rows:
        last_modified = max(row.updated_at, row.series_updated_at, touched.get(row.id, EPOCH))
        events.append(
            MeetingEvent(
                uid=row.uid,
                summary=SUMMARY_PREFIX.get(row.status, "") + row.title,
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
            )
        )
    return events


def deadline_uid(deliverable_id: int) -> str:
    """The UID of a deliverable's deadline: its id never changes."""
    return f"deliverable-{deliverable_id}-due@borderless-ai-tracker"


def deadline_events(session: Session, since: date, deliverable_url: UrlFor) -> list[DeadlineEvent]:
    """All-day events for the due dates of live deliverables due on or after since."""
    rows = session.execute(
        sa.select(
            Deliverable.id,
            Deliverable.title,
            Deliverable.due_date,
            Deliverable.status,
            Deliverable.created_at,
            Deliverable.updated_at,
            Organisation.name.label("lead"),
            Organisation.updated_at.label("lead_updated_at"),
        )
        .join(Organisation, Organisation.id == Deliverable.lead_organisation_id)
        .where(
            Deliverable.deleted_at.is_(None),
            Deliverable.due_date.is_not(None),
            Deliverable.due_date >= since,
        )
        .order_by(Deliverable.due_date, Deliverable.id)
    ).all()
    events = []
    for row in rows:
        state = "dropped" if row.status == DeliverableStatus.DROPPED else row.status.value
        events.append(
            DeadlineEvent(
                uid=deadline_uid(row.id),
                summary=f"Due: {row.title}",
                due=row.due_date,
                created=row.created_at,
                last_modified=max(row.updated_at, row.lead_updated_at),
                url=deliverable_url(row.id),
                category="Deliverables",
                notes=f"Led by {row.lead}. Status: {state.replace('_', ' ')}.",
            )
        )
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
