"""User management, the audit trail and restoring deleted records: admins only."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from tracker.admin import routes  # noqa: E402,F401
