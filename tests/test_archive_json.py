"""The full JSON export and its import: round trips between SQLite and PostgreSQL, refusals."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.archive_data import EMAIL, fill_initiative
from tests.calendar_parsers import icalendar_events
from tests.conftest import build_app
from tests.databases import DatabaseServer, require_postgres
from tracker.archive.export import NOT_EXPORTED, export_json
from tracker.archive.importer import ImportRefused, import_json, row_matches, schema, validator
from tracker.auth.passwords import verify_password
from tracker.calendar.operations import feed_token
from tracker.extensions import db
from tracker.models import AuditEvent, Base, ChangeCounter, Meeting, Series, User
from tracker.models.changes import DATA, FEEDS


def export_text(app: Flask, *, with_secrets: bool = True) -> str:
    """The app's database as a JSON export."""
    out = io.StringIO()
    with app.app_context(), db.engine.connect() as connection:
        export_json(connection, out, with_secrets=with_secrets)
    return out.getvalue()


def import_text(app: Flask, text: str) -> None:
    """Import text into the app's database."""
    with app.app_context():
        import_json(db.engine, io.BytesIO(text.encode()))


def row_count(app: Flask) -> int:
    """All rows of all tables except the seeded change counters."""
    with app.app_context():
        return sum(
            db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != "change_counter"
        )


def feed_paths(app: Flask) -> list[str]:
    """Every feed the app serves for its data: public, per series, organisation, meeting,
    deadlines, and the admin's private feed."""
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.email == "admin@example.org")).one()
        token = feed_token(db.session, admin, app.config["SECRET_KEY"])
        series_ids = db.session.scalars(select(Series.id)).all()
        meeting_ids = db.session.scalars(
            select(Meeting.id).where(Meeting.deleted_at.is_(None))
        ).all()
        organisation_ids = [1, 2]
    assert token is not None
    return [
        "/feeds/meetings.ics",
        "/feeds/deadlines.ics",
        f"/feeds/private/{token}/meetings.ics",
        *(f"/feeds/series/{i}.ics" for i in series_ids),
        *(f"/feeds/organisations/{i}.ics" for i in organisation_ids),
        *(f"/meetings/{i}.ics" for i in meeting_ids),
    ]


def feeds(app: Flask, paths: list[str]) -> dict[str, Any]:
    """Each feed's events as (UID, SEQUENCE, start, summary), and its raw body."""
    client = app.test_client()
    served: dict[str, Any] = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        events = icalendar_events(response.data)
        served[path] = (
            sorted(
                (str(e["UID"]), int(e.get("SEQUENCE", 0)), e.decoded("DTSTART"), str(e["SUMMARY"]))
                for e in events
            ),
            response.data,
        )
    return served


@pytest.fixture
def server(postgres_server: DatabaseServer) -> DatabaseServer:
    """The PostgreSQL server (the round trips need both databases)."""
    require_postgres()
    return postgres_server


