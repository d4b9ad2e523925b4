"""What meetings produce: minutes revisions, typed outcomes, action items and attendance."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.i18n import _lp
from tracker.models.base import Base, UTCDateTime, utc_today, utcnow
from tracker.models.core import AgendaItem, Deliverable, Meeting, Organisation, Person
from tracker.models.enums import LABELS, enum_column
from tracker.models.user import User


class OutcomeKind(StrEnum):
    """What an agenda topic produced."""

    INFORMATION = "information"
    DECISION = "decision"
    ACTION = "action"


class ActionStatus(StrEnum):
    """Where an action item stands."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


LABELS[OutcomeKind] = {
    OutcomeKind.INFORMATION: _lp("outcome kind", "Information"),
    OutcomeKind.DECISION: _lp("outcome kind", "Decision"),
    OutcomeKind.ACTION: _lp("outcome kind", "Action"),
}
LABELS[ActionStatus] = {
    ActionStatus.OPEN: _lp("action status", "Open"),
    ActionStatus.DONE: _lp("action status", "Done"),
    ActionStatus.DROPPED: _lp("action status", "Dropped"),
}


class MinutesRevision(Base):
    """One saved version of a meeting's Markdown minutes."""

    __tablename__ = "minutes_revision"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number", name="uq_minutes_revision_meeting_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(sa.Integer)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    after_approval: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    meeting: Mapped[Meeting] = relationship()
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesRevision m{self.meeting_id} #{self.number}>"


class MinutesApproval(Base):
    """The approval of a held meeting's minutes, which locks them."""

    __tablename__ = "minutes_approval"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    revision_number: Mapped[int] = mapped_column(sa.Integer, default=0)

    meeting: Mapped[Meeting] = relationship()
    approved_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MinutesApproval m{self.meeting_id} r{self.revision_number}>"


class Outcome(Base):
    """Information given or a decision taken under one agenda topic."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[OutcomeKind] = mapped_column(enum_column(OutcomeKind))
    text: Mapped[str] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agenda_item: Mapped[AgendaItem] = relationship()

    def __repr__(self) -> str:
        return f"<Outcome {self.id} {self.kind}>"


class ActionItem(Base):
    """Something an organisation (and optionally one of its people) will do by a date."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(1000))
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL"), index=True
    )
    owner_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    owner_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus), default=ActionStatus.OPEN, index=True
    )
    deliverable_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliverable.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # SEQUENCE of its event in the deadline feeds: rises when the due date or status changes.
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    meeting: Mapped[Meeting] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    owner_organisation: Mapped[Organisation] = relationship()
    owner_person: Mapped[Person | None] = relationship()
    deliverable: Mapped[Deliverable | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        """Still to be done."""
        return self.status == ActionStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        """Open and past its due date."""
        return self.is_open and self.due_date < utc_today()

    @property
    def owner_text(self) -> str:
        """The owner as one line: organisation, and the person when there is one."""
        name = self.owner_organisation.short_name
        return f"{name} ({self.owner_person.name})" if self.owner_person else name

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {self.status}>"


class PersonAttendance(Base):
    """A person who attended a meeting on behalf of their organisation."""

    __tablename__ = "person_attendance"
    tracker_audited = True  # who attended belongs in the trail (filed under the meeting id)

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<PersonAttendance m{self.meeting_id} p{self.person_id}>"
