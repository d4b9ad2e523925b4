"""Change counters: one row per name, raised by tracker.changes on every write that matters."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

# Any created, changed or deleted record: the page cache's counter.
DATA = "data"
# Anything a calendar feed shows: the feeds' ETag and Last-Modified.
FEEDS = "feeds"


def new_epoch() -> str:
    """A random identity for one database's counter."""
    return secrets.token_hex(16)


class ChangeCounter(Base):
    """A named counter of committed changes, with the second of the last one.

    changed_second is Unix time in whole seconds and strictly increases with every bump, so
    If-Modified-Since stays right when two changes land within one second. epoch is random
    per database, so ETags made from another database (or a fresh test one) never match.
    """

    __tablename__ = "change_counter"
    tracker_audited = False

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    counter: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    changed_second: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(sa.String(32), default=new_epoch)

    def __repr__(self) -> str:
        return f"<ChangeCounter {self.name} {self.counter}>"
