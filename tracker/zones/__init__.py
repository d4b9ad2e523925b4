"""The reader's own time zone: where it comes from and the page to choose it."""

from flask import Blueprint

bp = Blueprint("zones", __name__)

from tracker.zones import routes  # noqa: E402,F401
