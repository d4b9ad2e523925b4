"""What the HTML archive shows: only what an anonymous reader may see, loaded for the writer.

Nothing soft-deleted, minutes, notes, outcomes and actions only once the minutes are approved,
no e-mail addresses and no audit trail.
The whole archive is read in a fixed number of queries, whatever the data size (the pages'
own loaders in tracker.outcomes.queries run several queries per meeting or topic, which made
ten years take minutes); the records are grouped here into the same shapes those loaders
give (AgendaOutcomes, AttendanceRow, TimelineEntry, TopicTimeline, SeriesAttendance), so the
archive's templates read like the tracker's. Progress histories are read a batch of
deliverables at a time while the pages are written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.markdown import render_markdown
from tracker.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Deliverable,
    DeliverableStatusChange,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    Organisation,
    Outcome,
    OutcomeKind,
    Participation,
    PersonAttendance,
    ProgressUpdate,
    Series,
    Topic,
    utcnow,
)
from tracker.outcomes.queries import (
    AgendaOutcomes,
    AttendanceRow,
    SeriesAttendance,
    TimelineEntry,
    TopicTimeline,
    action_loads,
)
from tracker.progress.charts import ProgressChart, progress_chart

LIVE_MEETING = Meeting.deleted_at.is_(None)
LIVE_DELIVERABLE = Deliverable.deleted_at.is_(None)
PROGRESS_BATCH = 500


@dataclass
class Decision:
    """A decision with the meeting and agenda topic it was taken under."""

    meeting: Meeting
    item: AgendaItem
    outcome: Outcome


@dataclass
class MeetingRecord:
    """What a meeting produced: attendance, agenda with outcomes and actions, other actions."""

    attendance: list[AttendanceRow]
    agenda: list[AgendaOutcomes]
    other_actions: list[ActionItem]


@dataclass
class MeetingPage:
    """One meeting: its record, its approved minutes and the deliverables agreed there."""

    meeting: Meeting
    outcomes: MeetingRecord
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
    """Every public record of the initiative, grouped the way the pages show them."""

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
    records: dict[int, MeetingRecord] = field(default_factory=dict)
    approved: set[int] = field(default_factory=set)
    timelines: dict[int, list[TimelineEntry]] = field(default_factory=dict)
    by_topic: dict[int, list[Deliverable]] = field(default_factory=dict)

    def meeting_page(self, meeting: Meeting) -> MeetingPage:
        """Everything the meeting's page shows."""
        approved = meeting.id in self.approved
        minutes = render_markdown(meeting.minutes) if approved and meeting.minutes else None
        deliverables = [d for d in self.deliverables if d.meeting_id == meeting.id]
        return MeetingPage(meeting, self.records[meeting.id], minutes, deliverables)

    def topic_page(self, topic: Topic) -> TopicTimeline:
        """The topic's timeline across live meetings, with its live deliverables."""
        if not self.by_topic:
            for deliverable in self.deliverables:  # already by due date, undated last, id
                for linked in deliverable.topics:
                    self.by_topic.setdefault(linked.id, []).append(deliverable)
        return TopicTimeline(
            topic, self.timelines.get(topic.id, []), self.by_topic.get(topic.id, [])
        )

    def organisation_page(self, organisation: Organisation) -> OrganisationPage:
        """Where the organisation took part, what it leads and what it owns."""
        participations = sorted(
            (
                p
                for group in self.meetings.values()
                for m in group
                for p in m.participations
                if p.organisation_id == organisation.id
            ),
            key=lambda p: (p.meeting.starts_at, p.meeting_id),
        )
        per_series: dict[int, list[int]] = {}
        for p in participations:
            if p.meeting.status == MeetingStatus.HELD:
                counts = per_series.setdefault(p.meeting.series_id, [0, 0])
                counts[0] += p.attendance == Attendance.ATTENDED
                counts[1] += 1
        names = {s.id: s.name for s in self.series}
        attendance = sorted(
            (
                SeriesAttendance(sid, names[sid], done, held)
                for sid, (done, held) in per_series.items()
            ),
            key=lambda row: row.series_name,
        )
        leads = [d for d in self.deliverables if d.lead_organisation_id == organisation.id]
        actions = [a for a in self.actions if a.owner_organisation_id == organisation.id]
        return OrganisationPage(organisation, attendance, participations, leads, actions)

    def deliverable_pages(self) -> Iterator[DeliverablePage]:
        """Each live deliverable's page, reading progress histories a batch at a time."""
        for start in range(0, len(self.deliverables), PROGRESS_BATCH):
            batch = self.deliverables[start : start + PROGRESS_BATCH]
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


def live_meetings(session: Session) -> dict[int, list[Meeting]]:
    """Live meetings by series, in number order, with their organisations and people."""
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in session.scalars(
        select(Meeting)
        .where(LIVE_MEETING)
        .order_by(Meeting.series_id, Meeting.number)
        .options(
            selectinload(Meeting.series),
            selectinload(Meeting.participations)
            .selectinload(Participation.organisation)
            .selectinload(Organisation.people),
        )
    ):
        meetings[meeting.series_id].append(meeting)
    return dict(meetings)


