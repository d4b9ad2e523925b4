"""Loaders behind the progress pages and partials, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, selectinload

from tracker.models import (
    FINISHED_STATUSES,
    Deliverable,
    DeliverableStatus,
    DeliverableStatusChange,
    DeliverableTracking,
    Meeting,
    Milestone,
    Organisation,
    ProgressUpdate,
    deliverable_contributor,
    deliverable_topic,
)
from tracker.models.enums import label
from tracker.progress import workflow
from tracker.progress.charts import (
    ProgressChart,
    Timeline,
    TimelineItem,
    Window,
    progress_chart,
    timeline,
)
from tracker.progress.risk import Health, Risk, assess, current_rules, deliverable_risk

LIVE = Deliverable.deleted_at.is_(None)
# Progress updates in the order of their effective date (then when they were entered).
EFFECTIVE_ORDER = (ProgressUpdate.recorded_on, ProgressUpdate.created_at, ProgressUpdate.id)
EFFECTIVE_ORDER_DESC = tuple(column.desc() for column in EFFECTIVE_ORDER)


@dataclass
class DeliverableProgress:
    """Everything the deliverable progress partial shows."""

    deliverable: Deliverable
    status_changes: list[DeliverableStatusChange]
    updates: list[ProgressUpdate]
    milestones: list[Milestone]
    follow_milestones: bool
    targets: tuple[DeliverableStatus, ...]
    chart: ProgressChart
    risk: Risk
    rules: tuple[str, ...] = workflow.RULES

    @property
    def rules_text(self) -> str:
        """The at-risk rules in words."""
        return current_rules().describe()


def reopen_target(changes: list[DeliverableStatusChange]) -> DeliverableStatus:
    """From a deliverable's status changes (newest first), the status it reopens to."""
    for change in changes:
        if change.to_status == DeliverableStatus.DROPPED:
            return change.from_status
    return DeliverableStatus.PLANNED


def deliverable_progress(
    session: Session, deliverable: Deliverable, today: date
) -> DeliverableProgress:
    """Status history, progress history with its chart, milestones and tracking mode: 5 queries."""
    changes = list(
        session.scalars(
            select(DeliverableStatusChange)
            .where(DeliverableStatusChange.deliverable_id == deliverable.id)
            .order_by(DeliverableStatusChange.at.desc(), DeliverableStatusChange.id.desc())
            .options(selectinload(DeliverableStatusChange.user))
        )
    )
    updates = list(
        session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.deliverable_id == deliverable.id)
            .order_by(*EFFECTIVE_ORDER_DESC)
            .options(selectinload(ProgressUpdate.user))
        )
    )
    milestones = list(
        session.scalars(
            select(Milestone)
            .where(Milestone.deliverable_id == deliverable.id)
            .order_by(Milestone.due_date.is_(None), Milestone.due_date, Milestone.id)
        )
    )
    tracking = session.get(DeliverableTracking, deliverable.id)
    reopen_to = reopen_target(changes) if deliverable.status == DeliverableStatus.DROPPED else None
    history = [(u.recorded_on, u.previous_percent, u.percent) for u in reversed(updates)]
    return DeliverableProgress(
        deliverable=deliverable,
        status_changes=changes,
        updates=updates,
        milestones=milestones,
        follow_milestones=bool(tracking and tracking.follow_milestones),
        targets=workflow.allowed_targets(deliverable.status, reopen_to),
        chart=progress_chart(
            history,
            deliverable.start_date,
            deliverable.due_date,
            today,
            deliverable.title,
            deliverable.progress or 0,
        ),
        risk=deliverable_risk(deliverable, today),
    )


@dataclass
class ProgressMove:
    """How far a deliverable's percentage moved in a window."""

    deliverable: Deliverable
    before: int
    after: int
    updates: int


