"""The rules of the status workflow and how status and percentage stay consistent (no Flask)."""

from __future__ import annotations

from tracker.i18n import _l, _lp
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
    _l("Published always means 100 %: publishing sets the progress to 100 %."),
    _l(
        "Only a deliverable in review or published may be at 100 %; planned and drafting stop "
        "at 99 %."
    ),
    _l("Sending a deliverable back from review to drafting lowers 100 % to 99 % (recorded)."),
    _l("Published and dropped deliverables take no progress updates; their percentage is frozen."),
    _l("A dropped deliverable is reopened to the status it had when it was dropped."),
)

# A status inside a sentence ("is already in review", "cannot move from planned to ..."): the
# lower-case English words, translated as each language says them after "is" / "from" / "to".
STATUS_WORDS = {
    PLANNED: _lp("deliverable status in a sentence", "planned"),
    DRAFTING: _lp("deliverable status in a sentence", "drafting"),
    IN_REVIEW: _lp("deliverable status in a sentence", "in review"),
    PUBLISHED: _lp("deliverable status in a sentence", "published"),
    DROPPED: _lp("deliverable status in a sentence", "dropped"),
}

# The workflow buttons, one whole phrase per target status.
MOVE_TO = {
    PLANNED: _l("Move to planned"),
    DRAFTING: _l("Move to drafting"),
    IN_REVIEW: _l("Move to in review"),
    PUBLISHED: _l("Move to published"),
    DROPPED: _l("Drop"),
}
REOPEN_AS = {
    PLANNED: _l("Reopen as planned"),
    DRAFTING: _l("Reopen as drafting"),
    IN_REVIEW: _l("Reopen as in review"),
    PUBLISHED: _l("Reopen as published"),
    DROPPED: _l("Reopen as dropped"),
}


def status_word(status: DeliverableStatus) -> str:
    """The lower-case name of a status, as it reads inside a sentence."""
    return str(STATUS_WORDS[status])


def move_label(current: DeliverableStatus, target: DeliverableStatus) -> str:
    """The text of the button that moves a deliverable from current to target."""
    return str((REOPEN_AS if current == DROPPED else MOVE_TO)[target])


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
