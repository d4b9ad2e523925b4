"""Overdue and at-risk: pure functions of a deliverable's dates, status and progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.models import FINISHED_STATUSES, Deliverable, DeliverableStatus

AT_RISK_DAYS = 14


@dataclass(frozen=True)
class Risk:
    """A deliverable's flag: "overdue", "at_risk" or "" (on track), with the reasons."""

    flag: str
    reasons: tuple[str, ...]
    expected: int | None

    @property
    def label(self) -> str:
        """The badge text."""
        return {"overdue": "Overdue", "at_risk": "At risk"}.get(self.flag, "On track")

    @property
    def css(self) -> str:
        """The badge's class suffix."""
        return self.flag.replace("_", "-")

    def __bool__(self) -> bool:
        return bool(self.flag)


def expected_progress(start: date | None, due: date | None, today: date) -> int | None:
    """Where progress should be on the straight line from start (0 %) to due (100 %)."""
    if start is None or due is None or due <= start:
        return None
    elapsed = (today - start).days
    total = (due - start).days
    return round(max(0, min(elapsed, total)) / total * 100)


def is_overdue(status: DeliverableStatus, due: date | None, today: date) -> bool:
    """Past its due date and neither published nor dropped."""
    return due is not None and status not in FINISHED_STATUSES and due < today


def is_behind(
    status: DeliverableStatus, progress: int, start: date | None, due: date | None, today: date
) -> bool:
    """Progress below the straight line from start to due, for an open deliverable."""
    expected = expected_progress(start, due, today)
    return status not in FINISHED_STATUSES and expected is not None and progress < expected


def is_due_soon(status: DeliverableStatus, due: date | None, today: date) -> bool:
    """Due today or within the next AT_RISK_DAYS days and not done."""
    return (
        due is not None
        and status not in FINISHED_STATUSES
        and 0 <= (due - today).days <= AT_RISK_DAYS
    )


def assess(
    status: DeliverableStatus, progress: int, start: date | None, due: date | None, today: date
) -> Risk:
    """The flag and its reasons; overdue wins over at risk."""
    expected = expected_progress(start, due, today)
    if is_overdue(status, due, today):
        return Risk("overdue", (f"was due {due.isoformat()}",), expected)  # type: ignore[union-attr]
    reasons = []
    if is_due_soon(status, due, today):
        reasons.append(f"due within {AT_RISK_DAYS} days")
    if is_behind(status, progress, start, due, today):
        reasons.append(f"{progress} % done, {expected} % expected by now")
    return Risk("at_risk" if reasons else "", tuple(reasons), expected)


def deliverable_risk(deliverable: Deliverable, today: date | None = None) -> Risk:
    """assess() for a deliverable, as of today unless told otherwise."""
    return assess(
        deliverable.status,
        deliverable.progress or 0,
        deliverable.start_date,
        deliverable.due_date,
        today or date.today(),
    )
