"""Admin operations on accounts and deleted records. They never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.admin.queries import other_active_admins
from tracker.auth.operations import end_sessions, set_password
from tracker.i18n import _
from tracker.models import Role, User
from tracker.operations import Refused


def lock_admins(session: Session) -> None:
    """Lock every active admin's row (PostgreSQL; SQLite has one writer at a time anyway), so
    that two changes to the admin set run one after the other, not side by side."""
    session.execute(
        select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).with_for_update()
    )


def keep_an_admin(session: Session) -> None:
    """Write the change, then refuse it if no active admin is left.

    Checked after the write, inside the same transaction: a concurrent demotion has either
    committed (and is seen here) or waits for our row locks, so two admins demoting each other
    at the same moment cannot both succeed."""
    session.flush()
    admins = session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    )
    if not admins:
        raise Refused(
            _("The tracker needs at least one active admin; make someone else admin first.")
        )


def change_role(session: Session, user: User, role: Role, actor: User) -> None:
    """Give user another role; the last active admin keeps theirs."""
    if user.role == role:
        return
    if user.role == Role.ADMIN:
        lock_admins(session)
        if other_active_admins(session, user) == 0:
            raise Refused(
                _("The tracker needs at least one active admin; make someone else admin first.")
            )
    if user.id == actor.id:
        raise Refused(_("You cannot change your own role; ask another admin."))
    user.role = role
    keep_an_admin(session)


def set_active(session: Session, user: User, active: bool, actor: User) -> None:
    """Deactivate (ending every session and feed at once) or reactivate user."""
    if user.active == active:
        return
    if not active:
        if user.id == actor.id:
            raise Refused(_("You cannot deactivate your own account."))
        if user.role == Role.ADMIN:
            lock_admins(session)
            if other_active_admins(session, user) == 0:
                raise Refused(_("The tracker needs at least one active admin."))
        end_sessions(user)
    user.active = active
    keep_an_admin(session)


def reset_password(user: User, password: str) -> None:
    """Set a new password chosen by an admin; the user's sessions end."""
    set_password(user, password)


def link_person(session: Session, user: User, person_id: int | None) -> None:
    """Link the account to a person, or unlink it; Refused when another account has them."""
    if person_id is not None:
        taken = session.scalar(
            select(User.id).where(User.person_id == person_id, User.id != user.id)
        )
        if taken is not None:
            raise Refused(_("Another account is already linked to this person."))
    user.person_id = person_id
