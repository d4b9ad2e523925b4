"""What the HTML archive shows: only what an anonymous reader may see, loaded for the writer.

Nothing soft-deleted, minutes only once approved, no e-mail addresses and no audit trail.
Lists are loaded up front in a few queries; each meeting, topic, organisation and deliverable
page is loaded when the writer asks for it (tracker.outcomes.queries' loaders where they fit),
so the archive of ten years never sits in memory as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.markdown import render_markdown
from tracker.models import (
    ActionItem,
    AgendaItem,
    Deliverable,
    DeliverableStatusChange,
    Meeting,
    MinutesApproval,
    Organisation,
    Outcome,
    OutcomeKind,
    Participation,
    ProgressUpdate,
    Series,
    Topic,
    utcnow,
)
from tracker.outcomes.queries import (
    MeetingOutcomes,
    SeriesAttendance,
    TopicTimeline,
    meeting_outcomes,
    organisation_attendance,
    topic_timeline,
)
from tracker.progress.charts import ProgressChart, progress_chart

LIVE_MEETING = Meeting.deleted_at.is_(None)
LIVE_DELIVERABLE = Deliverable.deleted_at.is_(None)


@dataclass
class Decision:
    """A decision with the meeting and agenda topic it was taken under."""

    meeting: Meeting
    item: AgendaItem
    outcome: Outcome


@dataclass
class MeetingPage:
    """One meeting: attendance, agenda with outcomes and actions, and its approved minutes."""

    meeting: Meeting
    outcomes: MeetingOutcomes
    minutes: Markup | None
    deliverables: list[Deliverable]


@dataclass
class OrganisationPage:
    """An organisation's participation: attendance per series, meetings, deliverables led."""

    organisation: Organisation
    attendance: list[SeriesAttendance]
    participations: list[Participation]
    leads: list[Deliverable]
    actions: list[ActionItem]


@dataclass
class DeliverablePage:
    """A deliverable with its progress history, status history and chart."""

    deliverable: Deliverable
    updates: list[ProgressUpdate]
    status_changes: list[DeliverableStatusChange]
    chart: ProgressChart


@dataclass
class Archive:
    """The lists of the archive, and loaders for its detail pages."""

    session: Session
    generated_at: datetime
    today: date
    series: list[Series]
    meetings: dict[int, list[Meeting]]
    topics: list[Topic]
    organisations: list[Organisation]
    deliverables: list[Deliverable]
    decisions: list[Decision]
    actions: list[ActionItem]
    live_meeting_ids: set[int] = field(default_factory=set)
    live_deliverable_ids: set[int] = field(default_factory=set)

    def meeting_page(self, meeting: Meeting) -> MeetingPage:
        """Everything the meeting's page shows."""
        outcomes = meeting_outcomes(self.session, meeting)
        approved = self.session.get(MinutesApproval, meeting.id) is not None
        minutes = render_markdown(meeting.minutes) if approved and meeting.minutes else None
        deliverables = [d for d in self.deliverables if d.meeting_id == meeting.id]
        return MeetingPage(meeting, outcomes, minutes, deliverables)

    def topic_page(self, topic: Topic) -> TopicTimeline:
        """The topic's timeline across live meetings, with its live deliverables."""
        return topic_timeline(self.session, topic)

    def organisation_page(self, organisation: Organisation) -> OrganisationPage:
        """Where the organisation took part, what it leads and what it owns."""
        participations = list(
            self.session.scalars(
                select(Participation)
                .join(Meeting)
                .where(Participation.organisation_id == organisation.id, LIVE_MEETING)
                .order_by(Meeting.starts_at, Meeting.id)
                .options(selectinload(Participation.meeting).selectinload(Meeting.series))
            )
        )
        leads = [d for d in self.deliverables if d.lead_organisation_id == organisation.id]
        actions = [a for a in self.actions if a.owner_organisation_id == organisation.id]
        return OrganisationPage(
            organisation,
            organisation_attendance(self.session, organisation),
            participations,
            leads,
            actions,
        )

    def deliverable_pages(self) -> Any:
        """Each live deliverable's page, loading progress histories a batch at a time."""
        batch_size = 500
        for start in range(0, len(self.deliverables), batch_size):
            batch = self.deliverables[start : start + batch_size]
            ids = [d.id for d in batch]
            updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
            for update in self.session.scalars(
                select(ProgressUpdate)
                .where(ProgressUpdate.deliverable_id.in_(ids))
                .order_by(ProgressUpdate.created_at, ProgressUpdate.id)
            ):
                updates[update.deliverable_id].append(update)
            changes: dict[int, list[DeliverableStatusChange]] = defaultdict(list)
            for change in self.session.scalars(
                select(DeliverableStatusChange)
                .where(DeliverableStatusChange.deliverable_id.in_(ids))
                .order_by(DeliverableStatusChange.at, DeliverableStatusChange.id)
            ):
                changes[change.deliverable_id].append(change)
            for deliverable in batch:
                history = [
                    (u.recorded_on, u.previous_percent, u.percent) for u in updates[deliverable.id]
                ]
                chart = progress_chart(
                    history,
                    deliverable.start_date,
                    deliverable.due_date,
                    self.today,
                    deliverable.title,
                    deliverable.progress or 0,
                )
                yield DeliverablePage(
                    deliverable, updates[deliverable.id], changes[deliverable.id], chart
                )


