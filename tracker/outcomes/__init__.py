"""Logging what meetings produce: minutes, outcomes, action items, attendance and reports."""

from flask import Blueprint

from tracker.markdown import render_markdown

bp = Blueprint("outcomes", __name__)
bp.add_app_template_filter(render_markdown, "markdown")

from tracker.outcomes import routes  # noqa: E402,F401
