"""People views (skeleton, being written)."""

from tracker.people import bp


@bp.route("/")
def list() -> str:
    """List (skeleton)."""
    return "todo"


@bp.route("/<int:person_id>")
def detail(person_id: int) -> str:
    """Detail (skeleton)."""
    return "todo"
