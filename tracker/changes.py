"""What a write sets off: every side effect of a flush, in one stated order.

create_app calls register(app). It attaches one listener per session event to SQLAlchemy's
Session class, so forms, the CLI, operations and tests all go through the same steps without
knowing, and it attaches each listener only once however many apps a process builds. Every
listener runs its list of steps, plain functions of the session, in the order listed.

BEFORE_FLUSH_STEPS run while session.new, dirty and deleted still show what is to be written:

1. bump_sequences: a meeting whose time, place or status changes gets SEQUENCE + 1
   (RFC 5545). First, so that every later step sees the row as it will be written.
2. bump_deadline_sequences: likewise for a deliverable, milestone or action item whose due
   date or status changes, so subscribers see the moved deadline as an update.
3. touch_parents: a meeting whose agenda or organisations change is touched (see touch()):
   its feed event shows a new LAST-MODIFIED and an edit form opened before is refused.
   Before the audit and the counters, which must see the touched meeting.
4. record_audit: one AuditEvent per created, changed or deleted record (tracker.audit), with
   the bumped SEQUENCE among its changes (updated_at and version are left out).
5. count_changes: notes the "data" counter for any change (the page cache) and the "feeds"
   counter for a change that a feed shows; the commit raises them (bump_counters). Last, so
   that what the steps before did is counted too.

AFTER_FLUSH_STEPS run after the rows are written, while session.new, dirty and deleted still
show the flushed objects, now with their primary keys:

1. note_search_keys: notes which search documents the added, changed or deleted records
   affect (tracker.search.indexing); the commit rewrites them (index_search). After the
   flush, because a new record's document is keyed by its id.
2. note_changes: notes which changes call for e-mail (tracker.notify.events), while the old
   values of the flushed rows are still known.

AFTER_FLUSH_POSTEXEC_STEPS run when the flush is done:

1. fill_audit_ids: create events get the id of their new record (written by the next flush).
2. queue_notifications: the messages noted by note_changes go into the outbox, in the same
   transaction as the change (a rollback drops them too). After the flush has finished, so
   that new rows have their relationships and a meeting its bumped SEQUENCE for the .ics.

BEFORE_COMMIT_STEPS run once per transaction, when its outermost commit starts, after a last
flush (a savepoint's release runs none):

1. index_search: the full-text index rewrites the documents noted by note_search_keys, each
   once however often the transaction flushed, in the same transaction as the write. A
   search inside the transaction runs it first, so that it finds what was just written.
2. bump_counters: raises each counter noted by count_changes once. Last before the COMMIT,
   so that on PostgreSQL the counter row is locked for the shortest time.

AFTER_ROLLBACK_STEPS: 1. forget_pending_audit drops the create events of a rolled-back flush.

TRANSACTION_END_STEPS run when the outermost transaction ends, committed or not:
1. forget_search_keys and 2. forget_counters drop what is noted but was not written.

BULK_STEPS run for ORM INSERT, UPDATE and DELETE statements, which skip the flush:

1. count_bulk_changes: notes the same counters as count_changes.

The acting user, whom the audit names, is noted per request by record_actor (a before_request
hook that register adds).

To add a side effect (say, keeping a search index current), write one plain function
`def note_search_keys(session: Session) -> None` and add it to the list where it belongs:
BEFORE_FLUSH_STEPS to look at (or change) what is about to be written, AFTER_FLUSH_STEPS when
it needs the new rows' primary keys, BEFORE_COMMIT_STEPS for work done once per transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from tracker.audit import fill_audit_ids, forget_pending_audit, record_audit, track_old_values
from tracker.calendar.changes import (
    FEED_MODELS,
    bump_deadline_sequences,
    bump_sequence,
    meetings_with_changed_links,
    touches_feeds,
)
from tracker.counters import bump_noted_counters, forget_noted_counters, note_counter
from tracker.extensions import db
from tracker.models import ChangeCounter, Meeting
from tracker.models.changes import DATA, FEEDS
from tracker.notify.events import note_changes, queue_notifications
from tracker.operations import touch
from tracker.search.indexing import forget_search_keys, index_search, note_search_keys

Step = Callable[[Session], None]
BulkStep = Callable[[ORMExecuteState], None]


def bump_sequences(session: Session) -> None:
    """Raise SEQUENCE of every meeting whose time, place or status changes."""
    for obj in session.dirty:
        if isinstance(obj, Meeting):
            bump_sequence(session, obj)


def touch_parents(session: Session) -> None:
    """Touch every live meeting whose agenda or list of organisations changes."""
    for meeting in meetings_with_changed_links(session):
        touch(meeting)


def has_changes(session: Session) -> bool:
    """Whether this flush creates, changes or deletes any record."""
    return bool(
        session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    )


def count_changes(session: Session) -> None:
    """Note the data counter for any change, and the feeds counter for one a feed shows."""
    if has_changes(session):
        note_counter(session, DATA)
    if touches_feeds(session):
        note_counter(session, FEEDS)


def bump_counters(session: Session) -> None:
    """Raise the counters this transaction noted, once each."""
    bump_noted_counters(session)


def forget_counters(session: Session) -> None:
    """Drop the counters noted by a transaction that ended without raising them."""
    forget_noted_counters(session)


def count_bulk_changes(state: ORMExecuteState) -> None:
    """Note counters for bulk statements as count_changes does for flushes (not the counters')."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    if getattr(target, "name", None) != ChangeCounter.__tablename__:
        note_counter(state.session, DATA)
    mapper = state.bind_mapper
    if (
        (state.is_update or state.is_delete)
        and mapper is not None
        and issubclass(mapper.class_, FEED_MODELS)
    ):
        note_counter(state.session, FEEDS)


BEFORE_FLUSH_STEPS: tuple[Step, ...] = (
    bump_sequences,
    bump_deadline_sequences,
    touch_parents,
    record_audit,
    count_changes,
)
AFTER_FLUSH_STEPS: tuple[Step, ...] = (note_search_keys, note_changes)
AFTER_FLUSH_POSTEXEC_STEPS: tuple[Step, ...] = (fill_audit_ids, queue_notifications)
BEFORE_COMMIT_STEPS: tuple[Step, ...] = (index_search, bump_counters)
AFTER_ROLLBACK_STEPS: tuple[Step, ...] = (forget_pending_audit,)
TRANSACTION_END_STEPS: tuple[Step, ...] = (forget_search_keys, forget_counters)
BULK_STEPS: tuple[BulkStep, ...] = (count_bulk_changes,)


def run_before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    """The before_flush listener: run BEFORE_FLUSH_STEPS in order."""
    for step in BEFORE_FLUSH_STEPS:
        step(session)


def run_after_flush(session: Session, flush_context: Any) -> None:
    """The after_flush listener: run AFTER_FLUSH_STEPS in order."""
    for step in AFTER_FLUSH_STEPS:
        step(session)


def run_after_flush_postexec(session: Session, flush_context: Any) -> None:
    """The after_flush_postexec listener: run AFTER_FLUSH_POSTEXEC_STEPS in order."""
    for step in AFTER_FLUSH_POSTEXEC_STEPS:
        step(session)


def run_before_commit(session: Session) -> None:
    """The before_commit listener: at the outermost commit, flush, then BEFORE_COMMIT_STEPS."""
    if session.in_nested_transaction():
        return  # a savepoint is released: its writes are the outer transaction's
    session.flush()
    for step in BEFORE_COMMIT_STEPS:
        step(session)


def run_after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """The after_transaction_end listener: when the outermost ends, TRANSACTION_END_STEPS."""
    if transaction.parent is None:
        for step in TRANSACTION_END_STEPS:
            step(session)


def run_after_rollback(session: Session) -> None:
    """The after_rollback listener: run AFTER_ROLLBACK_STEPS in order."""
    for step in AFTER_ROLLBACK_STEPS:
        step(session)


def run_bulk_steps(state: ORMExecuteState) -> None:
    """The do_orm_execute listener: run BULK_STEPS in order."""
    for step in BULK_STEPS:
        step(state)


LISTENERS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("before_flush", run_before_flush),
    ("after_flush", run_after_flush),
    ("after_flush_postexec", run_after_flush_postexec),
    ("before_commit", run_before_commit),
    ("after_rollback", run_after_rollback),
    ("after_transaction_end", run_after_transaction_end),
    ("do_orm_execute", run_bulk_steps),
)


def record_actor() -> None:
    """Note the logged-in user (or nobody) as the author of this request's writes."""
    db.session.info["actor_id"] = current_user.id if current_user.is_authenticated else None


def register(app: Flask) -> None:
    """Run the steps on every session's flushes (once per process) and note the acting user."""
    track_old_values()
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.before_request(record_actor)
