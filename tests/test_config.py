"""Configuration: environment variables, SQLite default, production secret check."""

from __future__ import annotations

import pytest

from config import DevelopmentConfig
from tracker import create_app


def test_default_database_is_a_sqlite_file():
    assert DevelopmentConfig.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert DevelopmentConfig.SQLALCHEMY_DATABASE_URI.endswith(".sqlite3")


@pytest.mark.parametrize("secret", ["", "dev", "development-only-secret", "short-secret"])
def test_production_refuses_weak_secret(secret, tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            "production",
            SECRET_KEY=secret,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        )


def test_production_starts_with_real_secret(tmp_path):
    app = create_app(
        "production",
        SECRET_KEY="x" * 20 + "a-real-random-secret-value",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}",
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_private_read_setting(tmp_path):
    from tests.conftest import build_app

    app = build_app(tmp_path, TRACKER_PUBLIC_READ=False)
    client = app.test_client()
    response = client.get("/organisations/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/login").status_code == 200


@pytest.mark.parametrize(("level", "number"), [("NORMAL", 1), ("full", 2), ("OFF", 0)])
def test_sqlite_synchronous_setting_reaches_every_connection(tmp_path, level, number):
    from sqlalchemy import text

    from tracker.extensions import db

    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, TRACKER_SQLITE_SYNCHRONOUS=level)
    with app.app_context():
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == number
        db.session.remove()
        db.engine.dispose()


def test_unknown_sqlite_synchronous_level_is_refused_at_start(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    with pytest.raises(ValueError, match="TRACKER_SQLITE_SYNCHRONOUS"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=url, TRACKER_SQLITE_SYNCHRONOUS="sometimes")
