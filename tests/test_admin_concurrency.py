"""Two admins demoting each other at the same moment still leave one active admin."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.conftest import build_app
from tests.databases import clean_slate
from tracker.admin.operations import change_role, set_active
from tracker.extensions import db
from tracker.models import Role, User
from tracker.operations import Refused

Change = Callable[[User, User], None]


def demote(user: User, actor: User) -> None:
    """Make user an organiser."""
    change_role(db.session, user, Role.ORGANISER, actor)


def deactivate(user: User, actor: User) -> None:
    """Deactivate user."""
    set_active(db.session, user, False, actor)


@pytest.mark.parametrize("change", [demote, deactivate], ids=["demote", "deactivate"])
def test_concurrent_changes_leave_an_active_admin(
    tmp_path: Path, database_url: str, change: Change
) -> None:
    app: Flask = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        clean_slate(db.engine)
        first, second = factories.make_user(Role.ADMIN), factories.make_user(Role.ADMIN)
        db.session.commit()
        ids = (first.id, second.id)
        db.session.remove()
    outcomes: list[str] = []
    first_changed = threading.Event()

    def act(target_id: int, actor_id: int, hold: float, wait: threading.Event | None) -> None:
        with app.app_context():
            if wait is not None:
                wait.wait(10)
            target, actor = db.session.get(User, target_id), db.session.get(User, actor_id)
            assert target is not None and actor is not None
            try:
                change(target, actor)
                if wait is None:
                    first_changed.set()
                time.sleep(hold)  # the other admin's request runs meanwhile
                db.session.commit()
                outcomes.append("changed")
            except Refused:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                first_changed.set()
                db.session.remove()

    threads = [
        threading.Thread(target=act, args=(ids[1], ids[0], 1.0, None)),
        threading.Thread(target=act, args=(ids[0], ids[1], 0.0, first_changed)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        admins = db.session.scalar(
            select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
        )
        db.session.remove()
        db.engine.dispose()
    assert sorted(outcomes) == ["changed", "refused"]
    assert admins == 1