def load_archive(session: Session, today: date | None = None) -> Archive:
    """The archive's lists in a fixed number of queries."""
    series = list(session.scalars(select(Series).order_by(Series.name)))
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    live_meetings = session.scalars(
        select(Meeting)
        .where(LIVE_MEETING)
        .order_by(Meeting.series_id, Meeting.number)
        .options(selectinload(Meeting.participations))
    )
    for meeting in live_meetings:
        meetings[meeting.series_id].append(meeting)
    live_meeting_ids = {m.id for group in meetings.values() for m in group}
    deliverables = list(
        session.scalars(
            select(Deliverable)
            .where(LIVE_DELIVERABLE)
            .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.id)
            .options(
                selectinload(Deliverable.lead_organisation),
                selectinload(Deliverable.contributors),
                selectinload(Deliverable.topics),
            )
        )
    )
    decisions = [
        Decision(meeting, item, outcome)
        for outcome, item, meeting in session.execute(
            select(Outcome, AgendaItem, Meeting)
            .join(AgendaItem, Outcome.agenda_item_id == AgendaItem.id)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(Outcome.kind == OutcomeKind.DECISION, LIVE_MEETING)
            .order_by(Meeting.starts_at, Meeting.id, AgendaItem.position, Outcome.id)
            .options(selectinload(AgendaItem.topic))
        )
    ]
    actions = list(
        session.scalars(
            select(ActionItem)
            .join(Meeting, ActionItem.meeting_id == Meeting.id)
            .where(LIVE_MEETING)
            .order_by(ActionItem.due_date, ActionItem.id)
            .options(
                selectinload(ActionItem.owner_organisation),
                selectinload(ActionItem.owner_person),
                selectinload(ActionItem.meeting),
                selectinload(ActionItem.deliverable),
            )
        )
    )
    now = utcnow()
    return Archive(
        session=session,
        generated_at=now,
        today=today or now.date(),
        series=series,
        meetings=dict(meetings),
        topics=list(session.scalars(select(Topic).order_by(Topic.title))),
        organisations=list(
            session.scalars(
                select(Organisation)
                .order_by(Organisation.name)
                .options(selectinload(Organisation.people))
            )
        ),
        deliverables=deliverables,
        decisions=decisions,
        actions=actions,
        live_meeting_ids=live_meeting_ids,
        live_deliverable_ids={d.id for d in deliverables},
    )
