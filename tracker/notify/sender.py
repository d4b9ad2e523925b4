"""Delivering the outbox over SMTP: claim rows, send each once, retry failures with backoff.

Several senders may run at once. Each claims a batch in one short transaction, with
SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL and one conditional UPDATE on SQLite (which
runs writers one at a time), so no two senders ever hold the same row. A row is marked sent in
its own commit right after the server accepted it. A sender that dies between the two leaves
the row claimed; after NOTIFY_CLAIM_SECONDS another sender takes it again, and the unchanged
Message-ID lets mail systems drop that one possible repeat.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import OutboxMessage, OutboxStatus, utcnow

TABLE = cast(sa.Table, OutboxMessage.__table__)

# The server is gone or refuses to talk: stop this run, leave the rest for later.
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server, from the MAIL_* settings."""

    server: str
    port: int
    starttls: bool
    ssl: bool
    username: str
    password: str
    sender: str
    timeout: float
    ca_file: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """Read MAIL_SERVER, MAIL_PORT, MAIL_USE_STARTTLS, MAIL_USE_SSL, user, password, sender
        and MAIL_CA_FILE."""
        use_ssl = bool(config.get("MAIL_USE_SSL", False))
        return cls(
            server=str(config.get("MAIL_SERVER") or ""),
            port=int(config.get("MAIL_PORT") or (465 if use_ssl else 587)),
            starttls=bool(config.get("MAIL_USE_STARTTLS", False)),
            ssl=use_ssl,
            username=str(config.get("MAIL_USERNAME") or ""),
            password=str(config.get("MAIL_PASSWORD") or ""),
            sender=str(config.get("MAIL_SENDER") or "tracker@localhost"),
            timeout=float(config.get("MAIL_TIMEOUT", 30)),
            ca_file=str(config.get("MAIL_CA_FILE") or ""),
        )

    @property
    def configured(self) -> bool:
        """Whether a mail server is set at all."""
        return bool(self.server)


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff between attempts and the number of attempts before a message is failed."""

    max_attempts: int = 8
    base_seconds: int = 60
    cap_seconds: int = 6 * 3600
    claim_seconds: int = 900

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RetryPolicy:
        """Read NOTIFY_MAX_ATTEMPTS, NOTIFY_RETRY_SECONDS and NOTIFY_CLAIM_SECONDS."""
        return cls(
            max_attempts=int(config.get("NOTIFY_MAX_ATTEMPTS", 8)),
            base_seconds=int(config.get("NOTIFY_RETRY_SECONDS", 60)),
            claim_seconds=int(config.get("NOTIFY_CLAIM_SECONDS", 900)),
        )

    def delay(self, attempts: int) -> timedelta:
        """Wait after the given number of failed attempts: doubling, capped."""
        return timedelta(
            seconds=min(self.base_seconds * 2 ** max(attempts - 1, 0), self.cap_seconds)
        )


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message: text and HTML alternatives, the .ics attached, list headers set."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((row.recipient_name, row.recipient))
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = row.message_id
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    if row.ics:
        message.add_attachment(
            row.ics.encode(),
            maintype="text",
            subtype="calendar",
            filename="meeting.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    return message


def due_condition(now: datetime, policy: RetryPolicy) -> sa.ColumnElement[bool]:
    """Rows ready to send: pending and due, or claimed by a sender that never finished."""
    table = TABLE.c
    stale = now - timedelta(seconds=policy.claim_seconds)
    return sa.or_(
        sa.and_(table.status == OutboxStatus.PENDING.value, table.next_attempt_at <= now),
        sa.and_(table.status == OutboxStatus.SENDING.value, table.claimed_at < stale),
    )


def claim(session: Session, limit: int, now: datetime, policy: RetryPolicy) -> list[int]:
    """Claim up to limit due rows for this sender, commit, and return their ids."""
    table = TABLE
    c = table.c
    token = uuid.uuid4().hex
    due = due_condition(now, policy)
    candidates = sa.select(c.id).where(due).order_by(c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.execute(candidates.with_for_update(skip_locked=True)).scalars())
        if ids:
            session.execute(
                sa.update(table)
                .where(c.id.in_(ids))
                .values(status=OutboxStatus.SENDING.value, claimed_by=token, claimed_at=now)
            )
    else:
        # One statement: SQLite runs it under its single write lock, so it is atomic.
        session.execute(
            sa.update(table)
            .where(c.id.in_(candidates.scalar_subquery()), due)
            .values(status=OutboxStatus.SENDING.value, claimed_by=token, claimed_at=now)
        )
        ids = list(
            session.execute(sa.select(c.id).where(c.claimed_by == token).order_by(c.id)).scalars()
        )
    session.commit()
    return ids


def connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP connection, over SSL or upgraded with STARTTLS as configured, logged in.

    The server's certificate is always verified: against the system's authorities, or those
    in MAIL_CA_FILE (a server with its own or an internal authority).
    """
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    smtp: smtplib.SMTP
    if settings.ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls and not settings.ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()  # a refused upgrade or login must not leave the socket open
        raise
    return smtp


