"""Calendar feeds: per-user secret feed addresses."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, Timestamped
from tracker.models.user import User


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
