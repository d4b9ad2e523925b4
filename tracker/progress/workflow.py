"""The rules of the status workflow and how status and percentage stay consistent (no Flask)."""

from __future__ import annotations

from tracker.models import FINISHED_STATUSES, DeliverableStatus

PLANNED = DeliverableStatus.PLANNED
DRAFTING = DeliverableStatus.DRAFTING
IN_REVIEW = DeliverableStatus.IN_REVIEW
PUBLISHED = DeliverableStatus.PUBLISHED
DROPPED = DeliverableStatus.DROPPED

# Forward along planned -> drafting -> in review -> published, one step back when a draft or a
# review is sent back, and dropped from any status. Leaving "dropped" is a reopen, handled apart:
# it returns to the status the deliverable had when it was dropped.
TRANSITIONS: dict[DeliverableStatus, tuple[DeliverableStatus, ...]] = {
    PLANNED: (DRAFTING, DROPPED),
    DRAFTING: (IN_REVIEW, PLANNED, DROPPED),
    IN_REVIEW: (PUBLISHED, DRAFTING, DROPPED),
    PUBLISHED: (DROPPED,),
    DROPPED: (),
}

# The highest percentage each open status allows: 100 % means finished, so only a deliverable
# in review (complete, being checked) or published may claim it.
MAX_PERCENT: dict[DeliverableStatus, int] = {
    PLANNED: 99,
    DRAFTING: 99,
    IN_REVIEW: 100,
    PUBLISHED: 100,
    DROPPED: 100,
}

RULES = (
    "Published always means 100 %: publishing sets the progress to 100 %.",
    "Only a deliverable in review or published may be at 100 %; planned and drafting stop at 99 %.",
    "Sending a deliverable back from review to drafting lowers 100 % to 99 % (recorded).",
    "Published and dropped deliverables take no progress updates; their percentage is frozen.",
    "A dropped deliverable is reopened to the status it had when it was dropped.",
)


def allowed_targets(
    status: DeliverableStatus, reopen_to: DeliverableStatus | None = None
) -> tuple[DeliverableStatus, ...]:
    """The statuses a deliverable in status may move to (for dropped: its reopen status)."""
    if status == DROPPED:
        return (reopen_to or PLANNED,)
    return TRANSITIONS[status]


def is_allowed(
    current: DeliverableStatus,
    target: DeliverableStatus,
    reopen_to: DeliverableStatus | None = None,
) -> bool:
    """Whether moving from current to target follows the workflow."""
    return target in allowed_targets(current, reopen_to)


def percent_for(status: DeliverableStatus, percent: int) -> int:
    """The percentage a deliverable in status may show, given the one asked for."""
    if status == PUBLISHED:
        return 100
    return max(0, min(percent, MAX_PERCENT[status]))


def accepts_updates(status: DeliverableStatus) -> bool:
    """Whether progress updates are accepted in this status."""
    return status not in FINISHED_STATUSES


def is_consistent(status: DeliverableStatus, percent: int) -> bool:
    """Whether a status and a percentage tell the same story."""
    return 0 <= percent <= 100 and percent_for(status, percent) == percent
