"""The initiative's archive: a browsable static website and a full JSON export that imports back."""

from flask import Blueprint

bp = Blueprint("archive", __name__, url_prefix="/admin/archive")

from tracker.archive import routes  # noqa: E402,F401
