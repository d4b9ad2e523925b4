"""The kinds of message the tracker sends, their labels and whether they are on by default."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString

from tracker.i18n import _l


@dataclass(frozen=True)
class Kind:
    """One kind of message a recipient can switch on or off."""

    key: str
    label: LazyString  # translated when shown: str() it for joins and comparisons
    default: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("meeting_invitation", _l("Invitations to meetings (with a calendar file)")),
    Kind("meeting_change", _l("Changes to a meeting's time, place or status, and cancellations")),
    Kind("meeting_reminder", _l("A reminder before a meeting starts")),
    Kind("minutes_ready", _l("Minutes ready for approval (approvers)")),
    Kind("minutes_approved", _l("Approved minutes, with the report")),
    Kind("action_assigned", _l("Action items assigned to you or your organisation")),
    Kind("action_due", _l("Action items coming due and overdue")),
    Kind("deliverable_change", _l("Deliverables changing status or falling at risk")),
    Kind("weekly_digest", _l("A weekly digest of what happened"), default=False),
)
KIND_KEYS = frozenset(kind.key for kind in KINDS)
LABELS = {kind.key: kind.label for kind in KINDS}
DEFAULTS = {kind.key: kind.default for kind in KINDS}
