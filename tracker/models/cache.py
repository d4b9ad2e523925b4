"""A counter of every data change, so cached pages are never served stale across workers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

DATA_STATE_ID = 1


class DataState(Base):
    """The single row whose counter rises with every committed write of any record."""

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    def __repr__(self) -> str:
        return f"<DataState {self.counter}>"
