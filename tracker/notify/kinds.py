"""The kinds of message the tracker sends, their labels and whether they are on by default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of message a recipient can switch on or off."""

    key: str
    label: str
    default: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("meeting_invitation", "Invitations to meetings (with a calendar file)"),
    Kind("meeting_change", "Changes to a meeting's time, place or status, and cancellations"),
    Kind("meeting_reminder", "A reminder before a meeting starts"),
    Kind("minutes_ready", "Minutes ready for approval (approvers)"),
    Kind("minutes_approved", "Approved minutes, with the report"),
    Kind("action_assigned", "Action items assigned to you or your organisation"),
    Kind("action_due", "Action items coming due and overdue"),
    Kind("deliverable_change", "Deliverables changing status or falling at risk"),
    Kind("weekly_digest", "A weekly digest of what happened", default=False),
)
KIND_KEYS = frozenset(kind.key for kind in KINDS)
LABELS = {kind.key: kind.label for kind in KINDS}
DEFAULTS = {kind.key: kind.default for kind in KINDS}
