"""The living style page: design tokens and components as they render."""

from flask import Blueprint

bp = Blueprint("styleguide", __name__, url_prefix="/styleguide")

from tracker.styleguide import routes  # noqa: E402,F401
