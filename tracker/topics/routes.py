"""Topics views (skeleton, being written)."""

from tracker.topics import bp


@bp.route("/")
def list() -> str:
    """List (skeleton)."""
    return "todo"


# SKELETON added by the meetings branch so meeting pages can link to topics; the topics
# helper's real view replaces it.
@bp.route("/<int:topic_id>")
def detail(topic_id: int) -> str:
    """Detail (skeleton)."""
    return "todo"
