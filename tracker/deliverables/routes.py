"""Deliverables views (skeleton, being written)."""

from tracker.deliverables import bp


@bp.route("/")
def list() -> str:
    """List (skeleton)."""
    return "todo"


@bp.route("/<int:deliverable_id>")
def detail(deliverable_id: int) -> str:
    """Detail (skeleton)."""
    return "todo"
