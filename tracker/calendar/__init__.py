"""Calendar feeds (iCalendar), the subscribe page and secret feed addresses."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from tracker.calendar import routes  # noqa: E402,F401
