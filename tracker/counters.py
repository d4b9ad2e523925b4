"""Change counters: raised in the writing transaction, read on the state connection.

Each counter is one row of change_counter, keyed by name (models.changes.DATA, FEEDS). A
transaction's flushes note which counters they raise; the commit raises each one once. A bump
is one UPDATE (an INSERT when the row is missing), so it costs a transaction one statement; a read
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


# session.info key: the counters the open transaction raises when it commits.
NOTED = "counters_noted"
BUMP_ORDER = (DATA, FEEDS)  # one order for every transaction, so two never wait on each other


def note_counter(session: Session, name: str) -> None:
    """Have the open transaction raise the named counter when it commits."""
    session.info.setdefault(NOTED, set()).add(name)


def bump_noted_counters(session: Session) -> None:
    """Raise each counter noted in this transaction once, just before it commits.

    Last thing before the COMMIT: on PostgreSQL the counter row stays locked until then, so
    concurrent writers wait on each other for the commit only, not for each other's work.
    """
    noted: set[str] = session.info.pop(NOTED, set())
    for name in BUMP_ORDER:
        if name in noted:
            bump_counter(session, name)


def forget_noted_counters(session: Session) -> None:
    """The transaction ended: what it noted is committed or rolled back."""
    session.info.pop(NOTED, None)


def read_counter(session: Session, name: str) -> CounterState | None:
    """The named counter as committed now, or None when it has never been bumped."""
    row = read_state(session, COUNTER_QUERIES[name])
    if row is None:
        return None
    epoch, counter, second = row
    return CounterState(
        str(epoch), int(counter or 0), datetime.fromtimestamp(int(second or 0), UTC)
    )
