"""Full-text search over meetings, minutes, outcomes, deliverables, organisations and people."""

from typing import Any

from flask import Blueprint, Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

bp = Blueprint("search", __name__, url_prefix="/search")


def keep_index_current(session: Session, flush_context: Any) -> None:
    """after_flush listener: the index changes in the same transaction as the write."""
    from tracker.search.indexing import index_search

    index_search(session)


def register(app: Flask) -> None:
    """Keep the search index current on every flush, and add ``flask search reindex``."""
    from tracker.search.cli import search_group

    if not event.contains(Session, "after_flush", keep_index_current):
        event.listen(Session, "after_flush", keep_index_current)
    app.cli.add_command(search_group)


from tracker.search import routes  # noqa: E402,F401
