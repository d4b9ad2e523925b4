"""Load a full JSON export (tracker.archive.export) into an empty database, all or nothing.

The file is read as a stream (ijson): the header is checked against the shipped JSON Schema,
each table's columns against the models, and each row against the schema's row definition
and its columns' types, then inserted in batches. Everything runs in one transaction, so a
file that fails half-way leaves the database as empty as it was. On PostgreSQL the id
sequences are then moved past the imported ids.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import IO, Any

import ijson
import jsonschema
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from tracker.archive.export import FORMAT, NOT_EXPORTED, VERSION
from tracker.counters import bump_counter
from tracker.models import Base
from tracker.models.changes import DATA, FEEDS

ROWS_PER_INSERT = 1000
# Left out of an export made without secrets: what an imported account gets instead.
# "!" is no argon2 hash, so nobody can log in until an admin sets a new password.
SECRET_FILLERS: dict[tuple[str, str], Callable[[], Any]] = {
    ("user_account", "password_hash"): lambda: "!",
}

Converter = Callable[[Any], Any]
HEADER_KEYS = ("format", "version", "secrets")
TABLE_KEYS = ("name", "columns", "rows")


class ImportRefused(Exception):
    """The file cannot be imported into this database; nothing was written."""


@dataclass
class ImportReport:
    """What an import loaded."""

    rows: dict[str, int] = field(default_factory=dict)
    secrets: bool = False

    @property
    def total(self) -> int:
        """All rows loaded."""
        return sum(self.rows.values())


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the export format, shipped in the package."""
    text = resources.files("tracker.archive").joinpath("schema.json").read_text("utf-8")
    return dict(json.loads(text))


@cache
def validator(definition: str | None = None) -> jsonschema.protocols.Validator:
    """A validator for the whole document, or for one of its $defs."""
    document = schema()
    if definition is not None:
        document = {"$defs": document["$defs"], "$ref": f"#/$defs/{definition}"}
    cls = jsonschema.validators.validator_for(schema())
    return cls(document)  # type: ignore[no-any-return]


def check(value: Any, definition: str | None, where: str) -> None:
    """Refuse value when it does not match the schema (or one of its definitions)."""
    error = jsonschema.exceptions.best_match(validator(definition).iter_errors(value))
    if error is not None:
        path = "/".join(str(part) for part in error.absolute_path)
        raise ImportRefused(
            f"The file does not match the export schema at {where}{'/' + path if path else ''}: "
            f"{error.message}"
        )


def row_matches(row: Any) -> bool:
    """The schema's $defs/row, checked a thousand times faster than by jsonschema: a non-empty
    array (its cells may be any JSON value). tests/test_archive_json.py holds the two equal."""
    return isinstance(row, list) and len(row) > 0


def parse_datetime(value: str) -> datetime:
    """An ISO 8601 instant."""
    return datetime.fromisoformat(value)


def converter_for(column: sa.Column[Any]) -> tuple[type | None, Converter]:
    """The JSON type a column's cells must have, and how to turn one into a column value."""
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        column_type = column_type.impl_instance
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return None, lambda value: value
    if issubclass(python_type, datetime):
        return str, parse_datetime
    if issubclass(python_type, date):
        return str, date.fromisoformat
    if issubclass(python_type, time):
        return str, time.fromisoformat
    if issubclass(python_type, Decimal):
        return str, Decimal
    if issubclass(python_type, bytes):
        return str, base64.b64decode
    if issubclass(python_type, bool):
        return bool, lambda value: value
    if issubclass(python_type, int):
        return int, lambda value: value
    if issubclass(python_type, str):
        return str, lambda value: value
    return None, lambda value: value


