"""E-mail notifications: the outbox, its sender, preferences and the admin's record of mail."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask
from sqlalchemy.orm import Session

bp = Blueprint("notify", __name__, url_prefix="/notify")


def after_flush(session: Session, flush_context: object) -> None:
    """Listener: note the changes that may call for messages."""
    from tracker.notify.events import note_changes

    note_changes(session)


def after_flush_postexec(session: Session, flush_context: object) -> None:
    """Listener: write the messages into the outbox, in the flush's transaction."""
    from tracker.notify.events import queue_notifications

    queue_notifications(session)


def register(app: Flask) -> None:
    """Attach the two listeners to the sessions, once (the integrator moves them to changes.py)."""
    from sqlalchemy import event

    from tracker.extensions import db

    sessionmaker = cast(Any, db.session).session_factory
    if not event.contains(sessionmaker, "after_flush", after_flush):
        event.listen(sessionmaker, "after_flush", after_flush)
        event.listen(sessionmaker, "after_flush_postexec", after_flush_postexec)


from tracker.notify import routes  # noqa: E402,F401
