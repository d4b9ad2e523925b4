"""Deliverables."""

from flask import Blueprint

bp = Blueprint("deliverables", __name__, url_prefix="/deliverables")

from tracker.deliverables import routes  # noqa: E402,F401
