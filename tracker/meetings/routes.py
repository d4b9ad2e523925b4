"""Meetings views (skeleton, being written)."""

from tracker.meetings import bp


@bp.route("/")
def list() -> str:
    """List (skeleton)."""
    return "todo"


@bp.route("/new")
def create() -> str:
    """Create (skeleton)."""
    return "todo"


@bp.route("/<int:meeting_id>")
def detail(meeting_id: int) -> str:
    """Detail (skeleton)."""
    return "todo"
