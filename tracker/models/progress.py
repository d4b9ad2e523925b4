"""Deliverable progress: status changes, progress updates, milestones and tracking settings."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.core import Deliverable
from tracker.models.enums import DeliverableStatus, enum_column
from tracker.models.user import User


class DeliverableStatusChange(Base):
    """One recorded move of a deliverable from one status to another."""

    __tablename__ = "deliverable_status_change"
    # Already a history; the deliverable's own audit event records the status change.
    tracker_audited = False
    __table_args__ = (
        sa.Index("ix_deliverable_status_change_deliverable_at", "deliverable_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(sa.ForeignKey("deliverable.id"))
    from_status: Mapped[DeliverableStatus] = mapped_column(enum_column(DeliverableStatus))
    to_status: Mapped[DeliverableStatus] = mapped_column(enum_column(DeliverableStatus))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    deliverable: Mapped[Deliverable] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return (
            f"<DeliverableStatusChange d{self.deliverable_id} {self.from_status}->{self.to_status}>"
        )


class ProgressUpdate(Base):
    """A dated progress percentage with a short note and its author."""

    __tablename__ = "progress_update"
    # Already a history; the deliverable's own audit event records the new percentage.
    tracker_audited = False
    __table_args__ = (
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        sa.CheckConstraint(
            "previous_percent >= 0 AND previous_percent <= 100", name="previous_percent_range"
        ),
        sa.Index("ix_progress_update_deliverable_created", "deliverable_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(sa.ForeignKey("deliverable.id"))
    recorded_on: Mapped[date] = mapped_column(sa.Date)
    previous_percent: Mapped[int] = mapped_column(sa.Integer)
    percent: Mapped[int] = mapped_column(sa.Integer)
    note: Mapped[str] = mapped_column(sa.String(300))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    deliverable: Mapped[Deliverable] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ProgressUpdate d{self.deliverable_id} {self.previous_percent}->{self.percent}>"


class Milestone(Base):
    """A dated step towards a deliverable, done or not."""

    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(sa.ForeignKey("deliverable.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    done: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SEQUENCE of its event in the deadline feeds: rises when the due date or done changes.
    sequence: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    deliverable: Mapped[Deliverable] = relationship()

    def __repr__(self) -> str:
        return f"<Milestone {self.id} d{self.deliverable_id} {self.title!r}>"


# The earliest due date of a deliverable's open milestones, loaded with the deliverable itself
# (a correlated subquery, no extra query) so the at-risk flag can see a missed milestone.
Deliverable.first_open_milestone_due = column_property(  # type: ignore[attr-defined]
    sa.select(sa.func.min(Milestone.due_date))
    .where(Milestone.deliverable_id == Deliverable.id, Milestone.done.is_(False))
    .correlate_except(Milestone)
    .scalar_subquery()
)


class DeliverableTracking(Base):
    """How a deliverable's progress is kept: by hand, or following its milestones."""

    __tablename__ = "deliverable_tracking"

    deliverable_id: Mapped[int] = mapped_column(sa.ForeignKey("deliverable.id"), primary_key=True)
    follow_milestones: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    deliverable: Mapped[Deliverable] = relationship()

    @property
    def id(self) -> int:
        """The deliverable's id, so the audit trail can name the row."""
        return self.deliverable_id

    def __repr__(self) -> str:
        return f"<DeliverableTracking d{self.deliverable_id} milestones={self.follow_milestones}>"
