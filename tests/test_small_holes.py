"""Issue 13's smaller holes: passwords built on the email, backups, the private API and logs."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from tests import factories
from tests.conftest import build_app, login_as
from tracker.auth.operations import AccountError, create_user
from tracker.auth.passwords import password_problem
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import Role


@pytest.mark.parametrize(
    ("password", "email", "refused"),
    [
        ("maria.petrova", "maria.petrova@example.org", True),
        ("MARIA.PETROVA", "maria.petrova@example.org", True),
        ("my maria.petrova 2026!", "maria.petrova@example.org", True),
        ("a calm river at dusk", "maria.petrova@example.org", False),
        ("a calm river at dusk", "", False),
        ("x" * 12, "x@example.org", False),  # a one-letter name is everywhere
    ],
)
def test_password_built_on_the_email_name_is_refused(password, email, refused):
    assert (password_problem(password, email) is not None) is refused


def test_every_way_to_set_a_password_checks_the_email_name(app, admin_client, admin):
    db.session.commit()  # the admin outlives the rollback below
    with pytest.raises(AccountError, match="email"):
        create_user(db.session, "ivan.ivanov@example.org", "ivan.ivanov rules", Role.VIEWER)
    db.session.rollback()
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "ivan.ivanov@example.org",
            "name": "Ivan",
            "role": "viewer",
            "password": "Ivan.Ivanov-2026",
        },
    )
    assert response.status_code == 200
    assert "name of your email address" in response.get_data(as_text=True)
    other = factories.make_user(Role.VIEWER, email="petra.novak@example.org")
    response = admin_client.post(
        f"/admin/users/{other.id}/password",
        data={"password": "petra.novak!!", "confirm": "petra.novak!!"},
    )
    assert response.status_code == 200
    assert "name of your email address" in response.get_data(as_text=True)
    own = admin_client.post(
        "/account",
        data={
            "current_password": factories.PASSWORD,
            "new_password": f"{admin.email.split('@')[0]} forever",
            "confirm": f"{admin.email.split('@')[0]} forever",
        },
    )
    assert own.status_code == 200
    assert "name of your email address" in own.get_data(as_text=True)


def test_backup_is_private_to_its_owner(sqlite_app, tmp_path):
    old_umask = os.umask(0o022)
    try:
        destination = tmp_path / "copies" / "backup.sqlite3"
        result = sqlite_app.test_cli_runner().invoke(args=["backup", str(destination)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600


@pytest.mark.parametrize("dangling", [True, False])
def test_backup_refuses_to_write_through_a_symlink(sqlite_app, tmp_path, dangling):
    target = tmp_path / "somewhere-else.sqlite3"
    if not dangling:
        target.write_text("keep me")
    link = tmp_path / "backup.sqlite3"
    link.symlink_to(target)
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(link)])
    assert result.exit_code != 0
    assert "symbolic link" in result.output
    assert target.exists() is not dangling
    if not dangling:
        assert target.read_text() == "keep me"


def test_private_api_answers_401_json_to_anonymous_calls(tmp_path):
    app = build_app(tmp_path, TRACKER_PUBLIC_READ=False)
    client = app.test_client()
    for path in ("/api/meetings", "/api/organisations", "/api/deliverables/1"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.is_json
        assert response.get_json() == {"error": "Login required"}
        assert "Location" not in response.headers
    # A browser page still redirects to the login form.
    assert client.get("/meetings/").status_code == 302
    with app.app_context():
        user = factories.make_user(Role.VIEWER)
        db.session.commit()
        login_as(client, user)
    assert client.get("/api/meetings").status_code == 200


def test_api_answers_json_503_when_the_database_is_gone(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{data_dir / 'live.sqlite3'}")
    client = app.test_client()
    assert client.get("/api/meetings").status_code == 200
    data_dir.rename(tmp_path / "elsewhere")
    with app.app_context():
        db.engine.dispose()
    response = client.get("/api/meetings")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"error": "Temporarily unavailable"}
    assert response.headers["Retry-After"] == "30"


def test_feed_tokens_never_reach_a_log_line(tmp_path, caplog):
    app = build_app(tmp_path, PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        user = factories.make_user(Role.VIEWER)
        token = regenerate_feed_token(db.session, user, app.secret_key)
        db.session.commit()

    def broken(**kwargs: object) -> str:
        raise RuntimeError("a bug while serving the feed")

    endpoint = next(
        rule.endpoint for rule in app.url_map.iter_rules() if "/feeds/private/" in rule.rule
    )
    app.view_functions[endpoint] = broken
    path = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    path = path.replace("<token>", token).replace("<int:series_id>", "1")
    path = path.replace("<int:organisation_id>", "1")
    with caplog.at_level(logging.INFO):
        response = app.test_client().get(f"{path}?token={token}&x=1")
    assert response.status_code == 500
    assert "Exception on /feeds/private/[redacted]" in caplog.text
    assert "a bug while serving the feed" in caplog.text
    assert token not in caplog.text
