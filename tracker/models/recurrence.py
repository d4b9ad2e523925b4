"""A series' recurrence rule: how its meetings repeat (RFC 5545 RRULE, in the series' zone)."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.i18n import _lp
from tracker.models.base import Base, Timestamped, Versioned
from tracker.models.enums import LABELS, enum_column

if TYPE_CHECKING:
    from tracker.models.core import Series


class Frequency(StrEnum):
    """How a rule repeats."""

    WEEKLY = "weekly"
    MONTHLY_DAY = "monthly_day"
    MONTHLY_WEEKDAY = "monthly_weekday"


LABELS[Frequency] = {
    Frequency.WEEKLY: _lp("repeat", "Weekly"),
    Frequency.MONTHLY_DAY: _lp("repeat", "Monthly day"),
    Frequency.MONTHLY_WEEKDAY: _lp("repeat", "Monthly weekday"),
}


class SeriesRule(Versioned, Timestamped, Base):
    """When a series meets: every N weeks, or every N months on a day or a weekday position."""

    __tablename__ = "series_rule"
    __table_args__ = (
        sa.CheckConstraint("interval >= 1", name="interval_positive"),
        sa.CheckConstraint("length_minutes >= 1", name="length_positive"),
        sa.CheckConstraint("count IS NULL OR count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id"), unique=True)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    # Every interval weeks (weekly) or months (monthly).
    interval: Mapped[int] = mapped_column(sa.Integer, default=1)
    # The first day the rule may fall on (DTSTART); weekly rules repeat on its weekday.
    first_day: Mapped[date] = mapped_column(sa.Date)
    # Monthly by day of month: 1..31 (months without that day are skipped, per RFC 5545).
    month_day: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    # Monthly by weekday position: weekday 0 (Monday)..6 and position 1..5 or -1 (last).
    weekday: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    position: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    start_time: Mapped[time] = mapped_column(sa.Time)
    length_minutes: Mapped[int] = mapped_column(sa.Integer)
    # An IANA zone; empty means the series' own zone.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="")
    # The end: the last day occurrences may fall on, a number of occurrences, or neither.
    until: Mapped[date | None] = mapped_column(sa.Date, default=None)
    count: Mapped[int | None] = mapped_column(sa.Integer, default=None)

    series: Mapped[Series] = relationship(back_populates="rule")

    @property
    def zone_name(self) -> str:
        """The zone occurrences are computed in: the rule's own, else the series'."""
        return self.timezone or self.series.timezone

    def __repr__(self) -> str:
        return f"<SeriesRule {self.id} s{self.series_id} {self.frequency}>"
