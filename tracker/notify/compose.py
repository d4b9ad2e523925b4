"""Rendering messages from templates and writing them into the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from typing import Any, cast
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracker.i18n import DEFAULT_LANGUAGE
from tracker.i18n.locale import html_lang, known
from tracker.models import AuditEvent, Meeting, OutboxMessage, User
from tracker.notify.recipients import Recipient, wanted
from tracker.notify.signing import preference_token
from tracker.timefmt import human_date, human_datetime, zone_info

DEFAULT_BASE_URL = "http://localhost:5000"
# A calendar file to attach: bytes, or a function making them in the current language.
Attachment = bytes | Callable[[], bytes] | None


@dataclass(frozen=True)
class Section:
    """A titled list of lines in a message (agenda, open actions, the report)."""

    title: str
    items: Sequence[str] = ()
    text: str = ""
    html: Markup | None = None


@dataclass(frozen=True)
class Body:
    """What a message says, laid out by the notify/message templates."""

    heading: str
    intro: str
    facts: Sequence[tuple[str, str]] = ()
    sections: Sequence[Section] = ()
    link_label: str = ""
    link_url: str = ""
    links: Sequence[tuple[str, str]] = field(default_factory=tuple)


def base_url() -> str:
    """The absolute root of every link in a message: TRACKER_BASE_URL."""
    configured = str(current_app.config.get("TRACKER_BASE_URL") or DEFAULT_BASE_URL)
    return configured.rstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute address for an endpoint, outside any request."""
    adapter = current_app.url_map.bind("localhost")
    return base_url() + adapter.build(endpoint, values)


def message_domain() -> str:
    """The domain of our Message-IDs: the sender address's, else the base URL's host."""
    sender = str(current_app.config.get("MAIL_SENDER") or "")
    if "@" in sender:
        return sender.rsplit("@", 1)[1].strip(">").strip()
    return urlsplit(base_url()).hostname or "localhost"


def local_time(instant: datetime, zone: str) -> str:
    """An instant as the recipient reads it: "Tue 3 Mar 2027, 15:00 Sofia"."""
    return human_datetime(instant, zone)


def local_date(instant: datetime, zone: str) -> str:
    """The recipient's calendar date of an instant."""
    return human_date(instant.astimezone(zone_info(zone)).date())


def recipient_language(recipient: Recipient) -> str:
    """The language to write to recipient in: theirs if we have it, else English."""
    return known(recipient.language) or DEFAULT_LANGUAGE


def dedupe_key(key: str, recipient: Recipient) -> str:
    """The outbox key of one cause for one recipient."""
    return f"{key}:{recipient.email.lower()}"[:300]


def render_row(
    kind: str,
    key: str,
    recipient: Recipient,
    subject: str,
    body: Body,
    ics: bytes | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """One outbox row: both parts rendered for this recipient, with a fresh Message-ID.

    Reply-To is reply_to (the meeting's organiser) when given, else MAIL_REPLY_TO.
    """
    secret = str(current_app.config["SECRET_KEY"])
    token = preference_token(secret, recipient.email)
    preferences_url = absolute_url("notify.preferences_page", signed=token)
    unsubscribe_url = absolute_url("notify.unsubscribe", signed=token, kind=kind)
    context = {
        "body": body,
        "recipient": recipient,
        "subject": subject,
        "preferences_url": preferences_url,
        "unsubscribe_url": unsubscribe_url,
        "initiative": current_app.config.get("NOTIFY_INITIATIVE_NAME", "Borderless AI Initiative"),
        # The recipient's language, not the request's (which may be someone else's or none).
        "html_lang": html_lang(recipient_language(recipient)),
    }
    return {
        "kind": kind,
        "dedupe_key": dedupe_key(key, recipient),
        "recipient": recipient.email,
        "recipient_name": recipient.name[:200],
        "subject": subject[:300],
        "text_body": render_template("notify/message.txt", **context),
        "html_body": render_template("notify/message.html", **context),
        "ics": ics.decode() if ics is not None else None,
        "reply_to": reply_to or str(current_app.config.get("MAIL_REPLY_TO") or ""),
        "unsubscribe_url": unsubscribe_url,
        "message_id": make_msgid(domain=message_domain()),
    }


def organiser_address(session: Session, meeting: Meeting | None) -> str | None:
    """The address of the meeting's organiser: the active user who created it.

    Meetings have no organiser column; the audit trail's "create" event names who created
    it (its id not yet written when the meeting is new in this flush). None when
    nobody is known, so that MAIL_REPLY_TO is used.
    """
    if meeting is None:
        return None
    user_id = next(
        (
            event.user_id
            for event in (*session.new, *session.dirty)
            if isinstance(event, AuditEvent)
            and (event.entity, event.action, event.entity_id) == ("meeting", "create", meeting.id)
        ),
        None,
    )
    if user_id is None:
        user_id = session.scalar(
            sa.select(AuditEvent.user_id)
            .where(
                AuditEvent.entity == "meeting",
                AuditEvent.action == "create",
                AuditEvent.entity_id == meeting.id,
            )
            .order_by(AuditEvent.id)
            .limit(1)
        )
    user = session.get(User, user_id) if user_id is not None else None
    return user.email if user is not None and user.active and user.email else None


def insert_rows(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Insert outbox rows in the session's transaction, skipping keys already queued."""
    if not rows:
        return 0
    table = cast(sa.Table, OutboxMessage.__table__)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        statement: Any = postgresql_insert(table).on_conflict_do_nothing(
            index_elements=["dedupe_key"]
        )
    else:
        statement = sqlite_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    written = 0
    for row in rows:
        written += len(connection.execute(statement.returning(table.c.id), row).all())
    return written


def queue(
    session: Session,
    kind: str,
    key: str,
    recipients: Iterable[Recipient],
    compose: Callable[[Recipient], tuple[str, Body]],
    ics: Attachment = None,
    reply_to: str | None = None,
) -> int:
    """Queue one message per recipient who wants this kind; returns how many are new.

    Each message is written in its recipient's language (force_locale needs only the app
    context, so this works from the CLI too); an ics given as a function is made once per
    language, since the event's text is translated. reply_to (the meeting's organiser)
    overrides MAIL_REPLY_TO.
    """
    recipients = wanted(session, recipients, kind)
    keys = {dedupe_key(key, r): r for r in recipients}
    queued = (
        set(
            session.scalars(
                sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys)))
            )
        )
        if keys
        else set()
    )
    rows = []
    files: dict[str, bytes | None] = {}
    for recipient in (r for k, r in keys.items() if k not in queued):
        language = recipient_language(recipient)
        with force_locale(language):
            if language not in files:
                files[language] = ics() if callable(ics) else ics
            subject, body = compose(recipient)
            rows.append(render_row(kind, key, recipient, subject, body, files[language], reply_to))
    return insert_rows(session, rows)
