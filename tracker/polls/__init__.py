"""Time polls: candidate slots for a meeting, members' answers and the organiser's pick."""

from flask import Blueprint

bp = Blueprint("polls", __name__, url_prefix="/meetings")

from tracker.polls import routes  # noqa: E402,F401
