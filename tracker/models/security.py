"""Failed login attempts, kept in the database so limits hold across worker processes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, UTCDateTime, utcnow


class LoginAttempt(Base):
    """One failed login, counted against an account key and an address key."""

    __tablename__ = "login_attempt"
    tracker_audited = False  # bookkeeping, not a record anyone edits

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_login_attempt_key_at", "key", "at"),)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.key!r} {self.at}>"
