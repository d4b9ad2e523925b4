"""Account reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.inputs import name_key
from tracker.models import User


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, compared as name_key (case, width, invisible characters)."""
    return session.scalars(select(User).where(User.email == name_key(email))).first()
