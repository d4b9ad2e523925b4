"""Account operations: create users and check credentials. They never commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.auth.passwords import (
    burn_verify_time,
    hash_password,
    password_problem,
    verify_password,
)
from tracker.auth.queries import find_user
from tracker.i18n import _
from tracker.i18n.operations import set_language
from tracker.inputs import name_key
from tracker.models import Role, User
from tracker.models.user import new_session_token


class AccountError(ValueError):
    """An account operation was refused; the message says why."""


class WrongPassword(AccountError):
    """The current password given to prove who one is was not correct."""


def create_user(session: Session, email: str, password: str, role: Role, name: str = "") -> User:
    """Add a user after checking the email is free and the password acceptable."""
    email = name_key(email)
    if "@" not in email or " " in email:
        raise AccountError(_("Enter an email address."))
    if find_user(session, email) is not None:
        raise AccountError(_("A user with the email %(email)s already exists.", email=email))
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem)
    user = User(email=email, name=name, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None, in about the same time either way."""
    user = find_user(session, email)
    if user is None:
        burn_verify_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def end_sessions(user: User) -> None:
    """End every login session of user by giving them a new session token."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    """Give user a new password (after the policy check) and end all their sessions."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    end_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change one's own password after proving the current one."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword(_("Your current password is not correct."))
    set_password(user, new_password)


def update_profile(
    user: User, name: str, timezone: str | None, language: str | None = None
) -> None:
    """Set the display name, the home time zone (None: each meeting's own zone) and the
    interface language (None: the picker's or the browser's)."""
    user.name = name.strip()
    user.timezone = timezone or None
    set_language(user, language)


def account_addresses(user: User) -> list[str]:
    """The addresses mail for this account goes to: its login and its person's, if any."""
    addresses = [user.email.lower()]
    if user.person is not None and user.person.email:
        addresses.append(user.person.email.lower())
    return sorted(set(addresses))