@dataclass
class TableLoader:
    """Checks and converts the rows of one table of the file."""

    table: sa.Table
    columns: list[str]
    converters: list[tuple[str, type | None, Converter]]
    fillers: dict[str, Callable[[], Any]]

    @classmethod
    def for_table(cls, name: str, columns: list[str]) -> TableLoader:
        """The loader of table name with the file's columns, or a refusal naming the problem."""
        table = Base.metadata.tables.get(name)
        if table is None:
            raise ImportRefused(f"The file has a table this tracker does not know: {name}.")
        if name in NOT_EXPORTED:
            raise ImportRefused(f"Table {name} is per-database bookkeeping and is not imported.")
        unknown = [column for column in columns if column not in table.columns]
        if unknown:
            raise ImportRefused(f"Table {name} has unknown columns: {', '.join(unknown)}.")
        converters = []
        for column_name in columns:
            kind, convert = converter_for(table.columns[column_name])
            converters.append((column_name, kind, convert))
        fillers = {
            column: filler
            for (table_name, column), filler in SECRET_FILLERS.items()
            if table_name == name and column not in columns
        }
        return cls(table, columns, converters, fillers)

    def values(self, row: list[Any], number: int) -> dict[str, Any]:
        """The insert parameters for one row of the file (number counts from 1)."""
        where = f"table {self.table.name}, row {number}"
        if len(row) != len(self.columns):
            raise ImportRefused(f"In {where}: {len(row)} values for {len(self.columns)} columns.")
        values: dict[str, Any] = {}
        for (name, kind, convert), cell in zip(self.converters, row, strict=True):
            if cell is None:
                values[name] = None
                continue
            if kind is not None and (
                not isinstance(cell, kind) or (kind is int and isinstance(cell, bool))
            ):
                raise ImportRefused(f"In {where}, column {name}: expected {kind.__name__}.")
            try:
                values[name] = convert(cell)
            except (ValueError, TypeError) as error:
                raise ImportRefused(f"In {where}, column {name}: {error}.") from error
        for name, filler in self.fillers.items():
            values[name] = filler()
        return values


def holding_data(connection: Connection) -> list[str]:
    """The tables that already hold rows (not counting the bookkeeping ones)."""
    inspector = sa.inspect(connection)
    missing = [t.name for t in Base.metadata.sorted_tables if not inspector.has_table(t.name)]
    if missing:
        raise ImportRefused(
            f"The database lacks tables ({', '.join(missing[:5])}): run `flask db upgrade` first."
        )
    return [
        table.name
        for table in Base.metadata.sorted_tables
        if table.name not in NOT_EXPORTED
        and connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]


def reset_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the largest imported ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
        largest = sa.select(sa.func.max(column)).scalar_subquery()
        connection.execute(
            sa.select(sa.func.setval(sequence, sa.func.coalesce(largest, 0) + 1, False))
        )


