"""Database tuning: connection settings for SQLite and PostgreSQL, attached to the engine."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from tracker.extensions import db


def register(app: Flask) -> None:
    """Tune every new SQLite or PostgreSQL connection."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", sqlite_pragmas)
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", postgresql_utc)


def sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL mode, a busy timeout and enforced foreign keys on every SQLite connection."""
    # lower() (and so ilike) folds only ASCII in SQLite but all of Unicode in PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] not in ("memory",):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def unicode_lower(value: Any) -> Any:
    """SQLite's lower(), folding every letter as PostgreSQL and Python do."""
    return value.lower() if isinstance(value, str) else value


def postgresql_utc(dbapi_connection: Any, connection_record: Any) -> None:
    """Run every PostgreSQL session in UTC, so date parts (e.g. the year) match SQLite's."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()
