"""Admin operations on accounts and deleted records. They never commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tracker.admin.queries import other_active_admins
from tracker.auth.operations import end_sessions, set_password
from tracker.models import Role, User
from tracker.operations import Refused


def change_role(session: Session, user: User, role: Role, actor: User) -> None:
    """Give user another role; the last active admin keeps theirs."""
    if user.role == role:
        return
    if user.role == Role.ADMIN and other_active_admins(session, user) == 0:
        raise Refused("The tracker needs at least one active admin; make someone else admin first.")
    if user.id == actor.id:
        raise Refused("You cannot change your own role; ask another admin.")
    user.role = role


def set_active(session: Session, user: User, active: bool, actor: User) -> None:
    """Deactivate (ending every session and feed at once) or reactivate user."""
    if user.active == active:
        return
    if not active:
        if user.id == actor.id:
            raise Refused("You cannot deactivate your own account.")
        if user.role == Role.ADMIN and other_active_admins(session, user) == 0:
            raise Refused("The tracker needs at least one active admin.")
        end_sessions(user)
    user.active = active


def reset_password(user: User, password: str) -> None:
    """Set a new password chosen by an admin; the user's sessions end."""
    set_password(user, password)
