"""Keeping the search index current: which records a transaction touched, and their documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tracker.models import (
    ActionItem,
    AgendaItem,
    Deliverable,
    Meeting,
    Milestone,
    MinutesApproval,
    MinutesRevision,
    Organisation,
    Outcome,
    Person,
    ProgressUpdate,
    SearchDocument,
    Topic,
)
from tracker.search.syntax import fold

KINDS = (
    "meeting",
    "minutes",
    "agenda",
    "outcome",
    "action",
    "topic",
    "deliverable",
    "milestone",
    "organisation",
    "person",
)
# The private-use characters that mark highlights are never stored.
MARKS = str.maketrans({"\ue000": " ", "\ue001": " "})
CHUNK = 500

Keys = dict[str, set[int]]
doc = cast(sa.Table, SearchDocument.__table__)


def meeting_date(starts_at: datetime | None) -> date | None:
    """The UTC calendar date of a meeting's start (SQLite hands back naive UTC)."""
    if starts_at is None:
        return None
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=UTC)
    return starts_at.astimezone(UTC).date()


def chunks(ids: Iterable[int] | None) -> Iterator[list[int] | None]:
    """The ids in bounded lists for IN clauses; None (everything) once."""
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def restrict(statement: sa.Select[Any], column: Any, ids: list[int] | None) -> sa.Select[Any]:
    """Limit a select to the given ids, or leave it whole."""
    return statement if ids is None else statement.where(column.in_(ids))


def approved_column(meeting: sa.FromClause) -> sa.ColumnElement[bool]:
    """Whether the meeting's minutes are approved (its record is no longer a draft)."""
    a = MinutesApproval.__table__
    return (
        sa.select(a.c.meeting_id).where(a.c.meeting_id == meeting.c.id).exists().label("approved")
    )


def meeting_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Meetings: title, location and description."""
    m = Meeting.__table__
    rows = connection.execute(
        restrict(
            sa.select(
                m.c.id, m.c.title, m.c.location, m.c.description, m.c.series_id, m.c.starts_at
            ),
            m.c.id,
            ids,
        )
    )
    return [
        document(
            "meeting",
            r.id,
            r.title,
            f"{r.location}\n{r.description}",
            meeting_id=r.id,
            series_id=r.series_id,
            on_date=meeting_date(r.starts_at),
        )
        for r in rows
    ]


def minutes_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Minutes: the meeting's current text; drafts (not approved) for members only."""
    m = Meeting.__table__
    a = MinutesApproval.__table__
    statement = (
        sa.select(
            m.c.id,
            m.c.title,
            m.c.minutes,
            m.c.series_id,
            m.c.starts_at,
            a.c.meeting_id.label("approved"),
        )
        .outerjoin(a, a.c.meeting_id == m.c.id)
        .where(m.c.minutes != "")
    )
    return [
        document(
            "minutes",
            r.id,
            f"Minutes: {r.title}",
            r.minutes,
            members_only=r.approved is None,
            meeting_id=r.id,
            series_id=r.series_id,
            on_date=meeting_date(r.starts_at),
        )
        for r in connection.execute(restrict(statement, m.c.id, ids))
    ]


def agenda_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Agenda notes, titled by their topic; drafts (minutes not approved) for members only."""
    i, t, m = AgendaItem.__table__, Topic.__table__, Meeting.__table__
    statement = (
        sa.select(
            i.c.id,
            i.c.notes,
            t.c.title,
            m.c.id.label("meeting_id"),
            m.c.series_id,
            m.c.starts_at,
            approved_column(m),
        )
        .join(t, t.c.id == i.c.topic_id)
        .join(m, m.c.id == i.c.meeting_id)
        .where(i.c.notes != "")
    )
    return [
        document(
            "agenda",
            r.id,
            r.title,
            r.notes,
            members_only=not r.approved,
            meeting_id=r.meeting_id,
            series_id=r.series_id,
            on_date=meeting_date(r.starts_at),
        )
        for r in connection.execute(restrict(statement, i.c.id, ids))
    ]


def outcome_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Outcomes (information and decisions), titled by their topic; drafts for members only."""
    o, i, t, m = Outcome.__table__, AgendaItem.__table__, Topic.__table__, Meeting.__table__
    statement = (
        sa.select(
            o.c.id,
            o.c.kind,
            o.c.text,
            t.c.title,
            m.c.id.label("meeting_id"),
            m.c.series_id,
            m.c.starts_at,
            approved_column(m),
        )
        .join(i, i.c.id == o.c.agenda_item_id)
        .join(t, t.c.id == i.c.topic_id)
        .join(m, m.c.id == i.c.meeting_id)
    )
    return [
        document(
            "outcome",
            r.id,
            f"{str(r.kind).capitalize()}: {r.title}",
            r.text,
            members_only=not r.approved,
            meeting_id=r.meeting_id,
            series_id=r.series_id,
            on_date=meeting_date(r.starts_at),
        )
        for r in connection.execute(restrict(statement, o.c.id, ids))
    ]


