"""SQLite under concurrent writes, consistent backups, and surviving a lost database."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests import factories
from tests.conftest import build_app, login_as
from tracker.database import sqlite_pragmas
from tracker.extensions import db
from tracker.models import AuditEvent, Organisation, Topic

WRITERS = 200


def test_two_hundred_concurrent_writes_lose_nothing(sqlite_app):
    app = sqlite_app
    organisations = [factories.make_organisation() for _ in range(WRITERS // 2)]
    organisation_ids = [o.id for o in organisations]
    db.session.commit()  # the writers use connections of their own
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    # All 200 queue for one lock at once: on a busy 2-core machine (two browser crawls beside
    # this test) the last in line can wait longer than the app's 5 s, after which a request
    # would answer 503 by design. This test is about losing nothing, so the writers wait.
    event.listen(
        engine, "connect", lambda connection, record: sqlite_pragmas(connection, record, 120_000)
    )
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            with Session(engine) as session:  # each writer: its own session and connection
                if n % 2:
                    organisation = session.get(Organisation, organisation_ids[n // 2])
                    assert organisation is not None
                    organisation.description = f"written by writer {n}"
                else:
                    session.add(Topic(title=f"Topic from writer {n}"))
                session.commit()
        except BaseException as error:  # collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    engine.dispose()
    assert not errors, f"{len(errors)} writes failed, first: {errors[0]!r}"
    db.session.expire_all()
    titles = set(db.session.scalars(select(Topic.title)))
    assert titles == {f"Topic from writer {n}" for n in range(0, WRITERS, 2)}
    descriptions = {
        row.id: row.description
        for row in db.session.execute(select(Organisation.id, Organisation.description))
    }
    for n in range(1, WRITERS, 2):
        assert descriptions[organisation_ids[n // 2]] == f"written by writer {n}"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == (
        len(organisation_ids) + WRITERS
    )
    mode = db.session.connection().exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


def test_database_lost_gives_503_then_recovers_without_restart(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{data_dir / 'live.sqlite3'}")
    with app.app_context():
        factories.make_series(name="Still here")
        user = factories.make_user()
        db.session.commit()
        anonymous, member = app.test_client(), app.test_client()
        login_as(member, user)
    assert anonymous.get("/series/").status_code == 200

    moved = tmp_path / "elsewhere"
    data_dir.rename(moved)  # the database disappears (root ignores chmod, so it is moved away)
    with app.app_context():
        db.engine.dispose()  # ... and the server drops the open connections
    for client in (anonymous, member):
        response = client.get("/series/")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert "database cannot be reached" in response.get_data(as_text=True)
    health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "unreachable"}

    moved.rename(data_dir)  # the database comes back; the same app object carries on
    page = anonymous.get("/series/")
    assert page.status_code == 200
    assert "Still here" in page.get_data(as_text=True)
    assert member.get("/account").status_code == 200
    assert anonymous.get("/healthz").status_code == 200


def test_backup_while_writing_is_consistent(sqlite_app, tmp_path):
    app = sqlite_app
    runner = app.test_cli_runner()
    factories.make_series(name="Before the backup")
    db.session.commit()  # the writer and the backup use connections of their own
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    event.listen(engine, "connect", sqlite_pragmas)
    stop = threading.Event()
    written: list[int] = []

    def keep_writing() -> None:
        n = 0
        while not stop.is_set() and n < 2000:
            with Session(engine) as session:
                session.add(Topic(title=f"Busy topic {n}"))  # plus its audit event, one commit
                session.commit()
            n += 1
            written.append(n)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 20 and writer.is_alive() and time.monotonic() < deadline:
            stop.wait(0.01)
        assert len(written) >= 20, "the writer thread stopped before writing 20 rows"
        destination = tmp_path / "backups" / "copy.sqlite3"
        result = runner.invoke(args=["backup", str(destination)])
    finally:
        stop.set()
        writer.join(timeout=60)
        engine.dispose()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    copy = sqlite3.connect(destination)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        topics = copy.execute("SELECT count(*) FROM topic").fetchone()[0]
        audited = copy.execute(
            "SELECT count(*) FROM audit_event WHERE entity = 'topic' AND action = 'create'"
        ).fetchone()[0]
        series = copy.execute("SELECT name FROM series").fetchall()
    finally:
        copy.close()
    assert topics >= 20
    assert topics == audited  # every transaction is in the copy whole, or not at all
    assert series == [("Before the backup",)]


def test_backup_refuses_to_overwrite(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    existing = tmp_path / "exists.sqlite3"
    existing.write_text("keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert existing.read_text() == "keep me"


def test_backup_on_postgresql_prints_the_pg_dump_steps(tmp_path: Path):
    from tracker import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1/none")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code != 0
    assert "pg_dump --format=custom" in result.output
    assert "pg_restore" in result.output
