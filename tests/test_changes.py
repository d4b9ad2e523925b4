"""What a write sets off (tracker.changes): the steps, their order, touch, counters, audit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import build_app, login_as
from tracker import changes
from tracker.counters import bump_counter, read_counter
from tracker.deliverables.operations import update_deliverable
from tracker.extensions import db
from tracker.lru import LockedLRU
from tracker.meetings.operations import update_meeting
from tracker.models import (
    AgendaItem,
    Attendance,
    AuditEvent,
    ChangeCounter,
    Meeting,
    Organisation,
    OrganisationKind,
    Participation,
    SearchDocument,
    User,
    utcnow,
)
from tracker.models.changes import DATA, FEEDS
from tracker.search.queries import Filters, search

STATED_ORDER = [
    "bump_sequences",
    "bump_deadline_sequences",
    "touch_parents",
    "record_audit",
    "count_changes",
]


def counter(name: str) -> int:
    """The committed value of a change counter (0 while it has no row)."""
    state = read_counter(db.session, name)
    return state.counter if state is not None else 0


@pytest.fixture
def ran(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the before-flush steps, in the order they run."""
    names: list[str] = []

    def recording(step: Callable[[Session], None]) -> Callable[[Session], None]:
        def wrapper(session: Session) -> None:
            names.append(step.__name__)
            step(session)

        return wrapper

    steps = tuple(recording(step) for step in changes.BEFORE_FLUSH_STEPS)
    monkeypatch.setattr(changes, "BEFORE_FLUSH_STEPS", steps)
    yield names


# --- the stated order -------------------------------------------------------------------------


def test_the_docstring_states_the_order_the_steps_are_listed_in() -> None:
    assert [step.__name__ for step in changes.BEFORE_FLUSH_STEPS] == STATED_ORDER
    doc = changes.__doc__ or ""
    positions = [doc.index(f"{n}. {name}") for n, name in enumerate(STATED_ORDER, start=1)]
    assert positions == sorted(positions)


def test_a_flush_runs_the_steps_once_each_in_order(app: Flask, ran: list[str]) -> None:
    organisation = factories.make_organisation(name="Ordered")
    ran.clear()
    organisation.name = "Reordered"
    db.session.commit()
    assert ran == STATED_ORDER


def test_building_more_apps_does_not_run_a_step_twice(
    app: Flask, ran: list[str], tmp_path: Path
) -> None:
    for n in range(2):
        (tmp_path / str(n)).mkdir()
        other = build_app(tmp_path / str(n))
        with other.app_context():
            db.engine.dispose()
    meeting = factories.make_meeting(location="Sofia")
    db.session.commit()
    ran.clear()
    feeds = counter(FEEDS)
    meeting.location = "Vienna"
    db.session.commit()
    assert ran == STATED_ORDER
    assert meeting.sequence == 1
    assert counter(FEEDS) == feeds + 1
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "meeting").order_by(AuditEvent.id)
    ).all()
    assert [event.action for event in audit] == ["create", "update"]


