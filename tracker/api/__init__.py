"""Read-only JSON API with its OpenAPI 3.1 description."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from tracker.api import routes  # noqa: E402,F401