def action_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Action items, with their owner organisation; drafts for members only."""
    a, m, org = ActionItem.__table__, Meeting.__table__, Organisation.__table__
    statement = (
        sa.select(
            a.c.id,
            a.c.text,
            a.c.owner_organisation_id,
            org.c.short_name,
            m.c.id.label("meeting_id"),
            m.c.series_id,
            a.c.due_date,
            approved_column(m),
        )
        .join(m, m.c.id == a.c.meeting_id)
        .join(org, org.c.id == a.c.owner_organisation_id)
    )
    return [
        document(
            "action",
            r.id,
            f"Action for {r.short_name}",
            r.text,
            members_only=not r.approved,
            meeting_id=r.meeting_id,
            series_id=r.series_id,
            organisation_id=r.owner_organisation_id,
            on_date=r.due_date,
        )
        for r in connection.execute(restrict(statement, a.c.id, ids))
    ]


def topic_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Topics: title and description."""
    t = Topic.__table__
    statement = sa.select(t.c.id, t.c.title, t.c.description)
    return [
        document("topic", r.id, r.title, r.description)
        for r in connection.execute(restrict(statement, t.c.id, ids))
    ]


def deliverable_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Deliverables: title, description and every progress note."""
    d, m, p = Deliverable.__table__, Meeting.__table__, ProgressUpdate.__table__
    statement = sa.select(
        d.c.id, d.c.title, d.c.description, d.c.lead_organisation_id, d.c.due_date, m.c.series_id
    ).outerjoin(m, m.c.id == d.c.meeting_id)
    rows = list(connection.execute(restrict(statement, d.c.id, ids)))
    notes: dict[int, list[str]] = defaultdict(list)
    note_rows = sa.select(p.c.deliverable_id, p.c.note).where(p.c.note != "").order_by(p.c.id)
    for r in connection.execute(restrict(note_rows, p.c.deliverable_id, ids)):
        notes[r.deliverable_id].append(r.note)
    return [
        document(
            "deliverable",
            r.id,
            r.title,
            "\n".join([r.description, *notes[r.id]]),
            deliverable_id=r.id,
            series_id=r.series_id,
            organisation_id=r.lead_organisation_id,
            on_date=r.due_date,
        )
        for r in rows
    ]


def milestone_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Milestones, under their deliverable's lead organisation."""
    ms, d = Milestone.__table__, Deliverable.__table__
    statement = sa.select(
        ms.c.id,
        ms.c.title,
        ms.c.due_date,
        ms.c.deliverable_id,
        d.c.title.label("deliverable"),
        d.c.lead_organisation_id,
    ).join(d, d.c.id == ms.c.deliverable_id)
    return [
        document(
            "milestone",
            r.id,
            r.title,
            r.deliverable,
            deliverable_id=r.deliverable_id,
            organisation_id=r.lead_organisation_id,
            on_date=r.due_date,
        )
        for r in connection.execute(restrict(statement, ms.c.id, ids))
    ]


def organisation_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """Organisations: name, short name and description."""
    o = Organisation.__table__
    statement = sa.select(o.c.id, o.c.name, o.c.short_name, o.c.description)
    return [
        document(
            "organisation", r.id, r.name, f"{r.short_name}\n{r.description}", organisation_id=r.id
        )
        for r in connection.execute(restrict(statement, o.c.id, ids))
    ]


def person_documents(connection: Connection, ids: list[int] | None) -> list[dict[str, Any]]:
    """People (members only): name and role."""
    p = Person.__table__
    statement = sa.select(p.c.id, p.c.name, p.c.role, p.c.organisation_id)
    return [
        document(
            "person", r.id, r.name, r.role, members_only=True, organisation_id=r.organisation_id
        )
        for r in connection.execute(restrict(statement, p.c.id, ids))
    ]


