"""Configuration classes, driven by environment variables."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSECURE_SECRETS = {"", "dev", "change-me", "secret", "development-only-secret"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    """Read a number (such as seconds) from an environment variable."""
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def default_database_url() -> str:
    """The embedded SQLite file in the instance folder."""
    return f"sqlite:///{BASE_DIR / 'instance' / 'tracker.sqlite3'}"


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    # A stalled database answers 503 within seconds instead of hanging a worker: seconds to
    # wait for a PostgreSQL connection, for one statement (PostgreSQL's statement_timeout; we
    # stop waiting for an answer 2 s later), and for a SQLite lock (busy_timeout). 0 = none.
    TRACKER_DB_CONNECT_TIMEOUT = env_float("TRACKER_DB_CONNECT_TIMEOUT", 3)
    TRACKER_DB_STATEMENT_TIMEOUT = env_float("TRACKER_DB_STATEMENT_TIMEOUT", 5)
    TRACKER_SQLITE_BUSY_TIMEOUT = env_float("TRACKER_SQLITE_BUSY_TIMEOUT", 5)
    # SQLite's synchronous pragma: NORMAL survives a crash of the app (WAL), FULL a power cut too.
    TRACKER_SQLITE_SYNCHRONOUS = os.environ.get("TRACKER_SQLITE_SYNCHRONOUS", "NORMAL")
    TRACKER_PUBLIC_READ = env_bool("TRACKER_PUBLIC_READ", True)
    TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "")
    TRACKER_FEED_PAST_DAYS = env_int("TRACKER_FEED_PAST_DAYS", 30)
    TRACKER_FEED_FUTURE_MONTHS = env_int("TRACKER_FEED_FUTURE_MONTHS", 18)
    # The initiative's zone: times are shown in it when neither the reader nor a meeting has one.
    TRACKER_TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Europe/Sofia")
    # The at-risk rules (see tracker/progress/risk.py).
    RISK_WINDOW_DAYS = env_int("RISK_WINDOW_DAYS", 30)
    RISK_REMAINING_SHARE = env_int("RISK_REMAINING_SHARE", 50)
    RISK_BEHIND_POINTS = env_int("RISK_BEHIND_POINTS", 25)
    RISK_GRACE_DAYS = env_int("RISK_GRACE_DAYS", 28)
    TRACKER_FEED_REFRESH_MINUTES = env_int("TRACKER_FEED_REFRESH_MINUTES", 60)
    TRACKER_PAGE_SIZE = env_int("TRACKER_PAGE_SIZE", 20)
    # How many upcoming occurrences a series with a repeat rule keeps planned as meetings.
    TRACKER_PLANNED_OCCURRENCES = env_int("TRACKER_PLANNED_OCCURRENCES", 3)
    # Two-person approval: whoever wrote the latest minutes revision cannot approve them alone.
    TRACKER_TWO_PERSON_APPROVAL = env_bool("TRACKER_TWO_PERSON_APPROVAL", False)
    # Failed logins per (account, client address) pair, and per client address over all
    # accounts, within the window; the address is the one ProxyFix takes from X-Forwarded-For
    # when TRACKER_PROXY_COUNT trusted proxies sit in front of the app.
    TRACKER_LOGIN_LIMIT = env_int("TRACKER_LOGIN_LIMIT", 5)
    TRACKER_LOGIN_ADDRESS_LIMIT = env_int("TRACKER_LOGIN_ADDRESS_LIMIT", 100)
    TRACKER_PROXY_COUNT = env_int("TRACKER_PROXY_COUNT", 0)
    TRACKER_LOGIN_WINDOW_SECONDS = env_int("TRACKER_LOGIN_WINDOW_SECONDS", 300)
    TRACKER_RATE_LIMITS = env_bool("TRACKER_RATE_LIMITS", True)
    TRACKER_PAGE_CACHE = env_bool("TRACKER_PAGE_CACHE", True)
    TRUSTED_HOSTS: list[str] | None = [
        h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()
    ] or None
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    # Outgoing mail (issue 19). With no MAIL_SERVER, messages wait in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USE_STARTTLS = env_bool("MAIL_USE_STARTTLS", True)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Borderless AI tracker <tracker@localhost>")
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)
    # Certificate authorities to trust for the SMTP server's certificate (PEM); unset: system's.
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE", "")
    NOTIFY_ENABLED = env_bool("NOTIFY_ENABLED", True)
    NOTIFY_REMINDER_HOURS = env_int("NOTIFY_REMINDER_HOURS", 24)
    NOTIFY_DUE_SOON_DAYS = env_int("NOTIFY_DUE_SOON_DAYS", 3)
    NOTIFY_DIGEST_WEEKDAY = env_int("NOTIFY_DIGEST_WEEKDAY", 1)
    NOTIFY_DEFAULT_TIMEZONE = os.environ.get("NOTIFY_DEFAULT_TIMEZONE", "Europe/Brussels")
    NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8)
    NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)
    NOTIFY_CLAIM_SECONDS = env_int("NOTIFY_CLAIM_SECONDS", 900)
    DEBUG = False
    TESTING = False


class DevelopmentConfig(Config):
    """Local development on a laptop."""


class ProductionConfig(Config):
    """A shared deployment; refuses to start without a real SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")


class TestConfig(Config):
    """The test suite: a throw-away database chosen by the fixtures."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    TRACKER_PUBLIC_READ = True
    TRACKER_BASE_URL = "http://tracker.test"
    MAIL_SERVER = ""  # tests start their own SMTP server and set it
    MAIL_SENDER = "Borderless AI tracker <tracker@tracker.test>"
    MAIL_REPLY_TO = "organiser@tracker.test"
    TRUSTED_HOSTS = None
    # Pages are rendered fresh in tests; tests/test_page_cache.py switches the cache on.
    TRACKER_PAGE_CACHE = False
    # A throw-away database needs no durability: no fsync when SQLite checkpoints or closes.
    TRACKER_SQLITE_SYNCHRONOUS = "OFF"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestConfig,
}
