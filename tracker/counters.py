"""Change counters: raised in the writing transaction, read on the state connection.

Each counter is one row of change_counter, keyed by name (models.changes.DATA, FEEDS). A bump
is one UPDATE (an INSERT when the row is missing), so it costs a flush one statement; a read
is one plain SELECT on the process's state connection (tracker.state_reader), so it costs a
request no pooled connection and sees another worker's commit at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import ChangeCounter, utcnow
from tracker.models.changes import DATA, FEEDS, new_epoch
from tracker.state_reader import read_state

# Fixed literals: the state reader runs statements without parameters.
COUNTER_QUERIES = {
    DATA: "SELECT epoch, counter, changed_second FROM change_counter WHERE name = 'data'",
    FEEDS: "SELECT epoch, counter, changed_second FROM change_counter WHERE name = 'feeds'",
}


class CounterState(NamedTuple):
    """What a counter says: its database's epoch, its count and the instant of its last bump."""

    epoch: str
    counter: int
    changed_at: datetime


def bump_counter(session: Session, name: str) -> None:
    """Raise the named counter in the current transaction and move its second strictly forward.

    Update, else insert: the UPDATE comes first so that, on PostgreSQL, the row is locked by
    the statement that reads it. Both SET expressions see the row as it was.
    """
    table = cast(sa.Table, ChangeCounter.__table__)
    now = int(utcnow().timestamp())
    connection = session.connection()
    second = table.c.changed_second
    updated = connection.execute(
        sa.update(table)
        .where(table.c.name == name)
        .values(
            counter=table.c.counter + 1,
            changed_second=sa.case((second < now, now), else_=second + 1),
        )
    )
    if updated.rowcount == 0:
        connection.execute(
            sa.insert(table).values(name=name, counter=1, changed_second=now, epoch=new_epoch())
        )


def read_counter(session: Session, name: str) -> CounterState | None:
    """The named counter as committed now, or None when it has never been bumped."""
    row = read_state(session, COUNTER_QUERIES[name])
    if row is None:
        return None
    epoch, counter, second = row
    return CounterState(
        str(epoch), int(counter or 0), datetime.fromtimestamp(int(second or 0), UTC)
    )
