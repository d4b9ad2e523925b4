"""Partner organisations."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

from tracker.organisations import routes  # noqa: E402,F401
