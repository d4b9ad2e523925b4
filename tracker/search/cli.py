"""``flask search reindex``: rebuild the search index from every record."""

from __future__ import annotations

import time

import click

from tracker.counters import bump_counter
from tracker.extensions import db
from tracker.models.changes import DATA
from tracker.search.indexing import rebuild


@click.group("search")
def search_group() -> None:
    """Manage the full-text search index."""


@search_group.command("reindex")
def reindex_command() -> None:
    """Empty the search index and build it again from every record."""
    started = time.perf_counter()
    total = rebuild(db.session.connection())
    bump_counter(db.session, DATA)  # cached search results are out of date now
    db.session.commit()
    click.echo(f"Indexed {total} documents in {time.perf_counter() - started:.1f} s.")