@dataclass
class SinceLastMeeting:
    """What changed on deliverables between the previous meeting of the series and this one."""

    meeting: Meeting
    previous: Meeting | None
    since: datetime | None
    until: datetime
    status_changes: list[DeliverableStatusChange]
    progress_moves: list[ProgressMove]
    new: list[Deliverable]
    finished: list[DeliverableStatusChange]

    @property
    def empty(self) -> bool:
        """Whether nothing changed at all."""
        return not (self.status_changes or self.progress_moves or self.new or self.finished)


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The meeting before this one in its series, by number, ignoring deleted ones."""
    return session.scalar(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.number < meeting.number,
            Meeting.deleted_at.is_(None),
        )
        .order_by(Meeting.number.desc())
        .limit(1)
    )


def since_last_meeting(session: Session, meeting: Meeting) -> SinceLastMeeting:
    """Changes in (previous meeting's start, this meeting's start]: 4 to 7 queries."""
    previous = previous_meeting(session, meeting)
    since = previous.starts_at if previous else None
    until = meeting.starts_at

    def window(column: InstrumentedAttribute[datetime]) -> list[ColumnElement[bool]]:
        conditions = [column <= until]
        if since is not None:
            conditions.append(column > since)
        return conditions

    changes = list(
        session.scalars(
            select(DeliverableStatusChange)
            .join(Deliverable)
            .where(LIVE, *window(DeliverableStatusChange.at))
            .order_by(DeliverableStatusChange.at, DeliverableStatusChange.id)
            .options(
                selectinload(DeliverableStatusChange.deliverable).selectinload(
                    Deliverable.lead_organisation
                )
            )
        )
    )
    updates = list(
        session.scalars(
            select(ProgressUpdate)
            .join(Deliverable)
            .where(LIVE, *window(ProgressUpdate.created_at))
            .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
            .options(
                selectinload(ProgressUpdate.deliverable).selectinload(Deliverable.lead_organisation)
            )
        )
    )
    new = list(
        session.scalars(
            select(Deliverable)
            .where(LIVE, *window(Deliverable.created_at))
            .order_by(Deliverable.created_at, Deliverable.id)
            .options(selectinload(Deliverable.lead_organisation))
        )
    )
    grouped: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in updates:
        grouped[update.deliverable_id].append(update)
    moves = [
        ProgressMove(group[0].deliverable, group[0].previous_percent, group[-1].percent, len(group))
        for group in grouped.values()
        if group[0].previous_percent != group[-1].percent
    ]
    moves.sort(key=lambda m: m.deliverable.title.lower())
    return SinceLastMeeting(
        meeting=meeting,
        previous=previous,
        since=since,
        until=until,
        status_changes=changes,
        progress_moves=moves,
        new=new,
        finished=[c for c in changes if c.to_status in FINISHED_STATUSES],
    )


@dataclass
class Card:
    """A deliverable on the board, with its flag and where it may move."""

    deliverable: Deliverable
    risk: Risk
    targets: tuple[DeliverableStatus, ...]


@dataclass
class BoardColumn:
    """One status column of the board."""

    status: DeliverableStatus
    cards: list[Card] = field(default_factory=list)
    total: int = 0

    @property
    def hidden(self) -> int:
        """Cards of this status not shown on the board (see the list instead)."""
        return self.total - len(self.cards)


def drop_origins(session: Session, deliverable_ids: list[int]) -> dict[int, DeliverableStatus]:
    """For dropped deliverables, the status each had when it was last dropped: 1 query."""
    if not deliverable_ids:
        return {}
    rows = session.execute(
        select(
            DeliverableStatusChange.deliverable_id,
            DeliverableStatusChange.from_status,
        )
        .where(
            DeliverableStatusChange.deliverable_id.in_(deliverable_ids),
            DeliverableStatusChange.to_status == DeliverableStatus.DROPPED,
        )
        .order_by(DeliverableStatusChange.at, DeliverableStatusChange.id)
    ).all()
    return {deliverable_id: status for deliverable_id, status in rows}


def filtered_deliverables(
    session: Session,
    organisation_id: int | None = None,
    topic_id: int | None = None,
    status: DeliverableStatus | None = None,
) -> list[Deliverable]:
    """Live deliverables, filtered by organisation (lead or contributor), topic and status."""
    return list(session.scalars(filtered_query(organisation_id, topic_id, status)))


def filtered_query(
    organisation_id: int | None = None,
    topic_id: int | None = None,
    status: DeliverableStatus | None = None,
    owner_id: int | None = None,
) -> Select[Deliverable]:
    """The query behind filtered_deliverables, soonest due first."""
    query = (
        select(Deliverable)
        .where(LIVE)
        .order_by(
            Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title, Deliverable.id
        )
        .options(
            joinedload(Deliverable.lead_organisation),
            joinedload(Deliverable.owner),
            joinedload(Deliverable.health_set_by),
        )
    )
    if owner_id:
        query = query.where(Deliverable.owner_person_id == owner_id)
    if organisation_id:
        query = query.where(
            or_(
                Deliverable.lead_organisation_id == organisation_id,
                Deliverable.id.in_(
                    select(deliverable_contributor.c.deliverable_id).where(
                        deliverable_contributor.c.organisation_id == organisation_id
                    )
                ),
            )
        )
    if topic_id:
        query = query.where(
            Deliverable.id.in_(
                select(deliverable_topic.c.deliverable_id).where(
                    deliverable_topic.c.topic_id == topic_id
                )
            )
        )
    if status:
        query = query.where(Deliverable.status == status)
    return query


BOARD_CARDS_PER_COLUMN = 40


def board(
    session: Session,
    today: date,
    organisation_id: int | None = None,
    per_column: int = BOARD_CARDS_PER_COLUMN,
) -> list[BoardColumn]:
    """One column per status with its soonest-due cards, at most per_column each.

    A fixed number of queries (a count, a page per status, drop origins, leads), so the
    board stays fast with thousands of deliverables; the rest are a click away in the list.
    """
    query = filtered_query(organisation_id)
    totals = dict(
        session.execute(
            select(Deliverable.status, func.count())
            .where(Deliverable.id.in_(query.with_only_columns(Deliverable.id).order_by(None)))
            .group_by(Deliverable.status)
        ).all()
    )
    columns = {
        status: BoardColumn(status, total=totals.get(status, 0)) for status in DeliverableStatus
    }
    shown: list[Deliverable] = []
    for status in DeliverableStatus:
        shown += session.scalars(query.where(Deliverable.status == status).limit(per_column))
    dropped = [d.id for d in shown if d.status == DeliverableStatus.DROPPED]
    origins = drop_origins(session, dropped)
    for d in shown:
        targets = workflow.allowed_targets(d.status, origins.get(d.id))
        columns[d.status].cards.append(Card(d, deliverable_risk(d, today), targets))
    return list(columns.values())


def milestones_by_deliverable(
    session: Session, deliverable_ids: list[int]
) -> dict[int, list[Milestone]]:
    """Milestones of many deliverables, by deliverable id: 1 query."""
    grouped: dict[int, list[Milestone]] = defaultdict(list)
    if deliverable_ids:
        for m in session.scalars(
            select(Milestone)
            .where(Milestone.deliverable_id.in_(deliverable_ids))
            .order_by(Milestone.due_date.is_(None), Milestone.due_date, Milestone.id)
        ):
            grouped[m.deliverable_id].append(m)
    return grouped


def timeline_for(
    session: Session,
    today: date,
    organisation_id: int | None = None,
    topic_id: int | None = None,
    status: DeliverableStatus | None = None,
    window: Window | None = None,
) -> tuple[Timeline, list[Deliverable], dict[int, list[Milestone]]]:
    """The timeline chart, its deliverables (those in the window) and their milestones."""
    deliverables = filtered_deliverables(session, organisation_id, topic_id, status)
    milestones = milestones_by_deliverable(session, [d.id for d in deliverables])
    items = [
        TimelineItem(
            deliverable_id=d.id,
            label=d.title,
            start=d.start_date,
            due=d.due_date,
            percent=d.progress or 0,
            flag=deliverable_risk(d, today).flag,
            milestones=[(m.title, m.due_date, m.done) for m in milestones[d.id] if m.due_date],
        )
        for d in deliverables
    ]
    chart = timeline(items, today, window)
    shown = {row.deliverable_id for row in chart.rows}
    return chart, [d for d in deliverables if d.id in shown], milestones


@dataclass
class OrganisationLine:
    """Deliverables led by one organisation."""

    organisation: Organisation
    count: int
    open: int
    mean_progress: float | None


@dataclass
class Dashboard:
    """Counts by status and lead organisation, overdue and at-risk numbers, overall progress."""

    by_status: list[tuple[DeliverableStatus, str, int]]
    by_organisation: list[OrganisationLine]
    total: int
    counted: int
    overdue: list[Deliverable]
    at_risk: list[Deliverable]
    overall: float | None
    said_on_track: list[Deliverable] = field(default_factory=list)

    @property
    def rules_text(self) -> str:
        """The at-risk rules in words."""
        return current_rules().describe()


def mean(values: list[int]) -> float | None:
    """The arithmetic mean, or None for no values."""
    return round(sum(values) / len(values), 1) if values else None


def overall_progress(deliverables: list[Deliverable]) -> float | None:
    """The mean progress of live, non-dropped deliverables, each weighing the same."""
    return mean([d.progress or 0 for d in deliverables if d.status != DeliverableStatus.DROPPED])


def dashboard(session: Session, today: date) -> Dashboard:
    """The dashboard's numbers: 3 queries.

    The numbers come from a few plain columns of every live deliverable; whole records (with
    their lead, owner and whoever set their health) are loaded only for those listed.
    """
    rules = current_rules()
    rows = session.execute(
        select(
            Deliverable.id,
            Deliverable.status,
            Deliverable.progress,
            Deliverable.start_date,
            Deliverable.due_date,
            Deliverable.lead_organisation_id,
            Deliverable.health,
            Deliverable.first_open_milestone_due,  # type: ignore[attr-defined]
        )
        .where(LIVE)
        .order_by(
            Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title, Deliverable.id
        )
    ).all()
    counts = {status: 0 for status in DeliverableStatus}
    tallies: dict[int, list[int]] = {}
    progress_by_org: dict[int, list[int]] = defaultdict(list)
    flagged: dict[str, list[int]] = {"overdue": [], "at_risk": [], "said_on_track": []}
    for id_, status, progress, start, due, lead_id, health, milestone_due in rows:
        counts[status] += 1
        tally = tallies.setdefault(lead_id, [0, 0])
        tally[0] += 1
        if status not in FINISHED_STATUSES:
            tally[1] += 1
        if status != DeliverableStatus.DROPPED:
            progress_by_org[lead_id].append(progress or 0)
        said = Health(health, "", "", None) if health is not None else None
        risk = assess(
            status,
            progress or 0,
            start,
            due,
            today,
            milestone_due=milestone_due,
            health=said,
            rules=rules,
        )
        if risk.flag == "overdue":
            flagged["overdue"].append(id_)
        elif risk.flag in ("at_risk", "off_track"):
            flagged["at_risk"].append(id_)
        elif risk.health is not None:
            flagged["said_on_track"].append(id_)
    listed = listed_deliverables(session, [i for ids in flagged.values() for i in ids])
    leads = {
        o.id: o
        for o in session.scalars(select(Organisation).where(Organisation.id.in_(list(tallies))))
    }
    lines = [
        OrganisationLine(leads[org_id], count, still_open, mean(progress_by_org[org_id]))
        for org_id, (count, still_open) in tallies.items()
    ]
    kept = [
        progress or 0 for _, status, progress, *_ in rows if status != DeliverableStatus.DROPPED
    ]
    return Dashboard(
        by_status=[(s, label(s), counts[s]) for s in DeliverableStatus],
        by_organisation=sorted(lines, key=lambda x: (-x.count, x.organisation.short_name)),
        total=len(rows),
        counted=len(kept),
        overdue=[listed[i] for i in flagged["overdue"]],
        at_risk=[listed[i] for i in flagged["at_risk"]],
        overall=mean(kept),
        said_on_track=[listed[i] for i in flagged["said_on_track"]],
    )


def listed_deliverables(session: Session, ids: list[int]) -> dict[int, Deliverable]:
    """Deliverables by id, with their lead, owner and health setter: 1 query."""
    if not ids:
        return {}
    query = (
        select(Deliverable)
        .where(Deliverable.id.in_(ids))
        .options(
            joinedload(Deliverable.lead_organisation),
            joinedload(Deliverable.owner),
            joinedload(Deliverable.health_set_by),
        )
    )
    return {d.id: d for d in session.scalars(query)}


FLAGGED_SCAN = 200


def flagged_deliverables(
    session: Session, today: date, limit: int = 10, scan: int = FLAGGED_SCAN
) -> list[tuple[Deliverable, Risk]]:
    """Open deliverables that are overdue or at risk, soonest due first (home page): 1 query.

    Only the `scan` soonest-due open deliverables are weighed, so the home page costs the same
    with 50 or 5,000 deliverables; overdue and nearly due ones always come first in that order.
    """
    open_ones = list(
        session.scalars(
            select(Deliverable)
            .where(LIVE, Deliverable.status.not_in(FINISHED_STATUSES))
            .order_by(
                Deliverable.due_date.is_(None),
                Deliverable.due_date,
                Deliverable.title,
                Deliverable.id,
            )
            .limit(scan)
            .options(joinedload(Deliverable.lead_organisation))
        )
    )
    flagged = [(d, deliverable_risk(d, today)) for d in open_ones]
    return [(d, r) for d, r in flagged if r][:limit]


def tracking_for(session: Session, deliverable: Deliverable) -> DeliverableTracking | None:
    """The deliverable's tracking settings, if any were saved."""
    return session.get(DeliverableTracking, deliverable.id)


def following_milestones(session: Session, deliverable: Deliverable) -> bool:
    """Whether the deliverable's progress follows its milestones."""
    tracking = tracking_for(session, deliverable)
    return tracking is not None and tracking.follow_milestones


def milestone_percent(milestones: list[Milestone]) -> int | None:
    """done / total * 100, rounded down so that 100 % means every milestone is done."""
    if not milestones:
        return None
    done = sum(1 for m in milestones if m.done)
    return done * 100 // len(milestones)


def reopen_status(session: Session, deliverable: Deliverable) -> DeliverableStatus:
    """The status a dropped deliverable returns to: the one it had when it was dropped."""
    previous = session.scalar(
        select(DeliverableStatusChange.from_status)
        .where(
            DeliverableStatusChange.deliverable_id == deliverable.id,
            DeliverableStatusChange.to_status == DeliverableStatus.DROPPED,
        )
        .order_by(DeliverableStatusChange.at.desc(), DeliverableStatusChange.id.desc())
        .limit(1)
    )
    return previous or DeliverableStatus.PLANNED
