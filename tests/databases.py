"""The databases the suite runs on: SQLite always, PostgreSQL when a server URL is given."""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from tests import speedups
from tracker import create_app
from tracker.models import Base

POSTGRES_ENV = "TRACKER_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV, "")
SKIP_REASON = f"set {POSTGRES_ENV} to run against PostgreSQL"

BACKENDS = ["sqlite", "postgresql"]


def require_postgres() -> None:
    """Skip the calling test (one grouped reason in the summary) when no server is given."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_REASON)


class DatabaseServer:
    """Throw-away databases on the PostgreSQL server named by TRACKER_TEST_POSTGRES_URL."""

    def __init__(self, admin_url: str, prefix: str) -> None:
        self.admin_url = make_url(admin_url)
        self.prefix = prefix
        self.counter = itertools.count(1)
        self.created: list[str] = []
        self.schema_url: str | None = None
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    @classmethod
    def from_environment(cls, worker_id: str) -> DatabaseServer:
        """The server of TRACKER_TEST_POSTGRES_URL, naming databases per process and worker."""
        require_postgres()
        return cls(POSTGRES_URL, f"tracker_test_{worker_id}_{os.getpid()}".lower())

    def url_for(self, name: str) -> str:
        """The URL of database name on this server."""
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of the database at URL template; its URL."""
        name = f"{self.prefix}_{next(self.counter)}"
        copy = f' TEMPLATE "{make_url(template).database}"' if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
            # A throw-away database needs no durability: commits need not wait for the disk.
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        self.created.append(name)
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by create_database, closing its connections."""
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self.created:
            self.created.remove(name)

    def schema_database(self) -> str:
        """The session's database holding the models' schema, created on first use."""
        if self.schema_url is None:
            # Building an app imports every blueprint, and so every model module.
            create_app("testing")
            url = self.create_database()
            engine = create_engine(url)
            Base.metadata.create_all(engine)
            engine.dispose()
            self.schema_url = url
            # Every test on this worker empties it again: its connections are worth keeping.
            parts = make_url(url)
            speedups.WARM_DATABASES.add(
                (str(parts.host), int(parts.port or 5432), str(parts.database))
            )
        return self.schema_url

    def close(self) -> None:
        """Drop every database this session made."""
        for name in list(self.created):
            self.drop_database(self.url_for(name))
        self.admin.dispose()


def clean_slate(engine: Engine) -> None:
    """Empty every table and restart the ids used (PostgreSQL); a new SQLite file is empty already.

    One anonymous PL/pgSQL block, so one round trip: DELETE on the few rows a test leaves is
    about twenty times faster than TRUNCATE (which makes new files for every table), and only
    the sequences that handed out an id are set back to 1, with ``setval`` (ALTER SEQUENCE ...
    RESTART also gives each sequence a new file: twice the time). TRUNCATE remains the
    fallback for cyclic references.
    """
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.quote
    deletes = "".join(
        f"DELETE FROM {quote(table.name)}; " for table in reversed(Base.metadata.sorted_tables)
    )
    block = (
        "DO $$ DECLARE name text; BEGIN "
        "SET LOCAL lock_timeout = '20s'; "
        f"{deletes}"
        "FOR name IN SELECT sequencename FROM pg_sequences "
        "WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP "
        "PERFORM setval(quote_ident(name)::regclass, 1, false); "
        "END LOOP; END $$"
    )
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(block)
    except IntegrityError:
        tables = ", ".join(quote(table.name) for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
