"""Alembic migrations: no drift from the models, a real downgrade, and no rows lost."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, MetaData, inspect, select

from tests.databases import BACKENDS, DatabaseServer, require_postgres
from tracker import ROOT, create_app
from tracker.demo import seed_demo
from tracker.extensions import db
from tracker.models.search import is_engine_index

MIGRATIONS = ROOT / "migrations"
# Tables that a revision merged into another on purpose: their rows live on there.
MERGED_INTO = {"data_state": "change_counter", "calendar_state": "change_counter"}


def script_directory() -> ScriptDirectory:
    """The revisions in migrations/."""
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def revisions_over_data() -> list[Any]:
    """Every revision that upgrades an existing schema, newest first; the head at least."""
    scripts = script_directory()
    revisions = [r for r in scripts.walk_revisions() if r.down_revision is not None]
    if not revisions:
        # Only the initial revision exists: downgrade it and upgrade it again over demo data.
        revisions = [scripts.get_revision("head")]
    return [pytest.param(r.revision, id=f"{r.revision}-{r.doc}") for r in revisions]


@pytest.fixture
def bare_app(empty_database_url: str) -> Iterator[Flask]:
    """An app on a database without any tables, inside an app context."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def migrate_and_seed(url: str) -> None:
    """Upgrade the empty database at url to head and load the demo data into it."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        seed_demo(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_at_head_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at head with the demo data, made once per worker and copied per test."""
    path = tmp_path_factory.mktemp("migrated") / "demo.sqlite3"
    migrate_and_seed(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_at_head_postgresql(postgres_server: DatabaseServer) -> str:
    """A PostgreSQL database at head with the demo data, made once per worker, a template."""
    url = postgres_server.create_database()
    migrate_and_seed(url)
    return url


@pytest.fixture(params=BACKENDS)
def demo_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh copy of a database migrated to head and filled with the demo data.

    Upgrading from base to head and seeding happen once per worker and backend (the tests
    above upgrade from base themselves); each test gets its own copy to downgrade.
    """
    server: DatabaseServer | None = None
    if request.param == "sqlite":
        target = tmp_path / "demo.sqlite3"
        shutil.copyfile(request.getfixturevalue("demo_at_head_sqlite"), target)
        url = f"sqlite:///{target}"
    else:
        require_postgres()
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(template=request.getfixturevalue("demo_at_head_postgresql"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if server is not None:
        server.drop_database(url)


def modelled(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Everything but the search engine's own index (FTS5 tables, the tsv column)."""
    parent = getattr(getattr(obj, "table", None), "name", None)
    return not is_engine_index(name, type_, parent)


def schema_diffs(engine: Engine) -> list[Any]:
    """What autogenerate would change to make the database match the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": modelled}
        )
        return list(compare_metadata(context, db.metadata))


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table except alembic_version, in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    rows = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            result = connection.execute(select(table).order_by(*order))
            rows[table.name] = [dict(row._mapping) for row in result]
    return rows


def test_flask_db_upgrade_creates_exactly_the_models_schema(bare_app):
    result = bare_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert schema_diffs(db.engine) == []
    tables = {t for t in inspect(db.engine).get_table_names() if not is_engine_index(t, "table")}
    assert tables == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}


def test_drift_check_notices_a_difference(bare_app):
    flask_migrate.upgrade(revision="head")
    with db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE stray (id INTEGER PRIMARY KEY)")
    assert [diff[0] for diff in schema_diffs(db.engine)] == ["remove_table"]


def test_downgrade_to_base_removes_everything(bare_app):
    flask_migrate.upgrade(revision="head")
    flask_migrate.downgrade(revision="base")
    inspector = inspect(db.engine)
    assert inspector.get_table_names() == ["alembic_version"]
    if db.engine.dialect.name == "postgresql":
        assert inspector.get_sequence_names() == []
    flask_migrate.upgrade(revision="head")
    assert schema_diffs(db.engine) == []


@pytest.mark.parametrize("revision", revisions_over_data())
def test_migration_keeps_every_row(demo_app, revision):
    previous = script_directory().get_revision(revision).down_revision or "base"
    flask_migrate.downgrade(revision=previous)
    before = snapshot(db.engine)
    flask_migrate.upgrade(revision="head")
    after = snapshot(db.engine)
    assert schema_diffs(db.engine) == []
    for table, rows in before.items():
        if table in MERGED_INTO and table not in after:
            target = after[MERGED_INTO[table]]
            for row in rows:
                assert any(all(row[k] == kept[k] for k in set(row) & set(kept)) for kept in target)
            continue
        assert table in after, f"upgrading over {previous} dropped table {table}"
        kept = set(rows[0]) & set(after[table][0]) if rows and after[table] else set()
        assert len(after[table]) == len(rows), f"{table}: {len(rows)} -> {len(after[table])} rows"
        assert [{k: r[k] for k in kept} for r in after[table]] == [
            {k: r[k] for k in kept} for r in rows
        ], f"{table}: rows changed"
    if previous != "base":
        assert sum(len(rows) for rows in before.values()) > 0


def test_demo_data_fits_the_migrated_schema(bare_app):
    flask_migrate.upgrade(revision="head")
    counts = seed_demo(db.session)
    db.session.commit()
    assert counts and all(n >= 0 for n in counts.values())
    tables = snapshot(db.engine)
    for name in ("organisation", "meeting", "participation", "agenda_item", "deliverable"):
        assert tables[name], f"demo data left {name} empty"


def test_revision_files_sort_in_chain_order():
    """File names carry date and time, so `ls` lists revisions in the order Alembic runs them."""
    script = ScriptDirectory(str(ROOT / "migrations"))
    chain = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    files = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    assert [name.split("_")[2] for name in files] == chain
    assert all(re.fullmatch(r"\d{8}_\d{4}_[0-9a-f]+_\w+\.py", name) for name in files)
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        assert "please adjust" not in path.read_text(encoding="utf-8")
