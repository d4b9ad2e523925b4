"""Who may read and who may change: login requirement, role checks, acting user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, request
from flask_login import current_user

from tracker.extensions import db, login_manager
from tracker.inputs import parse_int
from tracker.models import User

F = TypeVar("F", bound=Callable[..., Any])

# Endpoints anyone may reach even when reading is private.
ALWAYS_PUBLIC = {"static", "auth.login", "main.healthz", "i18n.pick", "i18n.save"}


def editor_required(view: F) -> F:
    """Organisers and admins only: anonymous users go to the login page, viewers get 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.can_edit:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def admin_required(view: F) -> F:
    """Admins only: anonymous users go to the login page, others get 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def public_endpoint(view: F) -> F:
    """Mark a view as reachable without login even in private mode (e.g. token feeds)."""
    view.tracker_public = True  # type: ignore[attr-defined]
    return view


def register(app: Flask) -> None:
    """Load the logged-in user and enforce private reading."""

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        raw_id, _, token = user_id.partition(":")
        number = parse_int(raw_id)
        if number is None or not token:
            return None
        user = db.session.get(User, number)
        if user is None or not user.active or user.session_token != token:
            return None
        return user

    @app.before_request
    def require_login_when_private() -> Any:
        if app.config["TRACKER_PUBLIC_READ"] or current_user.is_authenticated:
            return None
        endpoint = request.endpoint or ""
        view = app.view_functions.get(endpoint)
        if endpoint in ALWAYS_PUBLIC or getattr(view, "tracker_public", False):
            return None
        if request.endpoint is None:
            return None
        if request.path.startswith("/api/"):
            abort(401)  # a JSON answer for programs, not a redirect to the login page
        return login_manager.unauthorized()
