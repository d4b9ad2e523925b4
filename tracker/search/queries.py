"""Reading the search index: ranked, filtered, paginated hits with safe highlighted snippets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from tracker.counters import read_counter
from tracker.i18n import _l, _lp
from tracker.lru import LockedLRU
from tracker.models import Deliverable, Meeting, Organisation, SearchDocument, Series
from tracker.models.changes import DATA
from tracker.search.indexing import has_pending, index_search
from tracker.search.syntax import (
    Query,
    Term,
    fold,
    folded_words,
    fts5_term,
    parse,
    to_fts5,
    tsquery_prefix_text,
    websearch_text,
)

PER_PAGE = 20
MARK = Markup("<mark>%s</mark>")
# Rank at most this many matches before filtering them all in one query instead.
OVERFETCH_CAP = 6400
SNIPPET_WORDS = 30
TOKEN = re.compile(r"[^\W_]+")
# Lazy: str() them when the request's language is known (Hit.label, the search page).
KIND_LABELS = {
    "meeting": _l("Meeting"),
    "minutes": _l("Minutes"),
    "agenda": _l("Agenda notes"),
    "outcome": _l("Outcome"),
    "action": _lp("action item", "Action"),
    "topic": _l("Topic"),
    "deliverable": _l("Deliverable"),
    "milestone": _l("Milestone"),
    "organisation": _l("Organisation"),
    "person": _l("Person"),
}
MEMBER_KINDS = {"person"}
# Kinds that belong to a meeting's record: members-only means a draft (minutes not approved).
RECORD_KINDS = {"minutes", "agenda", "outcome", "action"}

doc = cast(sa.Table, SearchDocument.__table__)
SIMPLE: sa.ColumnClause[Any] = sa.literal_column("'simple'::regconfig")


@dataclass
class Filters:
    """What the reader narrowed the search to."""

    kind: str | None = None
    series_id: int | None = None
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        """Whether any filter is set."""
        return any(
            value is not None
            for value in (
                self.kind,
                self.series_id,
                self.organisation_id,
                self.date_from,
                self.date_to,
            )
        )


@dataclass
class Hit:
    """One result: what it is, where it lives and a highlighted snippet."""

    kind: str
    ref_id: int
    title: Markup
    snippet: Markup
    meeting_id: int | None
    deliverable_id: int | None
    on_date: date | None
    context: str
    draft: bool = False

    @property
    def label(self) -> str:
        """The kind as readers name it, in the request's language."""
        label = KIND_LABELS.get(self.kind)
        return str(label) if label is not None else self.kind


@dataclass
class Results:
    """A page of hits."""

    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    empty_query: bool = False


def fts5_match(query: Query) -> sa.ColumnElement[bool]:
    """SQLite: the FTS5 MATCH of the safely built expression."""
    return sa.literal_column("search_fts").op("MATCH")(sa.bindparam("fts", to_fts5(query)))


def pg_term(term: Term) -> sa.ColumnElement[Any] | None:
    """PostgreSQL: one term as a tsquery (websearch_to_tsquery, or to_tsquery for prefixes)."""
    if not folded_words(term):
        return None
    if term.prefix:
        return sa.func.to_tsquery(SIMPLE, tsquery_prefix_text(term))
    return sa.func.websearch_to_tsquery(SIMPLE, websearch_text(term))


def pg_tsquery(query: Query) -> sa.ColumnElement[Any] | None:
    """PostgreSQL: the whole query as one tsquery built with &&, || and !!."""
    combined: sa.ColumnElement[Any] | None = None
    for alternatives in query.required:
        group: sa.ColumnElement[Any] | None = None
        for term in alternatives:
            part = pg_term(term)
            if part is not None:
                group = part if group is None else sa.func.tsquery_or(group, part)
        if group is not None:
            combined = group if combined is None else sa.func.tsquery_and(combined, group)
    if combined is None:
        return None
    for term in query.excluded:
        part = pg_term(term)
        if part is not None:
            combined = sa.func.tsquery_and(combined, sa.func.tsquery_not(part))
    return combined