BUILDERS = {
    "meeting": meeting_documents,
    "minutes": minutes_documents,
    "agenda": agenda_documents,
    "outcome": outcome_documents,
    "action": action_documents,
    "topic": topic_documents,
    "deliverable": deliverable_documents,
    "milestone": milestone_documents,
    "organisation": organisation_documents,
    "person": person_documents,
}


def document(
    kind: str,
    ref_id: int,
    title: str,
    body: str,
    *,
    members_only: bool = False,
    meeting_id: int | None = None,
    deliverable_id: int | None = None,
    series_id: int | None = None,
    organisation_id: int | None = None,
    on_date: date | None = None,
) -> dict[str, Any]:
    """One row of search_document, with the folded text PostgreSQL indexes."""
    title = (title or "").translate(MARKS).strip()
    body = (body or "").translate(MARKS).strip()
    return {
        "kind": kind,
        "ref_id": ref_id,
        "title": title,
        "body": body,
        "members_only": members_only,
        "meeting_id": meeting_id,
        "deliverable_id": deliverable_id,
        "series_id": series_id,
        "organisation_id": organisation_id,
        "on_date": on_date,
        "folded_title": fold(title),
        "folded_body": fold(body),
    }


INSERT = {
    "sqlite": sa.text(
        "INSERT INTO search_document (kind, ref_id, title, body, members_only, meeting_id, "
        "deliverable_id, series_id, organisation_id, on_date) VALUES (:kind, :ref_id, :title, "
        ":body, :members_only, :meeting_id, :deliverable_id, :series_id, :organisation_id, "
        ":on_date)"
    ),
    "postgresql": sa.text(
        "INSERT INTO search_document (kind, ref_id, title, body, members_only, meeting_id, "
        "deliverable_id, series_id, organisation_id, on_date, tsv) VALUES (:kind, :ref_id, "
        ":title, :body, :members_only, :meeting_id, :deliverable_id, :series_id, "
        ":organisation_id, :on_date, "
        "setweight(to_tsvector('simple', :folded_title), 'A') || "
        "setweight(to_tsvector('simple', :folded_body), 'B'))"
    ),
}


def refresh(connection: Connection, keys: Keys) -> None:
    """Rewrite the documents of the given records; records that are gone lose theirs."""
    for kind, ids in keys.items():
        for part in chunks(ids):
            assert part is not None
            connection.execute(doc.delete().where(doc.c.kind == kind, doc.c.ref_id.in_(part)))
            rows = BUILDERS[kind](connection, part)
            if rows:
                connection.execute(INSERT[connection.dialect.name], rows)


def rebuild(connection: Connection) -> int:
    """Empty the index and build it again from every record; the number of documents."""
    connection.execute(doc.delete())
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    total = 0
    for kind in KINDS:
        rows = BUILDERS[kind](connection, None)
        for start in range(0, len(rows), 2000):
            connection.execute(INSERT[connection.dialect.name], rows[start : start + 2000])
        total += len(rows)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return total


def prune(connection: Connection) -> None:
    """Drop documents whose record is gone (database cascades the ORM does not see)."""
    sources = {
        "agenda": AgendaItem.__table__,
        "outcome": Outcome.__table__,
        "action": ActionItem.__table__,
        "topic": Topic.__table__,
        "milestone": Milestone.__table__,
        "organisation": Organisation.__table__,
        "person": Person.__table__,
    }
    for kind, table in sources.items():
        connection.execute(
            doc.delete().where(doc.c.kind == kind, doc.c.ref_id.not_in(sa.select(table.c.id)))
        )


def touched_keys(session: Session, objects: Iterable[object]) -> Keys:
    """The documents that changes to these objects affect."""
    keys: Keys = defaultdict(set)
    for obj in objects:
        if isinstance(obj, Meeting):
            keys["meeting"].add(obj.id)
            keys["minutes"].add(obj.id)
            keys["meeting_children"].add(obj.id)
        elif isinstance(obj, MinutesRevision):
            keys["minutes"].add(obj.meeting_id)
        elif isinstance(obj, MinutesApproval):
            # Approval publishes the whole record: notes, outcomes and actions too.
            keys["minutes"].add(obj.meeting_id)
            keys["meeting_children"].add(obj.meeting_id)
        elif isinstance(obj, AgendaItem):
            keys["agenda"].add(obj.id)
        elif isinstance(obj, Outcome):
            keys["outcome"].add(obj.id)
        elif isinstance(obj, ActionItem):
            keys["action"].add(obj.id)
        elif isinstance(obj, Topic):
            keys["topic"].add(obj.id)
            keys["topic_children"].add(obj.id)
        elif isinstance(obj, Deliverable):
            keys["deliverable"].add(obj.id)
            keys["deliverable_children"].add(obj.id)
        elif isinstance(obj, ProgressUpdate):
            keys["deliverable"].add(obj.deliverable_id)
        elif isinstance(obj, Milestone):
            keys["milestone"].add(obj.id)
        elif isinstance(obj, Organisation):
            keys["organisation"].add(obj.id)
            keys["organisation_children"].add(obj.id)
        elif isinstance(obj, Person):
            keys["person"].add(obj.id)
    return keys


