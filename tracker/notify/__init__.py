"""E-mail notifications: the outbox, its sender, preferences and the admin's record of mail."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notify")

from tracker.notify import routes  # noqa: E402,F401
