"""Time-poll operations: propose slots, answer them, pick one. They never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tracker.i18n import _, _l, _lp
from tracker.meetings.operations import update_meeting
from tracker.models import (
    MAX_SLOTS,
    MIN_SLOTS,
    Meeting,
    MeetingStatus,
    PollAnswer,
    PollSlot,
    PollVote,
    TimePoll,
    User,
    utcnow,
)
from tracker.operations import Refused, check_version

# A poll can be proposed for a meeting whose time is not settled yet.
POLLABLE_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.POSTPONED)
CLOSED_MESSAGE = _l("This poll is closed: a time was picked, so answers can no longer change.")
# A meeting's status inside a sentence ("this one is held").
STATUS_WORDS = {
    MeetingStatus.PLANNED: _lp("meeting status in a sentence", "planned"),
    MeetingStatus.CONFIRMED: _lp("meeting status in a sentence", "confirmed"),
    MeetingStatus.HELD: _lp("meeting status in a sentence", "held"),
    MeetingStatus.POSTPONED: _lp("meeting status in a sentence", "postponed"),
    MeetingStatus.CANCELLED: _lp("meeting status in a sentence", "cancelled"),
}


def status_word(status: MeetingStatus) -> str:
    """A meeting status as a word in a sentence (the value itself for an unknown one)."""
    word = STATUS_WORDS.get(status)
    return str(word) if word is not None else status.value


def not_pollable_message(meeting: Meeting) -> str:
    """Why a meeting in its present status cannot get a time poll."""
    return _(
        "Only a planned or postponed meeting can get a time poll; this one is %(status)s.",
        status=status_word(meeting.status),
    )


class PollClosed(Refused):
    """The poll is closed: nothing about it may change any more."""

    def __init__(self) -> None:
        super().__init__(str(CLOSED_MESSAGE))


def ensure_open(poll: TimePoll) -> None:
    """PollClosed when the poll is closed."""
    if not poll.is_open:
        raise PollClosed()


def propose_poll(
    session: Session,
    meeting: Meeting,
    slots: Sequence[tuple[datetime, datetime]],
    organiser: User | None,
) -> TimePoll:
    """Start a poll among 2 to 8 distinct candidate (start, end) pairs for an unsettled meeting."""
    if meeting.status not in POLLABLE_STATUSES:
        raise Refused(not_pollable_message(meeting))
    if session.scalar(select(TimePoll.id).where(TimePoll.meeting_id == meeting.id)) is not None:
        raise Refused(_("This meeting already has a time poll."))
    distinct = list(dict.fromkeys(slots))
    if not MIN_SLOTS <= len(distinct) <= MAX_SLOTS:
        raise Refused(
            _(
                "Propose between %(min)s and %(max)s different slots.",
                min=MIN_SLOTS,
                max=MAX_SLOTS,
            )
        )
    if any(end <= start for start, end in distinct):
        raise Refused(_("Each slot must end after it starts."))
    poll = TimePoll(meeting=meeting, created_by=organiser)
    poll.slots = [PollSlot(starts_at=start, ends_at=end) for start, end in sorted(distinct)]
    session.add(poll)
    session.flush()
    return poll


def save_vote(session: Session, slot: PollSlot, user: User, answer: PollAnswer) -> None:
    """Set user's answer to slot, adding the vote or changing it in one statement.

    INSERT ... ON CONFLICT DO UPDATE on the (slot, user) unique constraint: two requests of
    the same user at once both succeed, the later answer wins, and neither fails.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(PollVote).values(
        slot_id=slot.id, user_id=user.id, answer=answer, answered_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[PollVote.slot_id, PollVote.user_id],
            set_={
                "answer": statement.excluded.answer,
                "answered_at": statement.excluded.answered_at,
            },
        )
    )


def record_votes(
    session: Session, poll: TimePoll, user: User, answers: Mapping[int, PollAnswer]
) -> int:
    """Save user's answers (slot id -> answer) to an open poll; return how many were given."""
    # Lock the poll row (PostgreSQL) so that a pick closing it waits for these answers, or
    # these answers see the poll closed once the pick has committed.
    session.refresh(poll, ["closed_at", "version"], with_for_update=True)
    ensure_open(poll)
    slots = {slot.id: slot for slot in poll.slots}
    unknown = set(answers) - set(slots)
    if unknown:
        raise Refused(_("An answer was for a slot that is not in this poll. Reload the page."))
    for slot_id, answer in answers.items():
        save_vote(session, slots[slot_id], user, answer)
    # SQLite has no row locks: look again now that this transaction holds the write lock,
    # so that answers racing a pick that closed the poll are refused (and rolled back).
    if session.scalar(select(TimePoll.closed_at).where(TimePoll.id == poll.id)) is not None:
        raise PollClosed()
    # The votes were written by statements, not the unit of work: forget loaded copies.
    for slot in poll.slots:
        session.expire(slot, ["votes"])
    return len(answers)


def pick_slot(session: Session, poll: TimePoll, slot_id: int, version: int | None) -> PollSlot:
    """Set the meeting to the chosen slot, confirm it and close the poll.

    The meeting changes through update_meeting, so the audit, the feeds' SEQUENCE and the
    notifications follow as for any edit. Conflict if the poll changed since it was shown.
    """
    ensure_open(poll)
    check_version(poll, version)
    slot = next((s for s in poll.slots if s.id == slot_id), None)
    if slot is None:
        raise Refused(_("Choose one of this poll's slots."))
    meeting = poll.meeting
    if meeting.deleted_at is not None or meeting.status in (
        MeetingStatus.HELD,
        MeetingStatus.CANCELLED,
    ):
        raise Refused(
            _(
                "The meeting is %(status)s, so its time cannot be set now.",
                status=status_word(meeting.status),
            )
        )
    update_meeting(
        meeting,
        {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "status": MeetingStatus.CONFIRMED},
        [(p.organisation_id, p.attendance) for p in meeting.participations],
        [item.topic_id for item in meeting.agenda_items],
        None,
    )
    slot.chosen = True
    poll.closed_at = utcnow()
    session.flush()
    return slot
