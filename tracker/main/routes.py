"""Home page and health check views."""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from flask import jsonify, render_template
from sqlalchemy import text
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.main import bp
from tracker.main.queries import home_overview
from tracker.models import utcnow
from tracker.progress import queries


@bp.route("/")
def home() -> str:
    """What's next: the next meeting, upcoming and recent meetings, deliverables due."""
    today = date.today()
    overview = home_overview(db.session, utcnow(), today)
    flagged = queries.flagged_deliverables(db.session, today)
    return render_template(
        "main/home.html", overview=overview, flagged=flagged, meeting_zones=overview.zones
    )


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness and database reachability, for load balancers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        with suppress(Exception):
            db.session.rollback()
        response = jsonify(status="error", database=database_problem(error))
        response.headers["Retry-After"] = "30"
        return response, 503
    return jsonify(status="ok", database="ok"), 200


def database_problem(error: Exception) -> str:
    """Why the database did not answer: "timeout" (it stalled), "locked" (SQLite was busy)
    or "unreachable" (refused, missing or failing)."""
    message = str(error).lower()
    if (
        "did not answer within" in message
        or "timeout" in message
        or "canceling statement" in message
    ):
        return "timeout"
    if "database is locked" in message:
        return "locked"
    return "unreachable"