def meeting_records(
    session: Session, meetings: dict[int, Meeting]
) -> tuple[dict[int, MeetingRecord], dict[int, list[TimelineEntry]], list[Decision]]:
    """Each live meeting's record, each topic's timeline entries and all decisions."""
    items = list(
        session.scalars(
            select(AgendaItem)
            .join(Meeting)
            .where(LIVE_MEETING)
            .order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
            .options(selectinload(AgendaItem.topic))
        )
    )
    agenda = {item.id: AgendaOutcomes(item) for item in items}
    entries = {item.id: TimelineEntry(meetings[item.meeting_id], item) for item in items}
    for outcome in session.scalars(
        select(Outcome)
        .join(AgendaItem)
        .join(Meeting)
        .where(LIVE_MEETING)
        .order_by(Outcome.created_at, Outcome.id)
    ):
        agenda[outcome.agenda_item_id].outcomes.append(outcome)
        entries[outcome.agenda_item_id].outcomes.append(outcome)
    for entry in entries.values():
        entry.outcomes.sort(key=lambda o: o.id)
    present: dict[int, set[int]] = defaultdict(set)
    for meeting_id, person_id in session.execute(
        select(PersonAttendance.meeting_id, PersonAttendance.person_id)
    ):
        present[meeting_id].add(person_id)
    records: dict[int, MeetingRecord] = {}
    for meeting in meetings.values():
        rows = []
        for p in sorted(meeting.participations, key=lambda p: p.organisation.short_name):
            people = list(p.organisation.people)
            came = [person for person in people if person.id in present[meeting.id]]
            rows.append(AttendanceRow(p, people, came))
        records[meeting.id] = MeetingRecord(rows, [], [])
    for item in items:
        records[item.meeting_id].agenda.append(agenda[item.id])
    decisions = [
        Decision(meetings[item.meeting_id], item, outcome)
        for item in items
        for outcome in agenda[item.id].outcomes
        if outcome.kind == OutcomeKind.DECISION
    ]
    decisions.sort(key=lambda d: (d.meeting.starts_at, d.meeting.id, d.item.position, d.outcome.id))
    timelines: dict[int, list[TimelineEntry]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (meetings[i.meeting_id].starts_at, i.meeting_id)):
        timelines[item.topic_id].append(entries[item.id])
    return records, dict(timelines), decisions


def live_actions(session: Session) -> list[ActionItem]:
    """Every action agreed at a live meeting, by due date."""
    return list(
        session.scalars(
            select(ActionItem)
            .join(Meeting, ActionItem.meeting_id == Meeting.id)
            .where(LIVE_MEETING)
            .order_by(ActionItem.due_date, ActionItem.id)
            .options(*action_loads())
        )
    )


def file_actions(
    actions: list[ActionItem],
    records: dict[int, MeetingRecord],
    timelines: dict[int, list[TimelineEntry]],
) -> None:
    """Put each action under its agenda topic (meeting page and topic timeline) or with its
    meeting's other actions, in the order the tracker's pages use."""
    agenda = {a.item.id: a for record in records.values() for a in record.agenda}
    entries = {e.item.id: e for group in timelines.values() for e in group}
    for action in sorted(actions, key=lambda a: (a.created_at, a.id)):
        if action.agenda_item_id in agenda:
            agenda[action.agenda_item_id].actions.append(action)
        else:
            records[action.meeting_id].other_actions.append(action)
    for action in actions:  # already by due date, then id
        if action.agenda_item_id in entries:
            entries[action.agenda_item_id].actions.append(action)


def load_archive(session: Session, today: date | None = None) -> Archive:
    """The whole public archive in a fixed number of queries."""
    meetings = live_meetings(session)
    by_id = {m.id: m for group in meetings.values() for m in group}
    approved = set(
        session.scalars(
            select(MinutesApproval.meeting_id).where(
                MinutesApproval.meeting_id.in_(select(Meeting.id).where(LIVE_MEETING))
            )
        )
    )
    records, timelines, decisions = meeting_records(session, by_id)
    # Drafts are drafts: outcomes and actions only of meetings whose minutes are approved.
    decisions = [d for d in decisions if d.meeting.id in approved]
    actions = [a for a in live_actions(session) if a.meeting_id in approved]
    file_actions(actions, records, timelines)
    deliverables = list(
        session.scalars(
            select(Deliverable)
            .where(LIVE_DELIVERABLE)
            .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.id)
            .options(
                selectinload(Deliverable.lead_organisation),
                selectinload(Deliverable.contributors),
                selectinload(Deliverable.topics),
                selectinload(Deliverable.meeting),
            )
        )
    )
    now = utcnow()
    return Archive(
        session=session,
        generated_at=now,
        today=today or now.date(),
        series=list(session.scalars(select(Series).order_by(Series.name))),
        meetings=meetings,
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
        live_meeting_ids=set(by_id),
        live_deliverable_ids={d.id for d in deliverables},
        records=records,
        approved=approved,
        timelines=timelines,
    )
