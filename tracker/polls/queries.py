"""Time-poll reads: the poll of a meeting with its slots and votes, and the tally per slot."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.models import (
    Meeting,
    Participation,
    Person,
    PollAnswer,
    PollSlot,
    PollVote,
    TimePoll,
    User,
)
from tracker.scheduling.checks import SlotCheck, check_slot


def poll_for(session: Session, meeting_id: int) -> TimePoll | None:
    """The poll of a meeting with its slots, votes and voters, in a fixed number of queries."""
    return session.scalar(
        select(TimePoll)
        .where(TimePoll.meeting_id == meeting_id)
        .options(
            selectinload(TimePoll.meeting)
            .selectinload(Meeting.participations)
            .selectinload(Participation.organisation),
            selectinload(TimePoll.slots)
            .selectinload(PollSlot.votes)
            .selectinload(PollVote.user)
            .selectinload(User.person)
            .selectinload(Person.organisation),
        )
    )


def has_poll(session: Session, meeting_id: int) -> bool:
    """Whether the meeting has a time poll, open or closed."""
    return session.scalar(select(TimePoll.id).where(TimePoll.meeting_id == meeting_id)) is not None


@dataclass
class SlotTally:
    """One slot's answers: who said yes, if need be and no, and the reader's own answer."""

    slot: PollSlot
    yes: list[User] = field(default_factory=list)
    if_need_be: list[User] = field(default_factory=list)
    no: list[User] = field(default_factory=list)
    mine: PollAnswer | None = None

    @property
    def score(self) -> tuple[int, int]:
        """How well the slot suits people: yes plus if-need-be first, then yes alone."""
        return (len(self.yes) + len(self.if_need_be), len(self.yes))


def tally(poll: TimePoll, reader_id: int | None) -> list[SlotTally]:
    """The answers per slot, in slot order; voters by name within each answer."""
    result = []
    for slot in poll.slots:
        row = SlotTally(slot)
        for vote in sorted(slot.votes, key=lambda v: v.user.display_name.casefold()):
            getattr(row, vote.answer.value).append(vote.user)
            if vote.user_id == reader_id:
                row.mine = vote.answer
        result.append(row)
    return result


def voter_count(poll: TimePoll) -> int:
    """How many people answered at least one slot."""
    return len({vote.user_id for slot in poll.slots for vote in slot.votes})


def slot_checks(poll: TimePoll, reader_zone: str | None) -> dict[int, SlotCheck]:
    """The scheduling helper's table and warnings for each slot, by slot id, with the
    participating organisations' working hours and holidays and the reader's own zone."""
    organisations = sorted(
        (p.organisation for p in poll.meeting.participations), key=lambda o: o.name.casefold()
    )
    return {
        slot.id: check_slot(slot.starts_at, slot.ends_at, organisations, reader_zone)
        for slot in poll.slots
    }
