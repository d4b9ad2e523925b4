"""Topics."""

from flask import Blueprint

bp = Blueprint("topics", __name__, url_prefix="/topics")

from tracker.topics import routes  # noqa: E402,F401
