"""Full-text search over meetings, minutes, outcomes, deliverables, organisations and people."""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/search")

from tracker.search import routes  # noqa: E402,F401
