"""Overdue, at risk and off track: pure functions of a deliverable's dates, progress and health.

A deliverable is overdue when past due and not finished. It is at risk when one of these holds:
- it is within RISK_WINDOW_DAYS of its due date with at least RISK_REMAINING_SHARE % still to do;
- it is more than RISK_BEHIND_POINTS behind the straight line from start to due date, once the
  grace period (RISK_GRACE_DAYS after its start) is over;
- one of its milestones is past due and not done;
- the lead or an organiser says so (a health, which overrides the computed rules until the next
  progress update clears it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context

from tracker.i18n import _, _lp, _n
from tracker.models import (
    FINISHED_STATUSES,
    Deliverable,
    DeliverableHealth,
    DeliverableStatus,
    utc_today,
)
from tracker.progress.percent import percent
from tracker.timefmt import human_date

# Kept for code that imported the old fixed window.
AT_RISK_DAYS = 30


@dataclass(frozen=True)
class RiskRules:
    """The thresholds of the computed flag (config keys RISK_*)."""

    window_days: int = 30
    remaining_share: int = 50
    behind_points: int = 25
    grace_days: int = 28

    @classmethod
    def from_config(cls, config: dict[str, Any] | Any) -> RiskRules:
        """The rules set in a Flask config, defaults for the missing keys."""
        default = cls()
        return cls(
            window_days=int(config.get("RISK_WINDOW_DAYS", default.window_days)),
            remaining_share=int(config.get("RISK_REMAINING_SHARE", default.remaining_share)),
            behind_points=int(config.get("RISK_BEHIND_POINTS", default.behind_points)),
            grace_days=int(config.get("RISK_GRACE_DAYS", default.grace_days)),
        )

    def describe(self) -> str:
        """The rules in one sentence for readers."""
        return _(
            "At risk: due within %(days)d days with %(share)s or more still to do; more than "
            "%(points)d points behind the straight line from start to due date (not in the first "
            "%(grace)d days); a milestone past due; or the lead says so.",
            days=self.window_days,
            share=percent(self.remaining_share),
            points=self.behind_points,
            grace=self.grace_days,
        )


def current_rules() -> RiskRules:
    """The rules of the running app, or the defaults outside one."""
    if has_app_context():
        return RiskRules.from_config(current_app.config)
    return RiskRules()


@dataclass(frozen=True)
class Health:
    """A health said by a person: what, why, who and when."""

    value: DeliverableHealth
    reason: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class Risk:
    """A deliverable's flag: "overdue", "off_track", "at_risk" or "" (on track), with reasons."""

    flag: str
    reasons: tuple[str, ...]
    expected: int | None
    health: Health | None = None

    @property
    def label(self) -> str:
        """The badge text."""
        if self.flag == "overdue":
            return _("Overdue")
        if self.flag == "at_risk":
            return _("At risk")
        if self.flag == "off_track":
            return _("Off track")
        return _("On track")

    @property
    def css(self) -> str:
        """The badge's class suffix."""
        return self.flag.replace("_", "-") if self.flag != "off_track" else "overdue"

    def __bool__(self) -> bool:
        return bool(self.flag)


HEALTH_LABELS = {
    DeliverableHealth.ON_TRACK: _lp("health in a sentence", "on track"),
    DeliverableHealth.AT_RISK: _lp("health in a sentence", "at risk"),
    DeliverableHealth.OFF_TRACK: _lp("health in a sentence", "off track"),
}


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
    status: DeliverableStatus,
    progress: int,
    start: date | None,
    due: date | None,
    today: date,
    rules: RiskRules | None = None,
) -> bool:
    """Past the grace period and more than behind_points below the straight line."""
    rules = rules or RiskRules()
    expected = expected_progress(start, due, today)
    if status in FINISHED_STATUSES or expected is None or start is None:
        return False
    if (today - start).days < rules.grace_days:
        return False
    return expected - progress > rules.behind_points


def is_due_soon(
    status: DeliverableStatus,
    due: date | None,
    today: date,
    progress: int = 0,
    rules: RiskRules | None = None,
) -> bool:
    """Due within window_days and with at least remaining_share % of the work still to do."""
    rules = rules or RiskRules()
    return (
        due is not None
        and status not in FINISHED_STATUSES
        and 0 <= (due - today).days <= rules.window_days
        and 100 - progress >= rules.remaining_share
    )


def in_days(days: int) -> str:
    """ "today", "in 1 day", "in 12 days"."""
    if days == 0:
        return _("today")
    return _n("in %(num)d day", "in %(num)d days", days)


def assess(
    status: DeliverableStatus,
    progress: int,
    start: date | None,
    due: date | None,
    today: date,
    *,
    milestone_due: date | None = None,
    health: Health | None = None,
    rules: RiskRules | None = None,
) -> Risk:
    """The flag and its reasons in words: overdue wins, then a said health, then the rules."""
    rules = rules or RiskRules()
    expected = expected_progress(start, due, today)
    if is_overdue(status, due, today):
        late = (today - due).days  # type: ignore[operator]
        reason = _n(
            "was due %(date)s, %(num)d day ago, and is not finished",
            "was due %(date)s, %(num)d days ago, and is not finished",
            late,
            date=human_date(due),  # type: ignore[arg-type]
        )
        return Risk("overdue", (reason,), expected, health)
    if status in FINISHED_STATUSES:
        return Risk("", (), expected, None)
    if health is not None:
        who = health.by or _("the lead")
        said = str(HEALTH_LABELS[health.value])
        if health.reason:
            reason = _(
                "%(who)s says it is %(health)s: %(reason)s",
                who=who,
                health=said,
                reason=health.reason,
            )
        else:
            reason = _("%(who)s says it is %(health)s", who=who, health=said)
        flag = {"on_track": "", "at_risk": "at_risk", "off_track": "off_track"}[health.value.value]
        return Risk(flag, (reason,), expected, health)
    reasons = []
    if is_due_soon(status, due, today, progress, rules):
        days = (due - today).days  # type: ignore[operator]
        still = percent(100 - progress)
        if days == 0:
            reasons.append(_("due today with %(percent)s of the work still to do", percent=still))
        else:
            reasons.append(
                _n(
                    "due in %(num)d day with %(percent)s of the work still to do",
                    "due in %(num)d days with %(percent)s of the work still to do",
                    days,
                    percent=still,
                )
            )
    if is_behind(status, progress, start, due, today, rules):
        reasons.append(
            _(
                "%(done)s done where %(expected)s was expected by now",
                done=percent(progress),
                expected=percent(expected),
            )
        )
    if milestone_due is not None and milestone_due < today:
        reasons.append(
            _("a milestone was due %(date)s and is not done", date=human_date(milestone_due))
        )
    return Risk("at_risk" if reasons else "", tuple(reasons), expected, None)


def said_health(deliverable: Deliverable) -> Health | None:
    """The health set on a deliverable, if any."""
    if deliverable.health is None:
        return None
    user = deliverable.health_set_by
    by = user.name if user is not None and user.name else _("an organiser")
    return Health(deliverable.health, deliverable.health_reason, by, deliverable.health_set_at)


def deliverable_risk(
    deliverable: Deliverable, today: date | None = None, rules: RiskRules | None = None
) -> Risk:
    """assess() for a deliverable, as of today unless told otherwise."""
    return assess(
        deliverable.status,
        deliverable.progress or 0,
        deliverable.start_date,
        deliverable.due_date,
        today or utc_today(),
        milestone_due=getattr(deliverable, "first_open_milestone_due", None),
        health=said_health(deliverable),
        rules=rules or current_rules(),
    )
