"""Accounts of admins, organisers and viewers, and the audit trail."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, Timestamped, UTCDateTime, utcnow
from tracker.models.enums import Role, enum_column

if TYPE_CHECKING:
    from tracker.models.core import Person


def new_session_token() -> str:
    """A random token that ties login sessions to the current credentials."""
    return secrets.token_urlsafe(32)


class User(Timestamped, Base):
    """Someone who logs in."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.VIEWER)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    # The person (and so the organisation) this account belongs to, if any.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), unique=True, default=None
    )
    # The IANA zone the user reads times in; None means the meeting's or initiative's zone.
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # The interface language (a tracker.i18n.LANGUAGES code); None: the picker's or browser's.
    language: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    # When the user last opened "My work", and the visit before that (tracker.main.visits):
    # bookkeeping written outside the audit trail, at most once per VISIT_GAP.
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated users cannot log in."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """Flask-Login: a loaded user is authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Flask-Login: a loaded user is not anonymous."""
        return False

    def get_id(self) -> str:
        """Flask-Login: the session id changes whenever the credentials do."""
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        """How pages name this user to readers: their name, else their person's name, else
        their organisation; never the login e-mail (only admins see that, via the who filter)."""
        if self.name.strip():
            return self.name.strip()
        if self.person is not None:
            return self.person.name or self.person.organisation.name
        return "A tracker user"

    @property
    def can_edit(self) -> bool:
        """Organisers and admins may change data."""
        return self.active and self.role in (Role.ADMIN, Role.ORGANISER)

    @property
    def is_admin(self) -> bool:
        """Admins manage users."""
        return self.active and self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"


class AuditEvent(Base):
    """Who did what, when, and what changed."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    entity: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None] = mapped_column(sa.Integer)
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    changes: Mapped[dict[str, list[str | None]]] = mapped_column(sa.JSON, default=dict)

    user: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_event_entity", "entity", "entity_id"),)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.entity}:{self.entity_id}>"
