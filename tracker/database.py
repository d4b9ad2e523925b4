"""Database tuning: connection settings for SQLite and PostgreSQL, attached to the engine."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import event

from tracker.extensions import db


def register(app: Flask) -> None:
    """Tune connections (time limits, SQLite pragmas, UTC) and record the audit trail."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            busy_ms = int(float(app.config["TRACKER_SQLITE_BUSY_TIMEOUT"]) * 1000)
            synchronous = str(app.config["TRACKER_SQLITE_SYNCHRONOUS"])
            event.listen(engine, "connect", sqlite_tuning(busy_ms, synchronous))
        if engine.dialect.name == "postgresql":
            event.listen(
                engine,
                "do_connect",
                postgresql_connect(
                    float(app.config["TRACKER_DB_CONNECT_TIMEOUT"]),
                    float(app.config["TRACKER_DB_STATEMENT_TIMEOUT"]),
                ),
            )
            event.listen(engine, "connect", postgresql_utc)


SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def sqlite_tuning(busy_ms: int, synchronous: str = "NORMAL") -> Callable[[Any, Any], None]:
    """A connect hook running sqlite_pragmas with this busy timeout and synchronous level."""
    level = synchronous.upper()
    if level not in SYNCHRONOUS_LEVELS:
        allowed = ", ".join(SYNCHRONOUS_LEVELS)
        raise ValueError(f"TRACKER_SQLITE_SYNCHRONOUS must be one of {allowed}")

    def tune(dbapi_connection: Any, connection_record: Any) -> None:
        sqlite_pragmas(dbapi_connection, connection_record, busy_ms, level)

    return tune


def sqlite_pragmas(
    dbapi_connection: Any, connection_record: Any, busy_ms: int = 5000, synchronous: str = "NORMAL"
) -> None:
    """WAL mode, a busy timeout and enforced foreign keys on every SQLite connection."""
    # lower() (and so ilike) folds only ASCII in SQLite but all of Unicode in PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits this long for a lock, then the request answers 503 instead of hanging.
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("memory",):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()


class TimedConnection(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection that stops waiting for the server after io_timeout seconds.

    PostgreSQL's statement_timeout ends slow statements, but only if the server's answer can
    reach us: a stalled network path or a frozen proxy acknowledges what we send and never
    answers. This connection then gives up, closes itself (so the pool throws it away) and
    raises OperationalError, which the app answers with 503 and Retry-After.
    """

    io_timeout: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        """Consume gen like psycopg does, but within io_timeout seconds unless told otherwise."""
        if kwargs.get("timeout") is None and self.io_timeout:
            kwargs["timeout"] = self.io_timeout
        try:
            return super().wait(gen, *args, **kwargs)
        except psycopg.errors._WaitTimeout as error:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {kwargs['timeout']:g} seconds"
            ) from error


def postgresql_connect(
    connect_timeout: float, statement_timeout: float
) -> Callable[..., TimedConnection]:
    """A do_connect hook: PostgreSQL connections with connect, statement and answer time limits."""
    io_timeout = statement_timeout + 2 if statement_timeout > 0 else None

    def connect(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> TimedConnection:
        if connect_timeout > 0:
            # libpq takes whole seconds; at least 2, as it documents.
            cparams.setdefault("connect_timeout", max(2, math.ceil(connect_timeout)))
        if statement_timeout > 0:
            setting = f"-c statement_timeout={int(statement_timeout * 1000)}"
            cparams["options"] = f"{cparams.get('options', '')} {setting}".strip()
        connection = TimedConnection.connect(*cargs, **cparams)
        connection.io_timeout = io_timeout
        return connection

    return connect


def unicode_lower(value: Any) -> Any:
    """SQLite's lower(), folding every letter as PostgreSQL and Python do."""
    return value.lower() if isinstance(value, str) else value


def postgresql_utc(dbapi_connection: Any, connection_record: Any) -> None:
    """Run every PostgreSQL session in UTC, so date parts (e.g. the year) match SQLite's."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()
