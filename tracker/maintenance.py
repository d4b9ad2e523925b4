"""Deployment checks and database backups, used by the CLI."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from config import INSECURE_SECRETS
from tracker.i18n import _, _l

MIN_SECRET_LENGTH = 32

PG_DUMP_STEPS = _l(
    """\
PostgreSQL: the tracker does not copy PostgreSQL itself. Use pg_dump, which takes a
consistent snapshot while the app keeps running:

  pg_dump --format=custom --no-owner --file=tracker-$(date +%F).dump "$DATABASE_URL"

Restore into an empty database with:

  createdb tracker_restored
  pg_restore --no-owner --dbname=tracker_restored tracker-YYYY-MM-DD.dump

Then point DATABASE_URL at it and run `flask --app tracker db upgrade`."""
)


def deploy_problems(config: Mapping[str, Any]) -> list[str]:
    """Every way config is unsafe for a public deployment, as messages (empty when fine)."""
    problems = []
    secret = str(config.get("SECRET_KEY") or "")
    if secret in INSECURE_SECRETS or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8:
        problems.append(
            _(
                "SECRET_KEY is missing, a default, too short or too simple: set a random value of "
                "at least %(length)s characters "
                '(python -c "import secrets; print(secrets.token_hex(32))").',
                length=MIN_SECRET_LENGTH,
            )
        )
    if config.get("DEBUG"):
        problems.append(_("DEBUG is on: the debugger runs code for anyone. Turn it off."))
    if config.get("TESTING"):
        problems.append(_("TESTING is on: errors are not handled as in production."))
    if not config.get("TRUSTED_HOSTS"):
        problems.append(
            _(
                "TRUSTED_HOSTS is not set: set it to the site's host names "
                "(TRUSTED_HOSTS=tracker.example.org) so forged Host headers are refused."
            )
        )
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if not config.get(name):
            problems.append(_("%(name)s is off: cookies would travel over plain HTTP.", name=name))
    for name in ("SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_HTTPONLY"):
        if not config.get(name):
            problems.append(_("%(name)s is off: scripts could read the login cookie.", name=name))
    for name in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if str(config.get(name) or "").lower() not in ("lax", "strict"):
            problems.append(_("%(name)s should be Lax or Strict.", name=name))
    if not config.get("MAX_CONTENT_LENGTH"):
        problems.append(_("MAX_CONTENT_LENGTH is not set: requests of any size are read."))
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append(_("WTF_CSRF_ENABLED is off: forms can be posted from other sites."))
    if not config.get("TRACKER_RATE_LIMITS", True):
        problems.append(_("TRACKER_RATE_LIMITS is off: passwords can be guessed without limit."))
    return problems


def deploy_warnings(config: Mapping[str, Any]) -> list[str]:
    """Settings that work but serve users worse, as messages (empty when fine)."""
    warnings = []
    base_url = str(config.get("TRACKER_BASE_URL") or "")
    if not base_url:
        warnings.append(
            _(
                "TRACKER_BASE_URL is not set: calendar feeds and the subscribe page take their "
                "links from each request's Host header. Set it to https://your-host."
            )
        )
    elif not base_url.startswith("https://"):
        warnings.append(
            _(
                "TRACKER_BASE_URL is not https: calendar apps would fetch feeds, secret addresses "
                "included, over plain HTTP, and Outlook on the web refuses them. Use https://."
            )
        )
    return warnings


def sqlite_path(database_uri: str) -> Path | None:
    """The file of a SQLite database URI, or None for other databases and memory."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_private_file(path: Path) -> None:
    """Create path empty, readable by its owner only (0600); never follow a symbolic link or
    reuse a file that appeared in the meantime."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(path, flags, 0o600))
    os.chmod(path, 0o600)  # whatever the umask


def backup_sqlite(source: Path, destination: Path) -> int:
    """Copy a live SQLite database consistently with the backup API; return its page count."""
    if destination.is_symlink():
        raise FileExistsError(
            _("%(path)s is a symbolic link; refusing to write through it.", path=destination)
        )
    if destination.exists():
        raise FileExistsError(
            _("%(path)s exists already; choose a new file name.", path=destination)
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(destination)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(destination)
    try:
        with dst:
            src.backup(dst, pages=256)
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise RuntimeError(_("The copy failed its integrity check: %(result)s", result=check))
    finally:
        dst.close()
        src.close()
    return pages
