"""Time polls: candidate slots for a meeting and the members' answers to them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.i18n import _lp
from tracker.models.base import Base, UTCDateTime, Versioned, utcnow
from tracker.models.enums import LABELS, enum_column

if TYPE_CHECKING:
    from tracker.models.core import Meeting
    from tracker.models.user import User

MIN_SLOTS, MAX_SLOTS = 2, 8


class PollAnswer(StrEnum):
    """One member's answer to one candidate slot."""

    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


LABELS[PollAnswer] = {
    PollAnswer.YES: _lp("poll answer", "Yes"),
    PollAnswer.IF_NEED_BE: _lp("poll answer", "If need be"),
    PollAnswer.NO: _lp("poll answer", "No"),
}


class TimePoll(Versioned, Base):
    """A poll among candidate slots for one meeting; closed once the organiser picks one."""

    __tablename__ = "time_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    meeting: Mapped[Meeting] = relationship()
    created_by: Mapped[User | None] = relationship()
    slots: Mapped[list[PollSlot]] = relationship(
        back_populates="poll",
        order_by="PollSlot.starts_at, PollSlot.ends_at, PollSlot.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        """Whether members may still answer."""
        return self.closed_at is None

    @property
    def chosen_slot(self) -> PollSlot | None:
        """The slot the organiser picked, if any."""
        return next((slot for slot in self.slots if slot.chosen), None)

    def __repr__(self) -> str:
        return f"<TimePoll {self.id} m{self.meeting_id}>"


class PollSlot(Base):
    """One candidate start and end for the meeting."""

    __tablename__ = "poll_slot"
    __table_args__ = (
        sa.UniqueConstraint("poll_id", "starts_at", "ends_at", name="uq_poll_slot_poll_id_times"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("time_poll.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chosen: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    poll: Mapped[TimePoll] = relationship(back_populates="slots")
    votes: Mapped[list[PollVote]] = relationship(
        back_populates="slot", cascade="all, delete-orphan"
    )

    @property
    def minutes(self) -> int:
        """The slot's length in whole minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self) -> str:
        return f"<PollSlot {self.id} p{self.poll_id} {self.starts_at:%Y-%m-%d %H:%M}>"


class PollVote(Base):
    """One user's answer to one slot: at most one per user and slot, changeable while open."""

    __tablename__ = "poll_vote"
    __table_args__ = (
        sa.UniqueConstraint("slot_id", "user_id", name="uq_poll_vote_slot_id_user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("poll_slot.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[PollAnswer] = mapped_column(enum_column(PollAnswer))
    answered_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )

    slot: Mapped[PollSlot] = relationship(back_populates="votes")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PollVote s{self.slot_id} u{self.user_id} {self.answer}>"
