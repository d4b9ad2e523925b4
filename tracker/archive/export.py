"""The full JSON export: every row of every table, streamed, in a versioned format.

The format is generic over the models' metadata, so a table another feature adds is exported
(and imported) without code here. Tables go parents first (Base.metadata.sorted_tables), rows
in primary-key order, one row per line, so two exports of the same data are byte-identical
whichever database they come from. tracker/archive/schema.json describes the file.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tracker.models import Base

FORMAT = "borderless-ai-tracker"
VERSION = 1
ROWS_PER_FETCH = 1000

# Per-database bookkeeping, not records: the change counters behind page caches and feed
# ETags (a new database keeps its own, so caches and calendar apps refetch once after a move)
# and the failed-login throttle; and the search index, which the importer rebuilds.
NOT_EXPORTED: frozenset[str] = frozenset({"change_counter", "login_attempt", "search_document"})
# Columns left out unless the export is made --with-secrets; the importer fills them in
# (see tracker.archive.importer.SECRET_FILLERS). Tables in SECRET_TABLES are left empty.
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"user_account": ("password_hash", "session_token")}
SECRET_TABLES: frozenset[str] = frozenset({"calendar_token"})


def exported_tables() -> list[sa.Table]:
    """Every table of the models but the bookkeeping ones, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_EXPORTED]


def exported_columns(table: sa.Table, with_secrets: bool) -> list[sa.Column[Any]]:
    """The columns of table that go into the file."""
    hidden = () if with_secrets else SECRET_COLUMNS.get(table.name, ())
    return [column for column in table.columns if column.name not in hidden]


def plain_value(value: Any) -> Any:
    """A column value as a JSON value (instants as ISO 8601 with their UTC offset)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def row_order(table: sa.Table) -> list[sa.ColumnElement[Any]]:
    """A total order for table's rows: its primary key, else all its columns."""
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(
    connection: Connection, table: sa.Table, columns: list[sa.Column[Any]]
) -> Iterator[list[Any]]:
    """The rows of table as lists of JSON values, fetched in batches (server-side cursor)."""
    result = connection.execution_options(yield_per=ROWS_PER_FETCH).execute(
        sa.select(*columns).order_by(*row_order(table))
    )
    for row in result:
        yield [plain_value(value) for value in row]


def dumps(value: Any) -> str:
    """Compact JSON that keeps non-ASCII text as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def export_json(connection: Connection, out: IO[str], *, with_secrets: bool = False) -> int:
    """Write every table to out as one JSON document, a row per line; the number of rows."""
    total = 0
    out.write(
        f'{{"format":{dumps(FORMAT)},"version":{VERSION},"secrets":{dumps(with_secrets)},'
        '"tables":[\n'
    )
    for index, table in enumerate(exported_tables()):
        columns = exported_columns(table, with_secrets)
        names = [column.name for column in columns]
        out.write("," if index else "")
        out.write(f'{{"name":{dumps(table.name)},"columns":{dumps(names)},"rows":[')
        if with_secrets or table.name not in SECRET_TABLES:
            for count, row in enumerate(table_rows(connection, table, columns)):
                out.write(",\n" if count else "\n")
                out.write(dumps(row))
                total += 1
        out.write("]}\n")
    out.write("]}\n")
    return total
