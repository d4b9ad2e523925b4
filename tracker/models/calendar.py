"""Calendar feeds: the feed change counter and per-user secret feed addresses."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, Timestamped, UTCDateTime, utcnow
from tracker.models.user import User

CALENDAR_STATE_ID = 1


def new_epoch() -> str:
    """A random identity for one database's feed counter."""
    return secrets.token_hex(16)


class CalendarState(Base):
    """One row counting changes to anything a feed shows; the feeds' ETag is read from it."""

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(sa.Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Random per database: ETags from another database (or a fresh test one) never match.
    epoch: Mapped[str] = mapped_column(sa.String(32), default=new_epoch)

    def __repr__(self) -> str:
        return f"<CalendarState {self.counter} at {self.changed_at:%Y-%m-%d %H:%M:%S}>"


class CalendarToken(Timestamped, Base):
    """A user's secret feed address: a random nonce and the SHA-256 of the token made from it."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarToken user {self.user_id}>"