def visible(member: bool, filters: Filters) -> list[sa.ColumnElement[bool]]:
    """What this reader may see, narrowed by the filters."""
    m, d = Meeting.__table__, Deliverable.__table__
    conditions: list[sa.ColumnElement[bool]] = [m.c.deleted_at.is_(None), d.c.deleted_at.is_(None)]
    if not member:
        conditions.append(doc.c.members_only.is_(False))
    if filters.kind:
        conditions.append(doc.c.kind == filters.kind)
    if filters.series_id is not None:
        conditions.append(doc.c.series_id == filters.series_id)
    if filters.organisation_id is not None:
        conditions.append(doc.c.organisation_id == filters.organisation_id)
    if filters.date_from is not None:
        conditions.append(doc.c.on_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(doc.c.on_date <= filters.date_to)
    return conditions


def ranked(session: Session, query: Query) -> sa.Select[Any] | None:
    """A select of (id, score) of every match, best first; None when nothing can match."""
    if session.get_bind().dialect.name == "postgresql":
        tsquery = pg_tsquery(query)
        if tsquery is None:
            return None
        tsv: sa.ColumnClause[Any] = sa.literal_column("search_document.tsv")
        score = sa.func.ts_rank(tsv, tsquery)
        statement = sa.select(doc.c.id, score.label("score")).where(tsv.op("@@")(tsquery))
        return statement.order_by(score.desc(), doc.c.id)
    score = sa.func.bm25(sa.literal_column("search_fts"), 5.0, 1.0)
    rowid: sa.ColumnClause[Any] = sa.literal_column("search_fts.rowid")
    statement = (
        sa.select(rowid.label("id"), score.label("score"))
        .select_from(sa.table("search_fts"))
        .where(fts5_match(query))
    )
    return statement.order_by(score, rowid)


def details(ids: list[int] | None) -> sa.Select[Any]:
    """The shown fields of the documents with these ids, with their meeting and deliverable."""
    m, d = Meeting.__table__, Deliverable.__table__
    return (
        sa.select(
            doc.c.id,
            doc.c.kind,
            doc.c.ref_id,
            doc.c.title,
            doc.c.body,
            doc.c.meeting_id,
            doc.c.deliverable_id,
            doc.c.on_date,
            doc.c.members_only,
            m.c.title.label("meeting_title"),
            d.c.title.label("deliverable_title"),
        )
        .select_from(doc)
        .outerjoin(m, m.c.id == doc.c.meeting_id)
        .outerjoin(d, d.c.id == doc.c.deliverable_id)
        .where(doc.c.id.in_(ids) if ids is not None else sa.true())
    )


def visible_page(
    session: Session, query: Query, filters: Filters, member: bool, page: int
) -> list[Any] | None:
    """Rows offset..offset+PER_PAGE (one more to tell a next page), best first.

    Ranks the engine's matches alone first, then reads details and checks visibility for the
    best few only, fetching more when too many of them are hidden or filtered out; with many
    hidden, one query does it all.
    """
    statement = ranked(session, query)
    if statement is None:
        return None
    need = page * PER_PAGE + 1
    limit = max(100, need * 3)
    while limit <= OVERFETCH_CAP:
        ids = [row.id for row in session.execute(statement.limit(limit))]
        shown = {
            row.id: row for row in session.execute(details(ids).where(*visible(member, filters)))
        }
        ordered = [shown[i] for i in ids if i in shown]
        if len(ordered) >= need or len(ids) < limit:
            return ordered[(page - 1) * PER_PAGE : need]
        limit *= 4
    matches = statement.order_by(None).subquery()
    score = matches.c.score.desc() if is_descending(session) else matches.c.score
    everything = (
        details(None)
        .join(matches, matches.c.id == doc.c.id)
        .where(*visible(member, filters))
        .order_by(score, doc.c.id)
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    )
    return list(session.execute(everything))


def is_descending(session: Session) -> bool:
    """PostgreSQL's ts_rank grows with relevance; SQLite's bm25 shrinks."""
    return session.get_bind().dialect.name == "postgresql"


def search(session: Session, raw: str, filters: Filters, *, member: bool, page: int = 1) -> Results:
    """The page-th page of hits for raw, best first, that this reader may see."""
    query = parse(raw)
    if query.is_empty:
        return Results(page=page, empty_query=True)
    index_search(session)  # this transaction's own writes are found too
    rows = visible_page(session, query, filters, member, page)
    if rows is None:
        return Results(page=page, empty_query=True)
    words = query.words()
    hits = [
        Hit(
            kind=r.kind,
            ref_id=r.ref_id,
            title=highlight(r.title, words, whole=True),
            snippet=highlight(r.body, words),
            meeting_id=r.meeting_id,
            deliverable_id=r.deliverable_id,
            on_date=r.on_date,
            context=context_of(r.kind, r.meeting_title, r.deliverable_title),
            draft=bool(r.members_only) and r.kind in RECORD_KINDS,
        )
        for r in rows[:PER_PAGE]
    ]
    return Results(hits=hits, page=page, has_next=len(rows) > PER_PAGE)


# Pages of hits by (database, data counter, query, filters, page, reader); any committed change
# raises the counter, so an entry is never read after the data it shows has changed.
RESULTS: LockedLRU[tuple[Any, ...], Results] = LockedLRU(512)


def cached_search(
    session: Session, raw: str, filters: Filters, *, member: bool, page: int = 1
) -> Results:
    """search(), answered from RESULTS while no change has been committed since."""
    state = read_counter(session, DATA)
    if state is None or has_pending(session):
        return search(session, raw, filters, member=member, page=page)
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        state.epoch,
        state.counter,
        " ".join(raw.split()),
        astuple(filters),
        page,
        member,
    )
    results = RESULTS.get(key)
    if results is None:
        results = search(session, raw, filters, member=member, page=page)
        RESULTS.put(key, results)
    return results


