"""Calendar feeds (iCalendar), the subscribe page and secret feed addresses."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

# The session hooks keep SEQUENCE and the feed change counter right on every code path.
from tracker.calendar import changes, routes  # noqa: E402,F401