class Parser:
    """Walks the ijson events of an export, yielding (table, columns, rows) as they come."""

    def __init__(self, source: IO[bytes]) -> None:
        self.events = ijson.parse(source, use_float=True)
        self.header: dict[str, Any] = {}

    def build(self, first: tuple[str, str, Any]) -> Any:
        """One JSON value starting with event first (its whole subtree)."""
        builder = ijson.ObjectBuilder()
        depth = 0
        event: tuple[str, str, Any] | None = first
        while event is not None:
            _, kind, value = event
            builder.event(kind, value)
            if kind in ("start_map", "start_array"):
                depth += 1
            elif kind in ("end_map", "end_array"):
                depth -= 1
            if depth == 0:
                return builder.value
            event = next(self.events, None)
        raise ImportRefused("The file ends in the middle of a value.")

    def tables(self) -> Iterator[tuple[str, list[str], Iterator[list[Any]]]]:
        """Each table of the file in order; the header must come before the tables."""
        table: dict[str, Any] = {}
        saw_tables = False
        for prefix, kind, value in self.events:
            if prefix in HEADER_KEYS:
                self.header[prefix] = self.build((prefix, kind, value))
            elif prefix == "" and kind == "map_key" and value not in (*HEADER_KEYS, "tables"):
                raise ImportRefused(f"The file has an unknown top-level key: {value}.")
            elif prefix == "tables" and kind == "start_array":
                saw_tables = True
                self.check_header()
            elif prefix == "tables.item" and kind == "start_map":
                table = {}
            elif prefix == "tables.item" and kind == "map_key" and value not in TABLE_KEYS:
                raise ImportRefused(f"A table in the file has an unknown key: {value}.")
            elif prefix in ("tables.item.name", "tables.item.columns"):
                table[prefix.rsplit(".", 1)[1]] = self.build((prefix, kind, value))
            elif prefix == "tables.item.rows":
                check({**table, "rows": []}, "table", f"table {table.get('name', '?')}")
                if kind != "start_array":
                    raise ImportRefused("A table's rows must be a list.")
                table["rows"] = True
                yield table["name"], table["columns"], self.rows()
            elif prefix == "tables.item" and kind == "end_map" and "rows" not in table:
                check(table, "table", f"table {table.get('name', '?')}")
        if not saw_tables:
            self.check_header()
            check(self.header, None, "the top level")

    def rows(self) -> Iterator[list[Any]]:
        """The rows of the current table, one at a time."""
        for prefix, kind, value in self.events:
            if prefix == "tables.item.rows" and kind == "end_array":
                return
            row = self.build((prefix, kind, value))
            if not row_matches(row):
                check(row, "row", "a row")
            yield row

    def check_header(self) -> None:
        """Refuse a file of another format or version before reading any table."""
        if self.header.get("format") != FORMAT:
            raise ImportRefused(
                f"This is not a tracker export (format {self.header.get('format')!r}, "
                f"expected {FORMAT!r}); format, version and secrets must come before tables."
            )
        version = self.header.get("version")
        if version != VERSION:
            raise ImportRefused(
                f"Unknown export format version {version!r}: this tracker reads version {VERSION}."
            )
        check({**self.header, "tables": []}, None, "the top level")


def load(connection: Connection, source: IO[bytes]) -> ImportReport:
    """Insert every row of the file through connection (the caller owns the transaction)."""
    occupied = holding_data(connection)
    if occupied:
        raise ImportRefused(
            "The database is not empty (rows in "
            f"{', '.join(occupied[:5])}{', ...' if len(occupied) > 5 else ''}): "
            "import needs a new, empty database."
        )
    parser = Parser(source)
    report = ImportReport()
    try:
        for name, columns, rows in parser.tables():
            loader = TableLoader.for_table(name, columns)
            if name in report.rows:
                raise ImportRefused(f"Table {name} appears twice in the file.")
            report.rows[name] = insert_rows(connection, loader, rows)
    except ijson.JSONError as error:
        raise ImportRefused(f"The file is not valid JSON: {error}.") from error
    report.secrets = bool(parser.header.get("secrets"))
    reset_sequences(connection)
    # Every page cache and feed ETag made from the database before the import is stale now.
    with Session(bind=connection) as session:
        bump_counter(session, DATA)
        bump_counter(session, FEEDS)
    return report


def insert_rows(connection: Connection, loader: TableLoader, rows: Iterator[list[Any]]) -> int:
    """Insert the rows in batches; how many."""
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        count += 1
        batch.append(loader.values(row, count))
        if len(batch) >= ROWS_PER_INSERT:
            execute_batch(connection, loader.table, batch)
            batch = []
    if batch:
        execute_batch(connection, loader.table, batch)
    return count


def execute_batch(connection: Connection, table: sa.Table, batch: list[dict[str, Any]]) -> None:
    """One executemany INSERT; a database error becomes a refusal naming the table."""
    try:
        connection.execute(table.insert(), batch)
    except sa.exc.StatementError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise ImportRefused(f"Table {table.name} could not be loaded: {reason}") from error


def import_json(engine: Engine, source: IO[bytes]) -> ImportReport:
    """Load the file in one transaction: everything, or (on any refusal) nothing."""
    with engine.begin() as connection:
        return load(connection, source)
