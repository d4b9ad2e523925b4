"""The generate-data command: sizes, determinism, refusal on a full database, pages render."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from tests.databases import clean_slate
from tests.factories import make_organisation
from tracker import scale
from tracker.extensions import db
from tracker.models import (
    Base,
    Deliverable,
    Meeting,
    Organisation,
    ProgressUpdate,
    Topic,
    utc_today,
)


def digest() -> str:
    """A fingerprint of every row of every table."""
    sha = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            # Bookkeeping, not data: counters carry a random epoch and the time of the last write.
            if table.name in ("audit_event", "user_account", "change_counter"):
                continue
            order = list(table.primary_key.columns)
            for row in connection.execute(select(table).order_by(*order)):
                sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def empty_all() -> None:
    """Delete every row, and on PostgreSQL restart the id sequences too."""
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    clean_slate(db.engine)


def test_generate_data_command_makes_the_scaled_counts(app, runner):
    result = runner.invoke(args=["generate-data", "--years", "2", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Generated" in result.output
    assert count(Meeting) == 100
    assert count(Organisation) == 40
    assert count(Topic) == 400
    assert count(Deliverable) == 1000
    meetings = db.session.scalars(select(Meeting)).all()
    assert all(6 <= len(m.participations) <= 16 for m in meetings)
    assert all(3 <= len(m.agenda_items) <= 8 for m in meetings)
    assert any(m.is_upcoming for m in meetings) and any(not m.is_upcoming for m in meetings)
    # Progress histories climb to each deliverable's current percentage.
    latest = dict(
        db.session.execute(
            select(ProgressUpdate.deliverable_id, func.max(ProgressUpdate.percent)).group_by(
                ProgressUpdate.deliverable_id
            )
        ).all()
    )
    progressed = db.session.scalars(select(Deliverable).where(Deliverable.progress > 0)).all()
    assert progressed and all(latest[d.id] == d.progress for d in progressed)


def test_ten_years_is_the_issue_size():
    assert scale.scaled(10) == {
        "meetings": 500,
        "organisations": 200,
        "topics": 2000,
        "deliverables": 5000,
    }


def test_same_seed_same_data_other_seed_other_data(app):
    today = utc_today()  # one day for all three, even across midnight
    scale.generate(db.session, 1, seed=3, today=today)
    db.session.commit()
    first = digest()
    empty_all()
    scale.generate(db.session, 1, seed=3, today=today)
    db.session.commit()
    assert digest() == first
    empty_all()
    scale.generate(db.session, 1, seed=4, today=today)
    db.session.commit()
    assert digest() != first


def test_refuses_a_database_that_holds_data(app, runner):
    make_organisation()
    result = runner.invoke(args=["generate-data", "--years", "1"])
    assert result.exit_code != 0
    assert "empty database" in result.output
    assert count(Meeting) == 0


def test_extra_deliverable_rows_are_pluggable(app, monkeypatch):
    seen = []

    def notes(rng, facts):
        seen.extend(facts)
        return Topic, [
            {
                "title": f"note {f.id}",
                "description": "",
                "status": "open",
                "version": 1,
                "created_at": app_now(),
                "updated_at": app_now(),
            }
            for f in facts[:3]
        ]

    monkeypatch.setattr(scale, "DELIVERABLE_CHILDREN", [notes])
    counts = scale.generate(db.session, 1, seed=1)
    assert len(seen) == 500 and counts["topic"] == 3
    assert {f.id for f in seen} == set(db.session.scalars(select(Deliverable.id)))


def app_now():
    from tracker.models import utcnow

    return utcnow()


@pytest.mark.parametrize("path", ["/", "/organisations/", "/series/", "/organisations/1"])
def test_pages_render_on_generated_data(app, client, path):
    scale.generate(db.session, 1, seed=1)
    db.session.commit()
    assert client.get(path).status_code == 200
