"""Deliverables' progress: workflow, updates, milestones, board, timeline, dashboard and CSV."""

from flask import Blueprint

bp = Blueprint("progress", __name__)

from tracker.progress import routes  # noqa: E402,F401