def mark(session: Session, row_id: int, **values: Any) -> None:
    """Update one row and commit at once: its state must survive whatever comes next."""
    session.execute(sa.update(TABLE).where(OutboxMessage.id == row_id).values(**values))
    session.commit()


def record_failure(
    session: Session,
    row: OutboxMessage,
    error: str,
    now: datetime,
    policy: RetryPolicy,
    report: SendReport,
    *,
    permanent: bool = False,
) -> None:
    """Count a failed attempt: retry later with backoff, or fail after the limit."""
    attempts = row.attempts + 1
    report.errors.append(f"{row.recipient}: {error}")
    if permanent or attempts >= policy.max_attempts:
        report.failed += 1
        mark(
            session,
            row.id,
            status=OutboxStatus.FAILED.value,
            attempts=attempts,
            last_error=error[:1000],
            claimed_by=None,
        )
    else:
        report.retried += 1
        mark(
            session,
            row.id,
            status=OutboxStatus.PENDING.value,
            attempts=attempts,
            last_error=error[:1000],
            claimed_by=None,
            next_attempt_at=now + policy.delay(attempts),
        )


def release(session: Session, ids: list[int]) -> None:
    """Give claimed rows back untried, for the next run."""
    if ids:
        session.execute(
            sa.update(TABLE)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING.value)
            .values(status=OutboxStatus.PENDING.value, claimed_by=None, claimed_at=None)
        )
        session.commit()


def deliver(
    session: Session,
    ids: list[int],
    settings: MailSettings,
    now: datetime,
    policy: RetryPolicy,
    report: SendReport,
) -> bool:
    """Send the claimed rows over one connection; False if the server went away."""
    try:
        smtp = connect(settings)
    except (*CONNECTION_ERRORS, smtplib.SMTPException) as error:
        report.errors.append(f"connect: {error}")
        release(session, ids)
        return False
    try:
        for position, row_id in enumerate(ids):
            row = session.get(OutboxMessage, row_id, populate_existing=True)
            if row is None or row.status != OutboxStatus.SENDING:
                continue
            try:
                smtp.send_message(
                    build_email(row, settings.sender), settings.sender, [row.recipient]
                )
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                record_failure(
                    session,
                    row,
                    str(error),
                    now,
                    policy,
                    report,
                    permanent=all(500 <= code < 600 for code in codes),
                )
            except smtplib.SMTPResponseException as error:
                if isinstance(error, smtplib.SMTPServerDisconnected):
                    raise
                record_failure(
                    session,
                    row,
                    f"{error.smtp_code} {error.smtp_error!r}",
                    now,
                    policy,
                    report,
                    permanent=500 <= error.smtp_code < 600,
                )
                if error.smtp_code in (421,):
                    release(session, ids[position + 1 :])
                    return False
            except CONNECTION_ERRORS as error:
                record_failure(session, row, f"connection lost: {error}", now, policy, report)
                release(session, ids[position + 1 :])
                return False
            else:
                mark(
                    session,
                    row_id,
                    status=OutboxStatus.SENT.value,
                    sent_at=utcnow(),
                    attempts=row.attempts + 1,
                    last_error="",
                )
                report.sent += 1
        return True
    finally:
        try:
            smtp.quit()
        except (*CONNECTION_ERRORS, smtplib.SMTPException):
            smtp.close()


def send_pending(
    session: Session,
    settings: MailSettings,
    policy: RetryPolicy | None = None,
    *,
    batch_size: int = 20,
    now: datetime | None = None,
) -> SendReport:
    """Deliver every due row, batch by batch, until none is left or the server is gone."""
    policy = policy or RetryPolicy()
    report = SendReport()
    if not settings.configured:
        return report
    session.commit()  # start from a fresh transaction: claims must see current rows
    while True:
        moment = now or utcnow()
        ids = claim(session, batch_size, moment, policy)
        if not ids:
            return report
        if not deliver(session, ids, settings, moment, policy, report):
            return report
