"""Command-line commands: user create and seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.auth.passwords import verify_password
from tracker.extensions import db
from tracker.models import (
    Deliverable,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
    Role,
    Series,
    Topic,
    User,
    utcnow,
)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_user_create_reads_password_from_stdin(runner):
    result = runner.invoke(
        args=["user", "create", "Admin@Example.org", "--role", "admin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "admin@example.org" and user.role == Role.ADMIN
    assert verify_password(user.password_hash, "a long enough passphrase")
    assert user.password_hash.startswith("$argon2id$")
    assert "passphrase" not in result.output


def test_user_create_refuses_weak_password_and_duplicates(runner):
    weak = runner.invoke(args=["user", "create", "a@example.org"], input="password\n")
    assert weak.exit_code != 0 and "common passwords" in weak.output
    short = runner.invoke(args=["user", "create", "a@example.org"], input="short\n")
    assert short.exit_code != 0 and "at least 8" in short.output
    assert count(User) == 0
    ok = runner.invoke(args=["user", "create", "a@example.org"], input="unusual phrase 42\n")
    assert ok.exit_code == 0
    dup = runner.invoke(args=["user", "create", "A@example.org"], input="unusual phrase 42\n")
    assert dup.exit_code != 0 and "already exists" in dup.output
    assert count(User) == 1


def test_user_create_rejects_unknown_role(runner):
    result = runner.invoke(args=["user", "create", "a@example.org", "--role", "root"], input="x\n")
    assert result.exit_code != 0
    assert count(User) == 0


def test_no_default_account_exists(app):
    assert count(User) == 0


def test_seed_demo_loads_initiative_once(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = {m: count(m) for m in (Organisation, Person, Topic, Series, Meeting, Deliverable)}
    assert counts[Topic] == 9
    assert counts[Organisation] >= 6
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"AI Austria", "AI Serbia", "AI Sweden", "AI Cluster Bulgaria"} <= names
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing new" in second.output
    assert counts == {m: count(m) for m in counts}


def test_seed_demo_meetings(runner):
    runner.invoke(args=["seed-demo"])
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.number)).all()
    held_2020 = [m for m in meetings if m.starts_at.year == 2020]
    assert len(held_2020) == 3
    # Issue 15: no placeholder wording ("Sample date ...") on public pages any more.
    assert all(m.status == MeetingStatus.HELD and m.description for m in held_2020)
    assert not any("Sample" in m.description for m in meetings)
    upcoming = [m for m in meetings if m.starts_at > utcnow()]
    assert len(upcoming) >= 2
    assert any("European AI Cluster Network" in m.title for m in upcoming)
    assert all(m.participations and m.agenda_items for m in meetings)


def test_seed_demo_if_empty_skips_filled_database(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already holds data" in result.output
