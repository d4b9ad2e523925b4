"""Home page and health check views."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

from flask import current_app, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.main import bp
from tracker.main.queries import FIRST_VISIT_WINDOW, change_events, home_overview, my_work
from tracker.main.visits import changes_since, record_visit
from tracker.models import User, utc_today, utcnow
from tracker.progress import queries
from tracker.views import paginate


@bp.route("/")
def home() -> str:
    """My work for a signed-in user; What's next for everyone else."""
    if current_user.is_authenticated:
        return my_work_page(current_user)
    return whats_next()


@bp.route("/next")
def whats_next() -> str:
    """What's next: the next meeting, upcoming and recent meetings, deliverables due."""
    today = utc_today()
    overview = home_overview(db.session, utcnow(), today)
    flagged = queries.flagged_deliverables(db.session, today)
    return render_template(
        "main/home.html", overview=overview, flagged=flagged, meeting_zones=overview.zones
    )


def my_work_page(user: User) -> str:
    """What needs the user now; opening it starts a new visit when the last one is over."""
    now = utcnow()
    since = changes_since(user, now)
    # Before the page's reads: the commit would expire every record they load.
    try:
        if record_visit(db.session, user, now):
            db.session.commit()
    except OperationalError:
        # A busy or stalled database costs the visit's bookkeeping, never the page.
        db.session.rollback()
        current_app.logger.warning("could not record the visit of user %s", user.id)
    two_person = bool(current_app.config.get("TRACKER_TWO_PERSON_APPROVAL", False))
    work = my_work(db.session, user, now, since, two_person)
    return render_template("main/my_work.html", work=work, two_person=two_person)


def since_arg(user: User, now: datetime) -> datetime:
    """?since= as an aware instant (ISO 8601, UTC when no offset), else as My work counts."""
    raw = request.args.get("since", "").strip()
    if raw:
        with suppress(ValueError):
            value = datetime.fromisoformat(raw)
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return changes_since(user, now) or now - FIRST_VISIT_WINDOW


@bp.route("/changes")
@login_required
def changes() -> str:
    """Others' changes to the initiative's records since the last visit (or ?since=)."""
    since = since_arg(current_user, utcnow())
    pagination = paginate(change_events(since, current_user.id))
    return render_template("main/changes.html", since=since, pagination=pagination)


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