def context_of(kind: str, meeting_title: str | None, deliverable_title: str | None) -> str:
    """Where a hit lives, in a few words."""
    if kind in ("minutes", "agenda", "outcome", "action") and meeting_title:
        return meeting_title
    if kind == "milestone" and deliverable_title:
        return deliverable_title
    return ""


def matcher(words: list[tuple[str, bool]]) -> Callable[[str], bool]:
    """A test of whether a text token matches one of the query's words (folded, prefix-aware)."""
    exact = {word for word, prefix in words if not prefix}
    prefixes = tuple(word for word, prefix in words if prefix)

    def matches(token: str) -> bool:
        lowered = token.lower()
        folded = lowered if lowered.isascii() else fold(lowered)
        return folded in exact or (bool(prefixes) and folded.startswith(prefixes))

    return matches


def highlight(text: str, words: list[tuple[str, bool]], *, whole: bool = False) -> Markup:
    """A short window of text around the first match: escaped first, then marked."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return Markup("")
    matches = matcher(words)
    if whole:
        start, end = 0, len(text)
    else:
        first = next((i for i, t in enumerate(tokens) if matches(t.group())), 0)
        low = max(0, first - SNIPPET_WORDS // 3)
        high = min(len(tokens) - 1, low + SNIPPET_WORDS)
        start, end = tokens[low].start(), tokens[high].end()
        tokens = tokens[low : high + 1]
    # Markup.join escapes every plain string; only the <mark> wrappers are markup.
    out: list[str] = ["… " if start > 0 else ""]
    position = start
    for token in tokens:
        if not matches(token.group()):
            continue
        out.append(text[position : token.start()])
        out.append(MARK % token.group())
        position = token.end()
    out.append(text[position:end])
    if end < len(text):
        out.append(" …")
    return Markup("").join(out)


def series_choices(session: Session) -> list[tuple[int, str]]:
    """Every series, for the filter."""
    return [
        (r.id, r.name)
        for r in session.execute(sa.select(Series.id, Series.name).order_by(Series.name))
    ]


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """Every organisation, for the filter."""
    return [
        (r.id, r.short_name)
        for r in session.execute(
            sa.select(Organisation.id, Organisation.short_name).order_by(Organisation.short_name)
        )
    ]


__all__ = ["Filters", "Hit", "Results", "cached_search", "fts5_term", "search"]
