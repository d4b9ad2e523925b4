"""Home page and health check views."""

from __future__ import annotations

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
    except Exception:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
