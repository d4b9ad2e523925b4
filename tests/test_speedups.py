"""The test-only speed-ups keep tests apart: a kept PostgreSQL connection starts clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import build_app
from tracker.extensions import db

on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def backend_and_settings(app: Flask) -> tuple[int, str, str, int]:
    """The server process, application name, time zone and temporary tables a new session sees."""
    with app.app_context():
        row = db.session.execute(
            text(
                "SELECT pg_backend_pid(), current_setting('application_name'), "
                "current_setting('TimeZone'), "
                "(SELECT count(*) FROM pg_class WHERE relpersistence = 't')"
            )
        ).one()
        db.session.remove()
        db.engine.dispose()
    return int(row[0]), str(row[1]), str(row[2]), int(row[3])


def detached_connection() -> Any:
    """A DBAPI connection taken out of the current app's pool, which forgets it."""
    pooled = db.engine.raw_connection()
    driver = pooled.driver_connection
    pooled.detach()
    return driver


@on_postgresql
def test_the_next_app_gets_the_same_server_session_reset(tmp_path: Path, database_url: str):
    first = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with first.app_context():
        db.session.execute(text("SET application_name = 'left behind'"))
        db.session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))
        db.session.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        db.session.execute(text("SELECT pg_advisory_lock(4242)"))
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    second = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    again, name, zone, temporary = backend_and_settings(second)
    assert again == pid  # kept, not a new server process
    assert (name, zone, temporary) == ("", "UTC", 0)  # the app's connect hook set UTC again
    third = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with third.app_context():
        assert db.session.execute(text("SELECT pg_try_advisory_lock(4242)")).scalar_one()
        db.session.execute(text("SELECT pg_advisory_unlock_all()"))
        db.session.remove()
        db.engine.dispose()


@on_postgresql
def test_an_open_transaction_is_rolled_back_not_carried_over(tmp_path: Path, database_url: str):
    first = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with first.app_context():
        driver = detached_connection()
        driver.execute("INSERT INTO change_counter VALUES ('left open', 1, 0, 'x')")
        pid = driver.execute("SELECT pg_backend_pid()").fetchone()[0]
        db.engine.pool._close_connection(driver)  # as a pool closes a connection
        db.engine.dispose()
    second = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with second.app_context():
        again = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        left = text("SELECT count(*) FROM change_counter WHERE name = 'left open'")
        assert db.session.execute(left).scalar_one() == 0
        db.session.remove()
        db.engine.dispose()
    assert again == pid


@on_postgresql
def test_a_connection_its_owner_closes_is_really_closed(tmp_path: Path, database_url: str):
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        driver = detached_connection()  # closing it is up to us, as the state reader's is
        driver.close()
        assert driver.closed
        db.engine.dispose()


@on_postgresql
def test_connections_with_other_time_limits_are_not_shared(tmp_path: Path, database_url: str):
    first = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    pid, *_ = backend_and_settings(first)
    strict = build_app(
        tmp_path, SQLALCHEMY_DATABASE_URI=database_url, TRACKER_DB_STATEMENT_TIMEOUT=1
    )
    with strict.app_context():
        other, limit = db.session.execute(
            text("SELECT pg_backend_pid(), current_setting('statement_timeout')")
        ).one()
        db.session.remove()
        db.engine.dispose()
    assert other != pid
    assert limit == "1s"


@on_postgresql
def test_statements_psycopg_prepares_run_on_a_kept_connection(tmp_path: Path, database_url: str):
    """On a kept connection, every statement psycopg believes prepared exists on the server."""
    statement = text("SELECT count(*) FROM change_counter WHERE name = :name")
    first = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with first.app_context():
        for round_ in range(8):  # past psycopg's prepare_threshold (5): now prepared
            db.session.execute(statement, {"name": f"n{round_}"})
        driver = db.session.connection().connection.driver_connection
        assert driver._prepared._names  # psycopg did prepare it
        pid = driver.info.backend_pid
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    second = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with second.app_context():
        driver = db.session.connection().connection.driver_connection
        assert driver.info.backend_pid == pid  # the kept connection
        for round_ in range(8):
            assert db.session.execute(statement, {"name": f"m{round_}"}).scalar_one() == 0
        believed = {name.decode() for name in driver._prepared._names.values()}
        on_server = set(
            db.session.execute(text("SELECT name FROM pg_prepared_statements")).scalars()
        )
        assert believed and believed <= on_server
        db.session.remove()
        db.engine.dispose()
