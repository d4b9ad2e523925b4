"""E-mail notifications: the outbox of messages to send and each recipient's preferences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.i18n import _lp
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.enums import LABELS, enum_column


class OutboxStatus(StrEnum):
    """Where a message in the outbox stands."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


LABELS[OutboxStatus] = {
    OutboxStatus.PENDING: _lp("outbox status", "Pending"),
    OutboxStatus.SENDING: _lp("outbox status", "Sending"),
    OutboxStatus.SENT: _lp("outbox status", "Sent"),
    OutboxStatus.FAILED: _lp("outbox status", "Failed"),
}


class OutboxMessage(Base):
    """One rendered e-mail to one recipient, written in the transaction of the change behind it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_message_dedupe_key"),
        sa.Index("ix_outbox_message_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    # One message per (cause, recipient): the same key is never queued twice.
    dedupe_key: Mapped[str] = mapped_column(sa.String(300))
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(200), default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    ics: Mapped[str | None] = mapped_column(sa.Text, default=None)
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="")
    unsubscribe_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    message_id: Mapped[str] = mapped_column(sa.String(300), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class NotificationPreference(Base):
    """Whether one e-mail address gets one kind of message (no row: the kind's default)."""

    __tablename__ = "notification_preference"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(sa.Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.email} {self.kind}={self.enabled}>"
