"""The domain: series, organisations, people, meetings, topics and deliverables."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, Timestamped, UTCDateTime, Versioned, utc_today, utcnow
from tracker.models.enums import (
    FINISHED_STATUSES,
    Attendance,
    DeliverableHealth,
    DeliverableKind,
    DeliverableStatus,
    MeetingStatus,
    OrganisationKind,
    TopicStatus,
    enum_column,
)

if TYPE_CHECKING:
    from tracker.models.recurrence import SeriesRule
    from tracker.models.user import User

deliverable_contributor = sa.Table(
    "deliverable_contributor",
    Base.metadata,
    sa.Column("deliverable_id", sa.ForeignKey("deliverable.id"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id"), primary_key=True),
)

deliverable_topic = sa.Table(
    "deliverable_topic",
    Base.metadata,
    sa.Column("deliverable_id", sa.ForeignKey("deliverable.id"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topic.id"), primary_key=True),
)


class Series(Versioned, Timestamped, Base):
    """A meeting series, such as the Borderless AI Initiative's meetings."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64))

    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.number"
    )
    rule: Mapped[SeriesRule | None] = relationship(
        back_populates="series", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.name!r}>"


class Organisation(Versioned, Timestamped, Base):
    """A partner organisation, usually a national AI organisation."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    country: Mapped[str] = mapped_column(sa.String(2))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind))
    website: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # Working hours in the organisation's zone; the scheduling helper warns outside them.
    work_start: Mapped[time] = mapped_column(
        sa.Time, default=time(9, 0), server_default=sa.text("'09:00:00'")
    )
    work_end: Mapped[time] = mapped_column(
        sa.Time, default=time(18, 0), server_default=sa.text("'18:00:00'")
    )

    people: Mapped[list[Person]] = relationship(
        back_populates="organisation", order_by="Person.name, Person.id"
    )
    participations: Mapped[list[Participation]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.short_name!r}>"


class Person(Versioned, Timestamped, Base):
    """A representative of an organisation who attends meetings and owns actions."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(200), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="people")

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name!r}>"


class Topic(Versioned, Timestamped, Base):
    """A discussion topic that comes back across meetings."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[TopicStatus] = mapped_column(enum_column(TopicStatus), default=TopicStatus.OPEN)

    agenda_items: Mapped[list[AgendaItem]] = relationship(back_populates="topic")
    deliverables: Mapped[list[Deliverable]] = relationship(
        secondary=deliverable_topic, back_populates="topics"
    )

    def __repr__(self) -> str:
        return f"<Topic {self.id} {self.title!r}>"


def new_uid() -> str:
    """A calendar UID fixed at creation and never derived from editable fields."""
    return f"{uuid.uuid4()}@borderless-ai-tracker"


class Meeting(Versioned, Timestamped, Base):
    """One meeting of a series."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "number", name="uq_meeting_series_id_number"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.UniqueConstraint("series_id", "occurrence", name="uq_meeting_series_id_occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True, default=new_uid)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.PLANNED
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Which occurrence of the series' rule this meeting is: its original local start (naive,
    # in the rule's zone). Kept when the meeting is moved or skipped, so it is never planned
    # again; None for meetings planned by hand.
    occurrence: Mapped[datetime | None] = mapped_column(sa.DateTime, default=None)

    series: Mapped[Series] = relationship(back_populates="meetings")
    participations: Mapped[list[Participation]] = relationship(
        back_populates="meeting",
        order_by="Participation.organisation_id",
        cascade="all, delete-orphan",
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position, AgendaItem.id",
        cascade="all, delete-orphan",
    )
    deliverables: Mapped[list[Deliverable]] = relationship(back_populates="meeting")

    @property
    def zone(self) -> ZoneInfo:
        """The IANA zone the meeting was planned in."""
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """The start in the meeting's own zone."""
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        """The end in the meeting's own zone."""
        return self.ends_at.astimezone(self.zone)

    @property
    def is_upcoming(self) -> bool:
        """Whether the meeting has not ended yet."""
        return self.ends_at > utcnow()

    def __repr__(self) -> str:
        return f"<Meeting {self.id} #{self.number} {self.title!r}>"


class Participation(Base):
    """An organisation taking part in a meeting, with its attendance state."""

    __tablename__ = "participation"
    tracker_audited = True  # attendance changes belong in the trail (filed under the meeting id)

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id"), primary_key=True, index=True
    )
    attendance: Mapped[Attendance] = mapped_column(
        enum_column(Attendance), default=Attendance.INVITED
    )

    meeting: Mapped[Meeting] = relationship(back_populates="participations")
    organisation: Mapped[Organisation] = relationship(back_populates="participations")

    def __repr__(self) -> str:
        return f"<Participation m{self.meeting_id} o{self.organisation_id} {self.attendance}>"


class AgendaItem(Versioned, Base):
    """A topic on a meeting's ordered agenda."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "topic_id", name="uq_agenda_item_meeting_id_topic_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topic.id"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    topic: Mapped[Topic] = relationship(back_populates="agenda_items")

    def __repr__(self) -> str:
        return f"<AgendaItem m{self.meeting_id} t{self.topic_id} @{self.position}>"


class Deliverable(Versioned, Timestamped, Base):
    """A follow-up output of the initiative, such as a policy recommendation paper."""

    __tablename__ = "deliverable"
    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[DeliverableKind] = mapped_column(enum_column(DeliverableKind))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    lead_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    status: Mapped[DeliverableStatus] = mapped_column(
        enum_column(DeliverableStatus), default=DeliverableStatus.PLANNED
    )
    progress: Mapped[int] = mapped_column(sa.Integer, default=0)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    document_url: Mapped[str] = mapped_column(sa.String(500), default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # SEQUENCE of the due-date event in the feeds: rises when the due date or status changes.
    deadline_sequence: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # The person who answers for the deliverable, beside its lead organisation.
    owner_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True, default=None
    )
    # A health said by the lead or an organiser; it overrides the computed flag until the next
    # progress update (which clears it).
    health: Mapped[DeliverableHealth | None] = mapped_column(
        enum_column(DeliverableHealth), default=None
    )
    health_reason: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    health_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    health_set_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    lead_organisation: Mapped[Organisation] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_person_id])
    health_set_by: Mapped[User | None] = relationship(foreign_keys=[health_set_by_id])
    contributors: Mapped[list[Organisation]] = relationship(
        secondary=deliverable_contributor, order_by="Organisation.short_name"
    )
    topics: Mapped[list[Topic]] = relationship(
        secondary=deliverable_topic, back_populates="deliverables", order_by="Topic.title"
    )
    meeting: Mapped[Meeting | None] = relationship(back_populates="deliverables")

    @property
    def is_done(self) -> bool:
        """Published or dropped: nothing more is expected."""
        return self.status in FINISHED_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Past its due date and not done."""
        return self.due_date is not None and not self.is_done and self.due_date < utc_today()

    def __repr__(self) -> str:
        return f"<Deliverable {self.id} {self.title!r}>"
