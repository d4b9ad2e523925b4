"""Deliverable operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.models import Deliverable, Organisation, Topic, User
from tracker.models.base import utcnow
from tracker.operations import Refused, apply_values, check_version, touch
from tracker.progress.operations import (
    TransitionRefused,
    record_created,
    set_status_and_progress,
)


class FieldRefused(Refused):
    """A refusal that belongs next to one form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_contributors(values: Mapping[str, Any], contributors: Sequence[Organisation]) -> None:
    """Refuse a lead organisation that is also listed as a contributor."""
    lead = values.get("lead_organisation_id")
    if lead is not None and any(o.id == lead for o in contributors):
        raise FieldRefused(
            "contributor_ids", _("The lead organisation cannot also be a contributor.")
        )


def create_deliverable(
    session: Session,
    values: Mapping[str, Any],
    contributors: Sequence[Organisation],
    topics: Sequence[Topic],
    user: User | None = None,
) -> Deliverable:
    """Add a deliverable with its contributors and topics; its starting progress is recorded."""
    check_contributors(values, contributors)
    deliverable = Deliverable(**values)
    deliverable.contributors = list(contributors)
    deliverable.topics = list(topics)
    session.add(deliverable)
    record_created(session, deliverable, user)  # flushes: one audit entry for the creation
    return deliverable


def update_deliverable(
    session: Session,
    deliverable: Deliverable,
    values: Mapping[str, Any],
    contributors: Sequence[Organisation],
    topics: Sequence[Topic],
    version: int | None,
    user: User | None = None,
) -> list[str]:
    """Change a deliverable; Conflict if someone saved it in between.

    Status and progress go through the workflow, so every change is recorded and the
    percentage never disagrees with the status.
    """
    check_version(deliverable, version)
    check_contributors(values, contributors)
    values = dict(values)
    status = values.pop("status", deliverable.status)
    percent = values.pop("progress", deliverable.progress)
    old = (deliverable.status, deliverable.progress)
    try:
        set_status_and_progress(session, deliverable, status, percent, user)
    except TransitionRefused as refusal:
        raise FieldRefused("status", str(refusal)) from refusal
    except Refused as refusal:
        raise FieldRefused("progress", str(refusal)) from refusal
    changed = apply_values(deliverable, values)
    if (deliverable.status, deliverable.progress) != old:
        changed.append("status")
    if {o.id for o in deliverable.contributors} != {o.id for o in contributors}:
        deliverable.contributors = list(contributors)
        changed.append("contributors")
    if {t.id for t in deliverable.topics} != {t.id for t in topics}:
        deliverable.topics = list(topics)
        changed.append("topics")
    if changed and not set(changed) - {"contributors", "topics"}:
        # Only the link tables changed: touch the row so its version moves.
        touch(deliverable)
    return changed


def soft_delete_deliverable(deliverable: Deliverable, when: datetime | None = None) -> None:
    """Hide a deliverable from lists and the home page; it can be restored."""
    if deliverable.deleted_at is None:
        deliverable.deleted_at = when or utcnow()


def restore_deliverable(deliverable: Deliverable) -> None:
    """Undo a soft delete."""
    deliverable.deleted_at = None