@pytest.fixture
def postgres_app(server: DatabaseServer, tmp_path: Path) -> Iterator[Flask]:
    """An app on a new PostgreSQL database with the schema and no rows."""
    url = server.create_database()
    app = build_app(tmp_path / "pg", SQLALCHEMY_DATABASE_URI=url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    server.drop_database(url)


def sqlite_app_in(directory: Path) -> Flask:
    """An app on a new SQLite file in directory."""
    directory.mkdir(parents=True, exist_ok=True)
    return build_app(directory)


def filled(app: Flask) -> Flask:
    """app with the test initiative committed."""
    with app.app_context():
        fill_initiative(app.config["SECRET_KEY"])
        db.session.commit()
        db.session.remove()
    return app


@pytest.mark.slow
def test_sqlite_to_postgresql_and_back_is_identical(tmp_path: Path, postgres_app: Flask) -> None:
    """SQLite -> PostgreSQL -> SQLite: every export is the same file, every feed the same."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    first = export_text(source)
    paths = feed_paths(source)
    before = feeds(source, paths)

    import_text(postgres_app, first)
    assert export_text(postgres_app) == first
    assert feeds(postgres_app, paths) == before

    back = sqlite_app_in(tmp_path / "back")
    import_text(back, export_text(postgres_app))
    assert export_text(back) == first
    assert feeds(back, paths) == before


@pytest.mark.slow
def test_postgresql_to_sqlite_is_identical(tmp_path: Path, postgres_app: Flask) -> None:
    """PostgreSQL -> SQLite: the same file again, the same feeds with the same UIDs."""
    filled(postgres_app)
    first = export_text(postgres_app)
    paths = feed_paths(postgres_app)
    before = feeds(postgres_app, paths)
    target = sqlite_app_in(tmp_path / "target")
    import_text(target, first)
    assert export_text(target) == first
    after = feeds(target, paths)
    assert after == before
    (upcoming,) = after["/feeds/meetings.ics"][0]  # the feed's window shows what is to come
    assert upcoming[1] == 1 and upcoming[3] == "Autumn plenary"  # its SEQUENCE came along
    single = [events for path, (events, _) in after.items() if path.startswith("/meetings/")]
    assert len(single) == 3 and all(len(events) == 1 for events in single)


def test_import_keeps_ids_uids_sequences_audit_and_timestamps(tmp_path: Path) -> None:
    """What the issue names survives the move: ids, UIDs, SEQUENCEs, revisions, audit, times."""
    source = sqlite_app_in(tmp_path / "source")
    with source.app_context():
        initiative = fill_initiative()
        db.session.commit()
        upcoming = (initiative.upcoming.id, initiative.upcoming.uid, initiative.upcoming.sequence)
        created = initiative.held.created_at
        audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        trail = [(a.id, a.at, a.action, a.entity, a.entity_id, a.changes) for a in audit]
    assert upcoming[2] == 1
    target = sqlite_app_in(tmp_path / "target")
    import_text(target, export_text(source))
    with target.app_context():
        moved = db.session.get(Meeting, upcoming[0])
        assert moved is not None
        assert (moved.id, moved.uid, moved.sequence) == upcoming
        held = db.session.scalars(select(Meeting).where(Meeting.number == 1)).one()
        assert held.created_at == created
        audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(a.id, a.at, a.action, a.entity, a.entity_id, a.changes) for a in audit] == trail
        assert len(trail) > 20
        # Pages cached and feed ETags made before the import are stale: the counters moved.
        assert db.session.get(ChangeCounter, DATA) is not None
        assert db.session.get(ChangeCounter, FEEDS) is not None


def test_postgresql_sequences_continue_after_the_imported_ids(
    tmp_path: Path, postgres_app: Flask
) -> None:
    """New records after an import into PostgreSQL get fresh ids, not the imported ones."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    import_text(postgres_app, export_text(source))
    with postgres_app.app_context():
        largest = db.session.scalar(select(func.max(Meeting.id)))
        series = db.session.scalars(select(Series)).first()
        meeting = factories.make_meeting(series=series, number=99)
        audit_ids = db.session.scalars(select(AuditEvent.id)).all()
        db.session.commit()
        assert meeting.id == (largest or 0) + 1
        assert len(audit_ids) == len(set(audit_ids))


def test_export_without_secrets_leaves_out_passwords_and_feed_tokens(tmp_path: Path) -> None:
    """Password hashes, session tokens and feed tokens stay home unless --with-secrets."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    plain = export_text(source, with_secrets=False)
    assert "$argon2" not in plain
    document = json.loads(plain)
    tables = {t["name"]: t for t in document["tables"]}
    assert document["secrets"] is False
    assert "password_hash" not in tables["user_account"]["columns"]
    assert "session_token" not in tables["user_account"]["columns"]
    assert tables["calendar_token"]["rows"] == []
    assert EMAIL in plain  # the full export holds everything else, e-mails included

    target = sqlite_app_in(tmp_path / "target")
    import_text(target, plain)
    with target.app_context():
        admin = db.session.scalars(select(User).where(User.email == "admin@example.org")).one()
        assert not verify_password(admin.password_hash, factories.PASSWORD)
        assert len(admin.session_token) > 20

    secret = export_text(source, with_secrets=True)
    assert "$argon2" in secret
    kept = sqlite_app_in(tmp_path / "kept")
    import_text(kept, secret)
    with kept.app_context():
        admin = db.session.scalars(select(User).where(User.email == "admin@example.org")).one()
        assert verify_password(admin.password_hash, factories.PASSWORD)


def test_export_matches_the_shipped_schema(tmp_path: Path) -> None:
    """A real export validates against the JSON Schema in the package, which is a valid one."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    document = json.loads(export_text(source))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema())
    names = [t["name"] for t in document["tables"]]
    assert names == [t.name for t in Base.metadata.sorted_tables if t.name not in NOT_EXPORTED]
    assert "change_counter" not in names and "login_attempt" not in names
    assert names.index("series") < names.index("meeting") < names.index("agenda_item")


@pytest.mark.parametrize(
    "row",
    [[1], [None, True, 1.5, "x", {"a": [1]}, [2]], [], {}, "row", 1, None, [[]], [{}]],
)
def test_the_fast_row_check_agrees_with_the_schema(row: Any) -> None:
    """The importer's quick check of a row accepts exactly what the schema's row accepts."""
    assert row_matches(row) == validator("row").is_valid(row)


def refusal(app: Flask, text: str) -> str:
    """The refusal message an import of text gives, after checking nothing was written."""
    before = row_count(app)
    with pytest.raises(ImportRefused) as caught:
        import_text(app, text)
    assert row_count(app) == before
    return str(caught.value)


@pytest.fixture
def good_export(tmp_path: Path) -> dict[str, Any]:
    """A good export of the test initiative, as a JSON document."""
    return dict(json.loads(export_text(filled(sqlite_app_in(tmp_path / "source")))))


def test_import_refuses_a_database_that_holds_data(tmp_path: Path) -> None:
    """Importing into a database with records is refused, whatever the file."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    message = refusal(source, export_text(source))
    assert "not empty" in message


def test_import_refuses_another_version_and_another_format(
    tmp_path: Path, good_export: dict[str, Any]
) -> None:
    """A file of an unknown format version, or no export at all, is refused."""
    target = sqlite_app_in(tmp_path / "target")
    assert "Unknown export format version 2" in refusal(
        target, json.dumps({**good_export, "version": 2})
    )
    assert "not a tracker export" in refusal(target, json.dumps({"tables": []}))
    assert "not valid JSON" in refusal(target, '{"format": "borderless-ai-tracker", "vers')


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: d.pop("secrets"), "'secrets' is a required property"),
        (lambda d: d["tables"][2].update(rows=["text"]), "export schema"),
        (lambda d: d["tables"][2].update(name="Robert'); DROP"), "export schema"),
        (lambda d: d["tables"][2]["rows"][0].append(1), "values for"),
        (lambda d: d["tables"][2].update(name="no_such_table"), "does not know: no_such_table"),
        (lambda d: d["tables"][2]["columns"].__setitem__(1, "colour"), "unknown columns: colour"),
        (lambda d: d["tables"][2]["rows"][0].__setitem__(0, "one"), "expected int"),
        (lambda d: d.update(extra=1), "unknown top-level key: extra"),
        (lambda d: d["tables"][0].update(name="change_counter"), "bookkeeping"),
    ],
)
def test_import_refuses_a_file_that_fails_the_schema(
    tmp_path: Path, good_export: dict[str, Any], damage: Any, expected: str
) -> None:
    """Each kind of damage gets a clear message, and nothing is written."""
    target = sqlite_app_in(tmp_path / "target")
    damage(good_export)
    assert expected in refusal(target, json.dumps(good_export))


def test_a_failure_half_way_rolls_back_everything(
    tmp_path: Path, good_export: dict[str, Any]
) -> None:
    """A bad row in a late table leaves the database as empty as before, tables and all."""
    target = sqlite_app_in(tmp_path / "target")
    tables = {t["name"]: t for t in good_export["tables"]}
    meeting = tables["meeting"]
    duplicate = list(meeting["rows"][0])
    meeting["rows"].append(duplicate)  # the same id twice: the database refuses it
    message = refusal(target, json.dumps(good_export))
    assert "Table meeting could not be loaded" in message
    assert row_count(target) == 0
    tables["meeting"]["rows"].pop()
    bad_date = tables["progress_update"]
    bad_date["rows"][0][bad_date["columns"].index("recorded_on")] = "not a date"
    assert "column recorded_on" in refusal(target, json.dumps(good_export))
    assert row_count(target) == 0


def test_cli_export_and_import(tmp_path: Path) -> None:
    """flask archive export --json FILE and flask archive import FILE, with their messages."""
    source = filled(sqlite_app_in(tmp_path / "source"))
    target_file = tmp_path / "initiative.json"
    result = source.test_cli_runner().invoke(args=["archive", "export", "--json", str(target_file)])
    assert result.exit_code == 0, result.output
    assert "without secrets" in result.output
    again = source.test_cli_runner().invoke(args=["archive", "export", "--json", str(target_file)])
    assert again.exit_code != 0 and "exists already" in again.output

    target = sqlite_app_in(tmp_path / "target")
    result = target.test_cli_runner().invoke(args=["archive", "import", str(target_file)])
    assert result.exit_code == 0, result.output
    assert "Passwords were not in the file" in result.output
    result = target.test_cli_runner().invoke(args=["archive", "import", str(target_file)])
    assert result.exit_code == 1
    assert "not empty" in result.output and "Nothing was imported" in result.output
    usage = target.test_cli_runner().invoke(args=["archive", "export"])
    assert usage.exit_code == 2 and "Give --html DIR, --json FILE or both" in usage.output


class CountingSink(io.StringIO):
    """A text sink that only counts what is written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def write(self, text: str) -> int:
        """Count, keep nothing."""
        self.size += len(text)
        return len(text)


def export_peak(app: Flask) -> tuple[int, int]:
    """Peak traced Python memory of an export of app's database (after a warm-up export), and
    the export's size."""
    import tracemalloc

    export_text(app)
    sink = CountingSink()
    with app.app_context(), db.engine.connect() as connection:
        tracemalloc.start()
        export_json(connection, sink)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, sink.size


def import_peak(app: Flask, text: str) -> int:
    """Peak traced Python memory of importing text into app's (empty) database."""
    import tracemalloc

    with app.app_context():
        tracemalloc.start()
        import_json(db.engine, io.BytesIO(text.encode()))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def held_in_memory(text: str) -> int:
    """What holding every row of an export as Python objects takes (json.loads of it all)."""
    import tracemalloc

    tracemalloc.start()
    document = json.loads(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert document["tables"]
    return peak


@pytest.mark.slow
def test_export_and_import_stream_rather_than_hold_the_data(tmp_path: Path) -> None:
    """Exporting peaks at less than half of what holding the rows would take; importing three
    times the data costs less than half the extra memory that holding them would: rows go
    through a batch at a time, never all at once."""
    from tracker import scale

    measured = {}
    for years in (1, 3):
        source = sqlite_app_in(tmp_path / f"source{years}")
        with source.app_context():
            scale.generate(db.session, years, seed=5)
            db.session.commit()
        exported, size = export_peak(source)
        text = export_text(source, with_secrets=False)
        holding = held_in_memory(text)
        target = sqlite_app_in(tmp_path / f"target{years}")
        imported = import_peak(target, text)
        assert export_text(target, with_secrets=False) == text
        assert exported < holding / 2, (exported, holding)
        measured[years] = (imported, holding, size)
    assert measured[3][2] > 2.5 * measured[1][2]
    extra_import = measured[3][0] - measured[1][0]
    extra_holding = measured[3][1] - measured[1][1]
    assert extra_import < extra_holding / 2, measured


def test_import_refuses_rows_that_point_nowhere(
    tmp_path: Path, good_export: dict[str, Any]
) -> None:
    """A meeting of a series the file does not hold breaks a foreign key: refused, rolled back."""
    target = sqlite_app_in(tmp_path / "target")
    meeting = next(t for t in good_export["tables"] if t["name"] == "meeting")
    meeting["rows"][0][meeting["columns"].index("series_id")] = 999
    assert "Table meeting could not be loaded" in refusal(target, json.dumps(good_export))
    assert row_count(target) == 0


def test_import_asks_for_the_schema_first(tmp_path: Path, good_export: dict[str, Any]) -> None:
    """A database without the tracker's tables is told to run the migrations."""
    bare = sqlite_app_in(tmp_path / "bare")
    with bare.app_context():
        db.drop_all()
    with pytest.raises(ImportRefused, match="flask db upgrade"):
        import_text(bare, json.dumps(good_export))