def expand(connection: Connection, keys: Keys) -> Keys:
    """Add the documents that show a changed parent's fields (topic title, meeting date ...)."""
    meetings = keys.pop("meeting_children", set())
    topics = keys.pop("topic_children", set())
    deliverables = keys.pop("deliverable_children", set())
    organisations = keys.pop("organisation_children", set())
    i, o, a, ms = AgendaItem.__table__, Outcome.__table__, ActionItem.__table__, Milestone.__table__
    for part in chunks(meetings) if meetings else ():
        assert part is not None
        keys["agenda"].update(connection.scalars(sa.select(i.c.id).where(i.c.meeting_id.in_(part))))
        keys["outcome"].update(
            connection.scalars(
                sa.select(o.c.id)
                .join(i, i.c.id == o.c.agenda_item_id)
                .where(i.c.meeting_id.in_(part))
            )
        )
        keys["action"].update(connection.scalars(sa.select(a.c.id).where(a.c.meeting_id.in_(part))))
        d = Deliverable.__table__
        keys["deliverable"].update(
            connection.scalars(sa.select(d.c.id).where(d.c.meeting_id.in_(part)))
        )
    for part in chunks(topics) if topics else ():
        assert part is not None
        keys["agenda"].update(connection.scalars(sa.select(i.c.id).where(i.c.topic_id.in_(part))))
        keys["outcome"].update(
            connection.scalars(
                sa.select(o.c.id)
                .join(i, i.c.id == o.c.agenda_item_id)
                .where(i.c.topic_id.in_(part))
            )
        )
    for part in chunks(deliverables) if deliverables else ():
        assert part is not None
        keys["milestone"].update(
            connection.scalars(sa.select(ms.c.id).where(ms.c.deliverable_id.in_(part)))
        )
    for part in chunks(organisations) if organisations else ():
        assert part is not None
        keys["action"].update(
            connection.scalars(sa.select(a.c.id).where(a.c.owner_organisation_id.in_(part)))
        )
    return {kind: ids for kind, ids in keys.items() if ids}


# session.info key: what the open transaction's flushes touched, indexed at its commit.
PENDING = "search_pending"
PRUNE = "prune"
PRUNED_BY = (Meeting, AgendaItem, Topic, Deliverable, Organisation, Person)


def note_search_keys(session: Session) -> None:
    """After a flush: note the documents its added, changed or deleted records affect.

    They are rewritten once, at the commit (index_search), not after every flush: a request
    or an import that flushes a hundred times writes each document once.
    """
    keys = touched_keys(session, [*session.new, *session.dirty, *session.deleted])
    prune_needed = any(isinstance(obj, PRUNED_BY) for obj in session.deleted)
    if not keys and not prune_needed:
        return
    pending: Keys = session.info.setdefault(PENDING, defaultdict(set))
    for kind, ids in keys.items():
        pending[kind] |= ids
    if prune_needed:
        pending[PRUNE].add(1)


def has_pending(session: Session) -> bool:
    """Whether this transaction has written records whose documents are not rewritten yet."""
    return bool(session.info.get(PENDING))


def index_search(session: Session) -> None:
    """Rewrite the noted documents, in the transaction that changed their records.

    Runs before the commit, and before a search in a transaction with noted changes, so that
    a transaction finds what it wrote.
    """
    pending: Keys | None = session.info.pop(PENDING, None)
    if not pending:
        return
    prune_needed = bool(pending.pop(PRUNE, None))
    connection = session.connection()
    if pending:
        refresh(connection, expand(connection, pending))
    if prune_needed:
        prune(connection)


def forget_search_keys(session: Session) -> None:
    """The transaction ended (committed or rolled back): nothing is pending any more."""
    session.info.pop(PENDING, None)
