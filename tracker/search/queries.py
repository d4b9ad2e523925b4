"""Reading the search index: ranked, filtered, paginated hits with safe highlighted snippets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from tracker.models import Deliverable, Meeting, Organisation, SearchDocument, Series
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
SNIPPET_WORDS = 30
TOKEN = re.compile(r"[^\W_]+")
KIND_LABELS = {
    "meeting": "Meeting",
    "minutes": "Minutes",
    "agenda": "Agenda notes",
    "outcome": "Outcome",
    "action": "Action",
    "topic": "Topic",
    "deliverable": "Deliverable",
    "milestone": "Milestone",
    "organisation": "Organisation",
    "person": "Person",
}
MEMBER_KINDS = {"person"}

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

    @property
    def label(self) -> str:
        """The kind as readers name it."""
        return KIND_LABELS.get(self.kind, self.kind)


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


def search(session: Session, raw: str, filters: Filters, *, member: bool, page: int = 1) -> Results:
    """The page-th page of hits for raw, best first, that this reader may see."""
    query = parse(raw)
    if query.is_empty:
        return Results(page=page, empty_query=True)
    m, d = Meeting.__table__, Deliverable.__table__
    columns = [
        doc.c.kind,
        doc.c.ref_id,
        doc.c.title,
        doc.c.body,
        doc.c.meeting_id,
        doc.c.deliverable_id,
        doc.c.on_date,
        m.c.title.label("meeting_title"),
        d.c.title.label("deliverable_title"),
    ]
    if session.get_bind().dialect.name == "postgresql":
        tsquery = pg_tsquery(query)
        if tsquery is None:
            return Results(page=page, empty_query=True)
        tsv: sa.ColumnClause[Any] = sa.literal_column("search_document.tsv")
        statement = (
            sa.select(*columns)
            .select_from(doc)
            .where(tsv.op("@@")(tsquery))
            .order_by(sa.func.ts_rank(tsv, tsquery).desc(), doc.c.id)
        )
    else:
        rank = sa.func.bm25(sa.literal_column("search_fts"), 5.0, 1.0)
        statement = (
            sa.select(*columns)
            .select_from(
                sa.table("search_fts").join(doc, doc.c.id == sa.literal_column("search_fts.rowid"))
            )
            .where(fts5_match(query))
            .order_by(rank, doc.c.id)
        )
    statement = (
        statement.outerjoin(m, m.c.id == doc.c.meeting_id)
        .outerjoin(d, d.c.id == doc.c.deliverable_id)
        .where(*visible(member, filters))
        .limit(PER_PAGE + 1)
        .offset((page - 1) * PER_PAGE)
    )
    rows = session.execute(statement).all()
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
        )
        for r in rows[:PER_PAGE]
    ]
    return Results(hits=hits, page=page, has_next=len(rows) > PER_PAGE)


def context_of(kind: str, meeting_title: str | None, deliverable_title: str | None) -> str:
    """Where a hit lives, in a few words."""
    if kind in ("minutes", "agenda", "outcome", "action") and meeting_title:
        return meeting_title
    if kind == "milestone" and deliverable_title:
        return deliverable_title
    return ""


def matches(token: str, words: list[tuple[str, bool]]) -> bool:
    """Whether a text token matches one of the query's words (folded, prefix-aware)."""
    folded = fold(token)
    return any(folded.startswith(word) if prefix else folded == word for word, prefix in words)


def highlight(text: str, words: list[tuple[str, bool]], *, whole: bool = False) -> Markup:
    """A short window of text around the first match: escaped first, then marked."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return Markup("")
    hit_indexes = [i for i, t in enumerate(tokens) if matches(t.group(), words)]
    if whole:
        start, end = 0, len(text)
    else:
        first = hit_indexes[0] if hit_indexes else 0
        low = max(0, first - SNIPPET_WORDS // 3)
        high = min(len(tokens) - 1, low + SNIPPET_WORDS)
        start, end = tokens[low].start(), tokens[high].end()
    out: list[Markup] = [Markup("… ") if start > 0 else Markup("")]
    position = start
    for i in hit_indexes:
        token = tokens[i]
        if token.start() < start or token.end() > end:
            continue
        out.append(escape(text[position : token.start()]))
        out.append(Markup("<mark>{}</mark>").format(token.group()))
        position = token.end()
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup(" …"))
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


__all__ = ["Filters", "Hit", "Results", "fts5_term", "search"]
