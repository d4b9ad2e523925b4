"""The scheduling helper's fragment: the table for a slot, fetched by the meeting form's JS."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request

from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.inputs import MAX_ID, parse_int
from tracker.models.base import utcnow
from tracker.scheduling.helper import LOCAL_INPUT, help_for_input
from tracker.scheduling.queries import series_zone
from tracker.zones.reader import reader_zone

bp = Blueprint("scheduling", __name__, url_prefix="/scheduling")

MAX_ORGANISATIONS = 50


def local_arg(name: str) -> datetime | None:
    """A local wall time from the query string ("2027-03-04T15:00"), or None."""
    raw = request.args.get(name, "").strip()
    try:
        return datetime.strptime(raw[:16], LOCAL_INPUT)
    except ValueError:
        return None


@bp.route("/check")
@editor_required
def check() -> tuple[str, int]:
    """The helper's table and suggestions for ?starts=&ends=&timezone=&org=1&org=2 (HTML);
    400 with what to enter for times that make no slot."""
    raw_ids = [value for value in request.args.getlist("org") if value.strip()]
    ids = [parse_int(value.strip(), MAX_ID) for value in raw_ids[: MAX_ORGANISATIONS + 1]]
    helper = None
    if len(raw_ids) <= MAX_ORGANISATIONS and None not in ids:
        helper = help_for_input(
            db.session,
            local_arg("starts"),
            local_arg("ends"),
            request.args.get("timezone", "").strip()
            or series_zone(db.session, parse_int(request.args.get("series", ""))),
            [i for i in ids if i is not None],
            reader_zone(),
            utcnow(),
        )
    # Nothing entered yet is not bad input: the answer then says what to enter.
    nothing = not any(request.args.get(name, "").strip() for name in ("starts", "ends"))
    status = 200 if helper is not None or nothing else 400
    return render_template("scheduling/check.html", helper=helper), status
