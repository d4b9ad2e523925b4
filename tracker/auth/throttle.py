"""Login rate limits per account and per address, counted in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tracker.models import LoginAttempt


def throttle_keys(email: str, address: str | None) -> list[str]:
    """The keys a login attempt counts against: the account and the client address."""
    return [f"account:{email.strip().lower()[:254]}", f"address:{address or 'unknown'}"]


def is_throttled(
    session: Session, keys: list[str], now: datetime, limit: int, window_seconds: int
) -> bool:
    """Whether any key has reached limit failed attempts within the window."""
    since = now - timedelta(seconds=window_seconds)
    for key in keys:
        count = session.scalar(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.key == key, LoginAttempt.at > since
            )
        )
        if (count or 0) >= limit:
            return True
    return False


def note_failure(session: Session, keys: list[str], now: datetime, window_seconds: int) -> None:
    """Count a failed attempt against every key and forget attempts older than the window."""
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(seconds=window_seconds))
    )
    session.add_all(LoginAttempt(key=key, at=now) for key in keys)


def clear_account(session: Session, email: str) -> None:
    """Forget the failed attempts against an account after a successful login."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == throttle_keys(email, None)[0]))
