"""Topics views (skeleton, being written)."""

from tracker.topics import bp


@bp.route("/")
def list() -> str:
    """List (skeleton)."""
    return "todo"
