"""Progress operations: status moves, progress updates and milestones. They never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.models import (
    Deliverable,
    DeliverableHealth,
    DeliverableStatus,
    DeliverableStatusChange,
    DeliverableTracking,
    Milestone,
    ProgressUpdate,
    User,
    utc_today,
    utcnow,
)
from tracker.notify.events import queue_deliverable_change
from tracker.operations import Refused, check_version
from tracker.progress import workflow
from tracker.progress.percent import percent as percent_text
from tracker.progress.queries import (
    EFFECTIVE_ORDER_DESC,
    following_milestones,
    milestone_percent,
    reopen_status,
    tracking_for,
)
from tracker.progress.workflow import DROPPED, PUBLISHED


class TransitionRefused(Refused):
    """A status move the workflow does not allow."""


def record_progress(
    session: Session,
    deliverable: Deliverable,
    percent: int,
    note: str,
    user: User | None,
    on: date | None = None,
) -> ProgressUpdate | None:
    """Set the deliverable's percentage and record the move; None when nothing changed."""
    if percent == deliverable.progress:
        return None
    update = ProgressUpdate(
        deliverable=deliverable,
        recorded_on=on or utc_today(),
        previous_percent=deliverable.progress or 0,
        percent=percent,
        note=note[:300],
        user=user,
    )
    deliverable.progress = percent
    clear_health(deliverable)
    session.add(update)
    return update


def change_status(
    session: Session,
    deliverable: Deliverable,
    target: DeliverableStatus,
    user: User | None,
    note: str = "",
    version: int | None = None,
) -> DeliverableStatusChange:
    """Move a deliverable along the workflow and record it; TransitionRefused if not allowed.

    Publishing sets the progress to 100 %; sending a deliverable back below review lowers 100 % to
    99 %. Either adjustment is recorded as a progress update.
    """
    check_version(deliverable, version)
    current = deliverable.status
    reopen_to = reopen_status(session, deliverable) if current == DROPPED else None
    if target == current:
        raise TransitionRefused(
            _(
                "“%(title)s” is already %(status)s.",
                title=deliverable.title,
                status=workflow.status_word(current),
            )
        )
    if not workflow.is_allowed(current, target, reopen_to):
        allowed = ", ".join(
            workflow.status_word(s) for s in workflow.allowed_targets(current, reopen_to)
        )
        raise TransitionRefused(
            _(
                "“%(title)s” cannot move from %(current)s to %(target)s. From %(current)s it can "
                "move to: %(allowed)s.",
                title=deliverable.title,
                current=workflow.status_word(current),
                target=workflow.status_word(target),
                allowed=allowed,
            )
        )
    change = DeliverableStatusChange(
        deliverable=deliverable,
        from_status=current,
        to_status=target,
        user=user,
        at=utcnow(),
        note=note[:300],
    )
    session.add(change)
    deliverable.status = target
    if target != DROPPED:
        percent = workflow.percent_for(target, deliverable.progress or 0)
        if target == PUBLISHED:
            reason = "Published: progress is 100 %."
        else:
            reason = f"Moved to {workflow_label(target)}: progress capped at {percent} %."
        record_progress(session, deliverable, percent, reason, user)
    session.flush()
    if target != PUBLISHED:
        sync_with_milestones(session, deliverable, user, f"Moved to {workflow_label(target)}.")
    return change


def workflow_label(status: DeliverableStatus) -> str:
    """The lower-case name of a status for messages."""
    return status.value.replace("_", " ")


def add_progress_update(
    session: Session,
    deliverable: Deliverable,
    percent: int,
    note: str,
    user: User | None,
    on: date | None = None,
) -> ProgressUpdate:
    """Record a new percentage by hand; Refused when status and percentage would disagree."""
    if not 0 <= percent <= 100:
        raise Refused(_("Progress is a percentage from 0 to 100."))
    if not workflow.accepts_updates(deliverable.status):
        raise Refused(
            _(
                "“%(title)s” is %(status)s: its progress is final.",
                title=deliverable.title,
                status=workflow.status_word(deliverable.status),
            )
        )
    if following_milestones(session, deliverable):
        raise Refused(
            _(
                "“%(title)s” follows its milestones: tick milestones to change its progress, or "
                "switch to progress by hand first.",
                title=deliverable.title,
            )
        )
    allowed = workflow.percent_for(deliverable.status, percent)
    if allowed != percent:
        raise Refused(
            _(
                "A deliverable that is %(status)s cannot be at %(percent)s: %(full)s means "
                "finished, so move it to review first.",
                status=workflow.status_word(deliverable.status),
                percent=percent_text(percent),
                full=percent_text(100),
            )
        )
    day = on or utc_today()
    before = session.scalars(
        select(ProgressUpdate)
        .where(ProgressUpdate.deliverable_id == deliverable.id, ProgressUpdate.recorded_on <= day)
        .order_by(*EFFECTIVE_ORDER_DESC)
        .limit(1)
    ).first()
    later = session.scalar(
        select(ProgressUpdate.id)
        .where(ProgressUpdate.deliverable_id == deliverable.id, ProgressUpdate.recorded_on > day)
        .limit(1)
    )
    update = ProgressUpdate(
        deliverable=deliverable,
        recorded_on=day,
        previous_percent=(before.percent if before else 0) if later else deliverable.progress or 0,
        percent=percent,
        note=note.strip()[:300],
        user=user,
    )
    if later is None:
        # The newest by effective date sets the current percentage; a backdated update only
        # fills in the history before it.
        deliverable.progress = percent
        clear_health(deliverable)
    session.add(update)
    session.flush()
    return update


