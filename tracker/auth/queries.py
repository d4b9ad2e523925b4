"""Account reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.models import User


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, matched case-insensitively."""
    return session.scalars(select(User).where(User.email == email.strip().lower())).first()
