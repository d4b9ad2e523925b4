"""The search index: one row per searchable record, with the engine's index beside it.

SQLite keeps an FTS5 table (``search_fts``) in step with ``search_document`` through triggers;
PostgreSQL keeps a ``tsv`` tsvector column with a GIN index. Neither is part of the mapped
columns (they are engine-specific), so the DDL below adds them when the table is created and
the drift check skips them (see ``is_engine_index``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

# The FTS5 table and its shadow tables all start with this name.
FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL_CREATE = [
    "ALTER TABLE search_document ADD COLUMN tsv tsvector",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
]


class SearchDocument(Base):
    """One searchable record (a meeting, minutes, an outcome, a deliverable ...) as plain text."""

    __tablename__ = "search_document"
    __table_args__ = (sa.UniqueConstraint("kind", "ref_id", name="uq_search_document_kind_ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    ref_id: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    members_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    deliverable_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliverable.id", ondelete="CASCADE"), index=True
    )
    series_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    on_date: Mapped[date | None] = mapped_column(sa.Date, index=True)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.ref_id}>"


def is_engine_index(name: str | None, type_: str, parent: str | None = None) -> bool:
    """Whether a reflected object is the engine's own index (FTS5 tables, the tsv column)."""
    if type_ == "table":
        return bool(name) and str(name).startswith(FTS_TABLE)
    if type_ == "column":
        return parent == "search_document" and name == TSV_COLUMN
    if type_ == "index":
        return name == "ix_search_document_tsv"
    return False


def create_engine_index(target: sa.Table, connection: sa.Connection, **kw: object) -> None:
    """Add the engine-specific index when the table is created from the models."""
    statements = {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}
    for statement in statements.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def drop_engine_index(target: sa.Table, connection: sa.Connection, **kw: object) -> None:
    """Drop SQLite's FTS5 table and triggers before the table goes."""
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.exec_driver_sql(statement)


sa.event.listen(SearchDocument.__table__, "after_create", create_engine_index)
sa.event.listen(SearchDocument.__table__, "before_drop", drop_engine_index)