def sync_with_milestones(
    session: Session, deliverable: Deliverable, user: User | None, reason: str
) -> ProgressUpdate | None:
    """When following milestones, set progress from them (within what the status allows)."""
    if not following_milestones(session, deliverable):
        return None
    if not workflow.accepts_updates(deliverable.status):
        return None
    milestones = list(
        session.scalars(select(Milestone).where(Milestone.deliverable_id == deliverable.id))
    )
    percent = milestone_percent(milestones)
    if percent is None:
        return None
    percent = workflow.percent_for(deliverable.status, percent)
    update = record_progress(session, deliverable, percent, reason, user)
    session.flush()
    return update


def set_follow_milestones(
    session: Session, deliverable: Deliverable, follow: bool, user: User | None
) -> DeliverableTracking:
    """Switch between progress by hand and progress following the milestones."""
    tracking = tracking_for(session, deliverable)
    if tracking is None:
        tracking = DeliverableTracking(deliverable_id=deliverable.id, follow_milestones=follow)
        session.add(tracking)
    tracking.follow_milestones = follow
    session.flush()
    if follow:
        sync_with_milestones(session, deliverable, user, "Progress now follows the milestones.")
    return tracking


def add_milestone(
    session: Session,
    deliverable: Deliverable,
    title: str,
    due_date: date | None,
    user: User | None,
) -> Milestone:
    """Add a milestone (not done); progress is recomputed when it follows milestones."""
    milestone = Milestone(deliverable=deliverable, title=title.strip()[:300], due_date=due_date)
    session.add(milestone)
    session.flush()
    sync_with_milestones(session, deliverable, user, f"Milestone added: {milestone.title}")
    return milestone


def toggle_milestone(session: Session, milestone: Milestone, user: User | None) -> Milestone:
    """Mark a milestone done or not done; progress is recomputed when it follows milestones."""
    milestone.done = not milestone.done
    milestone.done_at = utcnow() if milestone.done else None
    session.flush()
    verb = "done" if milestone.done else "reopened"
    sync_with_milestones(
        session, milestone.deliverable, user, f"Milestone {verb}: {milestone.title}"
    )
    return milestone


def delete_milestone(session: Session, milestone: Milestone, user: User | None) -> None:
    """Remove a milestone; progress is recomputed when it follows milestones."""
    deliverable = milestone.deliverable
    title = milestone.title
    session.delete(milestone)
    session.flush()
    sync_with_milestones(session, deliverable, user, f"Milestone removed: {title}")


def set_status_and_progress(
    session: Session,
    deliverable: Deliverable,
    status: DeliverableStatus,
    percent: int,
    user: User | None,
    note: str = "Edited on the deliverable form.",
) -> None:
    """For edit forms: move status along the workflow, then set the percentage, both recorded.

    Raises TransitionRefused or Refused (with a message for the form) when either would break
    the workflow or make the percentage disagree with the status.
    """
    if status != deliverable.status:
        change_status(session, deliverable, status, user, note)
    if status == PUBLISHED or percent == deliverable.progress:
        return
    add_progress_update(session, deliverable, percent, note, user)


def record_created(session: Session, deliverable: Deliverable, user: User | None) -> None:
    """For create forms: bring the percentage in line with the status and record it as history.

    The deliverable keeps its percentage (one audit entry for the whole creation); the history
    gets one update from 0 % to it.
    """
    if deliverable.status is None:
        deliverable.status = DeliverableStatus.PLANNED
    wanted = workflow.percent_for(deliverable.status, deliverable.progress or 0)
    deliverable.progress = wanted
    if wanted:
        session.add(
            ProgressUpdate(
                deliverable=deliverable,
                recorded_on=utc_today(),
                previous_percent=0,
                percent=wanted,
                note="Progress when the deliverable was added.",
                user=user,
            )
        )
    session.flush()


def clear_health(deliverable: Deliverable) -> None:
    """A progress update ends a said health: the computed rules apply again."""
    if deliverable.health is not None:
        deliverable.health = None
        deliverable.health_reason = ""
        deliverable.health_set_at = None
        deliverable.health_set_by_id = None


def may_set_health(user: User | None, deliverable: Deliverable) -> bool:
    """Organisers and admins, and the owner or a person of the lead organisation."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if user.can_edit:
        return True
    person = user.person
    if person is None:
        return False
    return (
        person.id == deliverable.owner_person_id
        or person.organisation_id == deliverable.lead_organisation_id
    )


def set_health(
    session: Session,
    deliverable: Deliverable,
    health: DeliverableHealth,
    reason: str,
    user: User | None,
) -> None:
    """Say how a deliverable is going; it overrides the computed flag until the next update."""
    if not workflow.accepts_updates(deliverable.status):
        raise Refused(
            _(
                "“%(title)s” is %(status)s: its health is no longer tracked.",
                title=deliverable.title,
                status=workflow.status_word(deliverable.status),
            )
        )
    old = deliverable.health
    deliverable.health = health
    deliverable.health_reason = reason.strip()[:300]
    deliverable.health_set_at = utcnow()
    deliverable.health_set_by = user
    session.flush()
    if health != old and health != DeliverableHealth.ON_TRACK:
        queue_deliverable_change(
            session,
            deliverable,
            "health",
            old.value.replace("_", " ") if old else "not said",
            health.value.replace("_", " "),
        )
