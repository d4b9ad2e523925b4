"""Change counters (the feeds' and the page cache's), read on a connection of their own.

A feed poll or a cached page costs one read of a one-row table. Going through the request's
session would check a connection out of the pool and hand it back with a rollback every time,
which costs more than the rest of the answer. Each process instead keeps one autocommit
connection for these reads. In autocommit every statement sees what any worker has committed,
so the answer is as fresh as through the session. On any error the reader drops its
connection and the caller falls back to the session, so a broken connection never answers for
the database.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


class Unavailable(Exception):
    """The reader cannot answer; read through the session instead."""


class StateReader:
    """One autocommit DBAPI connection per process, used under a lock for one-row SELECTs."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.connection: Any = None
        self.pid = 0
        # An in-memory SQLite database is private to each connection: a second one sees nothing.
        self.usable = not (
            engine.dialect.name == "sqlite" and (engine.url.database or ":memory:") == ":memory:"
        )

    def connect(self) -> Any:
        """A fresh connection made by the engine (so its connect hooks run), set to autocommit."""
        pooled = self.engine.raw_connection()
        connection: Any = pooled.driver_connection
        pooled.detach()  # ours now: the pool neither resets nor recycles it
        if self.engine.dialect.name == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        weakref.finalize(self, close_quietly, connection, os.getpid())
        return connection

    def read(self, query: str) -> tuple[Any, ...] | None:
        """The first row of query (a fixed literal, no parameters), or None when there is none."""
        if not self.usable:
            raise Unavailable
        with self.lock:
            try:
                if self.connection is None or self.pid != os.getpid():
                    # A connection inherited across fork belongs to the parent: never touch it.
                    self.connection = self.connect()
                    self.pid = os.getpid()
                cursor = self.connection.cursor()
                try:
                    cursor.execute(query)
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            except Exception as error:  # any driver error: start afresh next time
                self.close_connection()
                raise Unavailable from error
        return None if row is None else tuple(row)

    def close_connection(self) -> None:
        """Close and forget the connection (called with the lock held or on dispose)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            close_quietly(connection, self.pid)


def close_quietly(connection: Any, pid: int) -> None:
    """Close a DBAPI connection made in process pid, ignoring errors from a broken one.

    A connection inherited across fork is left alone: closing it would end the parent's session.
    """
    if pid == os.getpid():
        with contextlib.suppress(Exception):  # a broken connection has nothing left to report
            connection.close()


readers: weakref.WeakKeyDictionary[Engine, StateReader] = weakref.WeakKeyDictionary()
readers_lock = threading.Lock()


def reader_for(engine: Engine) -> StateReader:
    """The engine's reader, made on first use; disposing of the engine closes its connection."""
    reader = readers.get(engine)
    if reader is not None:
        return reader
    with readers_lock:
        reader = readers.get(engine)
        if reader is None:
            reader = readers[engine] = StateReader(engine)
            event.listen(engine, "engine_disposed", dispose)
    return reader


def dispose(engine: Engine) -> None:
    """Close the engine's reader connection, as Engine.dispose() closes pooled ones."""
    reader = readers.get(engine)
    if reader is not None:
        with reader.lock:
            reader.close_connection()


def read_state(session: Session, query: str) -> tuple[Any, ...] | None:
    """The first row of query on the state connection, or through the session if it cannot."""
    try:
        return reader_for(session.get_bind().engine).read(query)
    except Unavailable:
        row = session.connection().exec_driver_sql(query).first()
        return None if row is None else tuple(row)
