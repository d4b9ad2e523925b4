"""Login rate limits per (account, address) pair and per address, counted in the database.

Following OWASP's authentication guidance, a failing pair is slowed down without locking the
account for everyone: the right password from an address that has not been failing still works
while someone else hammers the account. A much higher ceiling per address stops one address
from spraying passwords over many accounts.

An attempt is counted before the slow password check and committed at once, so parallel
guesses see each other: of N simultaneous attempts at most the limit get a password check.
The bookkeeping uses plain SQL statements on the session's connection, so it neither writes
audit rows nor marks cached pages stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import LoginAttempt

ATTEMPTS = cast(sa.Table, LoginAttempt.__table__)
REFUSALS_PER_AUDIT = 100


@dataclass
class Attempt:
    """One counted attempt: its rows, and whether it goes over a limit."""

    ids: list[int] = field(default_factory=list)
    throttled: bool = False
    # The first attempt over a limit, and every hundredth after it: the ones worth auditing.
    audited_refusal: bool = False


def pair_key(email: str, address: str | None) -> str:
    """The key of one account tried from one client address."""
    return f"pair:{email.strip().lower()[:254]}|{address or 'unknown'}"


def address_key(address: str | None) -> str:
    """The key of one client address, over every account."""
    return f"address:{address or 'unknown'}"


def throttle_limits(
    email: str, address: str | None, pair_limit: int, address_limit: int
) -> dict[str, int]:
    """The keys a login attempt counts against, each with its limit."""
    return {pair_key(email, address): pair_limit, address_key(address): address_limit}


def note_attempt(
    session: Session, keys: list[str], now: datetime, window_seconds: int
) -> list[int]:
    """Count an attempt against every key (the caller commits before checking the limits)."""
    connection = session.connection()
    connection.execute(
        sa.delete(ATTEMPTS).where(ATTEMPTS.c.at < now - timedelta(seconds=window_seconds))
    )
    ids = []
    for key in keys:
        result = connection.execute(sa.insert(ATTEMPTS).values(key=key, at=now))
        ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
    return ids


def check_limits(
    session: Session, limits: dict[str, int], ids: list[int], now: datetime, window_seconds: int
) -> Attempt:
    """Whether the counted attempt (its rows ids) went over any key's limit in the window."""
    since = now - timedelta(seconds=window_seconds)
    connection = session.connection()
    excess = 0  # how far the attempt is over its most exceeded limit
    for key, limit in limits.items():
        count = connection.scalar(
            sa.select(sa.func.count(ATTEMPTS.c.id)).where(
                ATTEMPTS.c.key == key, ATTEMPTS.c.at > since
            )
        )
        excess = max(excess, (count or 0) - limit)
    return Attempt(
        ids=ids,
        throttled=excess > 0,
        audited_refusal=excess > 0 and (excess - 1) % REFUSALS_PER_AUDIT == 0,
    )


def forget_attempt(session: Session, attempt: Attempt) -> None:
    """Stop counting an attempt that succeeded."""
    if attempt.ids:
        session.connection().execute(sa.delete(ATTEMPTS).where(ATTEMPTS.c.id.in_(attempt.ids)))


def clear_pair(session: Session, email: str, address: str | None) -> None:
    """Forget the failures of this account from this address after a successful login."""
    session.connection().execute(
        sa.delete(ATTEMPTS).where(ATTEMPTS.c.key == pair_key(email, address))
    )