def test_a_new_side_effect_is_one_function_in_the_list(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def note_new_meetings(session: Session) -> None:
        seen.extend(obj.title for obj in session.new if isinstance(obj, Meeting))

    monkeypatch.setattr(
        changes, "BEFORE_FLUSH_STEPS", (*changes.BEFORE_FLUSH_STEPS, note_new_meetings)
    )
    factories.make_meeting(title="Indexed")
    assert seen == ["Indexed"]


def test_after_flush_steps_see_the_new_primary_keys(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids: list[int] = []

    def note_ids(session: Session) -> None:
        ids.extend(obj.id for obj in session.new if isinstance(obj, Meeting))

    monkeypatch.setattr(changes, "AFTER_FLUSH_STEPS", (note_ids,))
    meeting = factories.make_meeting()
    assert ids == [meeting.id]


def test_the_acting_user_is_noted_by_a_hook_of_its_own(app: Flask, client) -> None:
    assert changes.record_actor in app.before_request_funcs[None]
    login_as(client, factories.make_user())
    user = db.session.scalars(select(User)).one()
    client.get("/")
    assert db.session.info.get("actor_id") == user.id


# --- touch: a child's change bumps its parent's version ---------------------------------------


def meeting_with_links() -> Meeting:
    """A committed meeting with two organisations and two agenda topics."""
    meeting = factories.make_meeting(
        organisations=[factories.make_organisation(), factories.make_organisation()],
        topics=[factories.make_topic(), factories.make_topic()],
    )
    db.session.commit()
    return meeting


def edit_participants(meeting: Meeting, attendance: Attendance | None = None) -> None:
    """Through the edit operation: drop the second organisation or change attendance."""
    rows = [(p.organisation_id, p.attendance) for p in meeting.participations]
    rows = [(rows[0][0], attendance), *rows[1:]] if attendance else rows[:1]
    topics = [item.topic_id for item in meeting.agenda_items]
    update_meeting(meeting, {}, rows, topics, meeting.version)


def edit_agenda_order(meeting: Meeting) -> None:
    """Through the edit operation: swap the two agenda topics."""
    rows = [(p.organisation_id, p.attendance) for p in meeting.participations]
    topics = [item.topic_id for item in meeting.agenda_items]
    update_meeting(meeting, {}, rows, list(reversed(topics)), meeting.version)


def add_agenda_item(meeting: Meeting) -> None:
    """Directly: a new agenda item."""
    topic = factories.make_topic()
    meeting.agenda_items.append(AgendaItem(topic=topic, position=5))


def move_agenda_item(meeting: Meeting) -> None:
    """Directly: an agenda item changes place."""
    meeting.agenda_items[0].position = 9


def remove_participation(meeting: Meeting) -> None:
    """Directly: an organisation no longer takes part."""
    db.session.delete(meeting.participations[0])


def add_participation(meeting: Meeting) -> None:
    """Directly: one more organisation takes part."""
    organisation = factories.make_organisation()
    db.session.add(
        Participation(meeting=meeting, organisation=organisation, attendance=Attendance.INVITED)
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda m: edit_participants(m),
        lambda m: edit_participants(m, Attendance.ATTENDED),
        edit_agenda_order,
        add_agenda_item,
        move_agenda_item,
        remove_participation,
        add_participation,
    ],
    ids=[
        "edit-drops-organisation",
        "edit-changes-attendance",
        "edit-reorders-agenda",
        "agenda-item-added",
        "agenda-item-moved",
        "participation-removed",
        "participation-added",
    ],
)
def test_a_child_change_touches_the_meeting(app: Flask, change: Callable[[Meeting], None]) -> None:
    meeting = meeting_with_links()
    version, updated = meeting.version, meeting.updated_at
    change(meeting)
    db.session.commit()
    assert meeting.version == version + 1
    assert meeting.updated_at > updated


def test_attendance_or_notes_alone_leave_the_meeting_untouched(app: Flask) -> None:
    """Outside the edit form these change nothing the meeting's feed event shows."""
    meeting = meeting_with_links()
    version = meeting.version
    meeting.participations[0].attendance = Attendance.ATTENDED
    meeting.agenda_items[0].notes = "Discussed."
    db.session.commit()
    assert meeting.version == version


@pytest.mark.parametrize("link", ["topics", "contributors"])
def test_a_link_only_edit_touches_the_deliverable(app: Flask, link: str) -> None:
    deliverable = factories.make_deliverable()
    db.session.commit()
    version, updated = deliverable.version, deliverable.updated_at
    topics = [factories.make_topic()] if link == "topics" else []
    contributors = [factories.make_organisation()] if link == "contributors" else []
    assert update_deliverable(
        db.session, deliverable, {}, contributors, topics, deliverable.version
    ) == [link]
    db.session.commit()
    assert deliverable.version == version + 1
    assert deliverable.updated_at > updated


# --- the counters -----------------------------------------------------------------------------


def test_bump_counter_creates_then_raises_the_row(app: Flask) -> None:
    assert db.session.scalars(select(ChangeCounter)).all() == []
    assert read_counter(db.session, FEEDS) is None
    bump_counter(db.session, FEEDS)
    db.session.commit()
    first = read_counter(db.session, FEEDS)
    assert first is not None and first.counter == 1 and len(first.epoch) == 32
    bump_counter(db.session, FEEDS)
    db.session.commit()
    second = read_counter(db.session, FEEDS)
    assert second is not None and second.counter == 2 and second.epoch == first.epoch
    assert second.changed_at > first.changed_at
    assert abs(second.changed_at - utcnow()) < timedelta(seconds=10)
    assert read_counter(db.session, DATA) is None


def test_bump_counter_keeps_the_change_instant_strictly_rising(app: Flask) -> None:
    bump_counter(db.session, FEEDS)
    ahead = int((utcnow() + timedelta(hours=1)).timestamp())
    db.session.execute(
        db.update(ChangeCounter).where(ChangeCounter.name == FEEDS).values(changed_second=ahead)
    )
    bump_counter(db.session, FEEDS)
    db.session.commit()
    state = read_counter(db.session, FEEDS)
    assert state is not None and int(state.changed_at.timestamp()) == ahead + 1


def test_bulk_statements_raise_the_counters(app: Flask) -> None:
    factories.make_meeting()
    db.session.commit()
    data, feeds = counter(DATA), counter(FEEDS)
    db.session.execute(db.update(Meeting).values(title="Bulk"))
    db.session.commit()
    assert (counter(DATA), counter(FEEDS)) == (data + 1, feeds + 1)


def test_a_change_no_feed_shows_raises_only_the_data_counter(app: Flask) -> None:
    factories.make_meeting()
    db.session.commit()
    data, feeds = counter(DATA), counter(FEEDS)
    factories.make_user()
    db.session.commit()
    assert counter(DATA) > data
    assert counter(FEEDS) == feeds


# --- once per transaction: the search index and the counters -------------------------------


@pytest.fixture
def writes(app: Flask) -> Iterator[list[str]]:
    """The statements sent to search_document and change_counter, in order."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        words = " ".join(statement.split()).lower()
        if words.startswith(("insert", "update", "delete")) and (
            "search_document" in words or "change_counter" in words
        ):
            seen.append(words[:40])

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_many_flushes_write_each_document_and_counter_once_at_the_commit(
    app: Flask, writes: list[str]
) -> None:
    meeting = factories.make_meeting(title="Plenary")
    db.session.commit()  # the counters' rows exist from here on
    writes.clear()
    for n in range(5):
        meeting.title = f"Plenary {n}"
        db.session.flush()
    factories.make_topic(title="Sandboxes")
    assert writes == []  # flushed, not committed: nothing written to the index or counters yet
    data, feeds = counter(DATA), counter(FEEDS)
    db.session.commit()
    index_writes = [w for w in writes if "search_document" in w]
    counter_writes = [w for w in writes if "change_counter" in w]
    # One delete and one insert per kind of document (meeting, minutes, topic ...), not per flush.
    assert len(index_writes) <= 2 * 10
    assert len(counter_writes) == 2  # data, then feeds
    assert all(w.startswith("update change_counter") for w in counter_writes)
    assert (counter(DATA), counter(FEEDS)) == (data + 1, feeds + 1)
    titles = db.session.scalars(select(SearchDocument.title).order_by(SearchDocument.id)).all()
    assert "Plenary 4" in titles and "Sandboxes" in titles
    assert not any(title in titles for title in ("Plenary", "Plenary 0", "Plenary 3"))


def test_a_search_inside_the_transaction_finds_what_it_wrote(app: Flask) -> None:
    topic = factories.make_topic(title="Quokka charter")
    assert [hit.ref_id for hit in search(db.session, "quokka", Filters(), member=True).hits] == [
        topic.id
    ]


def test_a_rolled_back_transaction_indexes_and_counts_nothing(
    app: Flask, writes: list[str]
) -> None:
    factories.make_meeting(title="Never held")
    db.session.rollback()
    factories.make_user()  # the next transaction inherits nothing noted by the last
    db.session.commit()
    assert [w for w in writes if "search_document" in w] == []
    assert counter(FEEDS) == 0 and counter(DATA) == 1
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 0


def test_a_savepoint_defers_to_the_outer_commit(app: Flask, writes: list[str]) -> None:
    kept = factories.make_topic(title="Kept topic")
    with db.session.begin_nested():
        factories.make_topic(title="Released topic")
    assert writes == []  # releasing the savepoint wrote nothing to the index
    savepoint = db.session.begin_nested()
    factories.make_topic(title="Undone topic")
    savepoint.rollback()
    db.session.commit()
    titles = set(db.session.scalars(select(SearchDocument.title)))
    assert titles == {kept.title, "Released topic"}
    assert counter(DATA) == 1


# PostgreSQL only: SQLite has one writer at a time, whatever the counters do.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_open_transaction_does_not_hold_the_counter_row(app: Flask) -> None:
    """A second writer commits while the first still works: it does not wait for its lock."""
    assert db.engine.dialect.name == "postgresql"
    factories.make_meeting()
    db.session.commit()
    meeting = db.session.scalars(select(Meeting)).one()
    meeting.title = "First writer, still working"
    db.session.flush()  # the first transaction has written, and has not committed
    with Session(db.engine) as second:
        second.execute(text("SET lock_timeout = '2s'"))
        second.add(
            Organisation(
                name="Second writer",
                short_name="SW",
                country="SE",
                kind=OrganisationKind.NATIONAL_AI,
                timezone="Europe/Stockholm",
            )
        )
        second.commit()  # would wait for the first writer's commit and fail after 2 s
    db.session.commit()
    assert counter(DATA) == 3


def test_a_flush_reads_the_sets_of_new_and_deleted_rows_a_fixed_number_of_times(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """session.new and session.deleted build a new set on each access: read per row, a flush
    of n rows cost n squared (1,000 meetings with their links took 8 s in one step alone)."""
    reads = {"new": 0, "deleted": 0}
    for name in reads:
        original = getattr(Session, name)

        def counted(self: Session, _name: str = name, _original: Any = original) -> Any:
            reads[_name] += 1
            return _original.fget(self)

        monkeypatch.setattr(Session, name, property(counted))
    series = factories.make_series()
    organisation = factories.make_organisation()
    per_size = []
    for size in (2, 40):
        for name in reads:
            reads[name] = 0
        for n in range(size):
            meeting = Meeting(
                series=series,
                number=1000 * size + n,
                title=f"Meeting {n}",
                starts_at=utcnow(),
                ends_at=utcnow() + timedelta(hours=1),
                timezone="Europe/Vienna",
            )
            meeting.participations.append(Participation(organisation=organisation))
            db.session.add(meeting)
        db.session.flush()
        per_size.append(dict(reads))
    assert per_size[0] == per_size[1]


# --- the audit --------------------------------------------------------------------------------


def test_the_audit_records_the_bumped_sequence_and_the_new_id(app: Flask) -> None:
    meeting = factories.make_meeting(location="Sofia")
    db.session.commit()
    meeting.location = "Vienna"
    db.session.commit()
    create, update = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "meeting").order_by(AuditEvent.id)
    ).all()
    assert create.action == "create" and create.entity_id == meeting.id
    assert create.changes["location"] == [None, "Sofia"]
    assert update.action == "update" and update.entity_id == meeting.id
    assert update.changes == {"location": ["Sofia", "Vienna"], "sequence": ["0", "1"]}


def test_a_touch_alone_writes_no_audit_event(app: Flask) -> None:
    meeting = meeting_with_links()
    before = len(db.session.scalars(select(AuditEvent)).all())
    move_agenda_item(meeting)
    db.session.commit()
    audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [event.entity for event in audit[before:]] == ["agenda_item"]


# --- the one LRU ------------------------------------------------------------------------------


def test_the_lru_drops_the_least_recently_used() -> None:
    cache: LockedLRU[str, int] = LockedLRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_the_lru_stays_bounded_under_many_threads() -> None:
    cache: LockedLRU[int, int] = LockedLRU(8)

    def work(offset: int) -> None:
        for n in range(2000):
            cache.put(offset + n % 50, n)
            cache.get(offset + (n * 7) % 50)

    threads = [threading.Thread(target=work, args=(t * 100,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache.items) == 8
