"""flask check-deploy: refuses unsafe production settings, passes a good one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tracker import create_app
from tracker.maintenance import deploy_problems

GOOD_SECRET = "5f0c8a1d9e7b3c2a4f6e8d0b1a3c5e7f9d2b4a6c8e0f1d3b5a7c9e2f4a6b8d0c"


def good_settings(tmp_path: Path) -> dict[str, Any]:
    """A production configuration that should pass."""
    return {
        "SECRET_KEY": GOOD_SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "TRUSTED_HOSTS": ["tracker.example.org"],
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "DEBUG": False,
    }


def check(tmp_path: Path, env: str = "production", **changes: Any) -> Any:
    """Run flask check-deploy on an app built with changes to the good settings."""
    settings = good_settings(tmp_path)
    settings.update(changes)
    app = create_app(env, **settings)
    with app.app_context():
        return app.test_cli_runner().invoke(args=["check-deploy"])


def test_good_production_config_passes(tmp_path):
    result = check(tmp_path)
    assert result.exit_code == 0, result.output
    assert "passed every check" in result.output


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"DEBUG": True}, "DEBUG is on"),
        ({"TRUSTED_HOSTS": None}, "TRUSTED_HOSTS is not set"),
        ({"TRUSTED_HOSTS": []}, "TRUSTED_HOSTS is not set"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"REMEMBER_COOKIE_SECURE": False}, "REMEMBER_COOKIE_SECURE is off"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
        ({"SESSION_COOKIE_SAMESITE": None}, "SESSION_COOKIE_SAMESITE should be Lax"),
        ({"MAX_CONTENT_LENGTH": None}, "MAX_CONTENT_LENGTH is not set"),
        ({"WTF_CSRF_ENABLED": False}, "WTF_CSRF_ENABLED is off"),
        ({"TRACKER_RATE_LIMITS": False}, "TRACKER_RATE_LIMITS is off"),
    ],
)
def test_each_unsafe_setting_fails(tmp_path, changes, message):
    result = check(tmp_path, **changes)
    assert result.exit_code != 0
    assert message in result.output
    assert "problem(s) found" in result.output


def test_default_development_secret_fails(tmp_path):
    result = check(tmp_path, env="development", SECRET_KEY="development-only-secret")
    assert result.exit_code != 0
    assert "SECRET_KEY" in result.output


@pytest.mark.parametrize("secret", ["", "change-me", "short-but-random-1234", "a" * 64, "ab" * 32])
def test_weak_secrets_are_named(secret):
    problems = deploy_problems({**good_settings(Path("/tmp")), "SECRET_KEY": secret})
    assert any("SECRET_KEY" in p for p in problems)


def test_production_refuses_to_start_with_default_secret(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", **{**good_settings(tmp_path), "SECRET_KEY": "change-me"})
