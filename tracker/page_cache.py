"""A short-lived cache of public pages for anonymous readers, correct across workers.

Most traffic is people reading: the home page, a meeting, the board. For visitors who are not
logged in, a rendered page is kept per process and served again while nothing changed. Every
write of any record raises one counter in the database (data_state), read with one cheap query
per request, so an edit made through another worker is seen at once. Pages also expire at the
end of each minute, so time-dependent facts ("upcoming", "overdue") move on by themselves.
Logged-in users, pages with a form token or a flash message, and non-HTML answers are never
cached.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.extensions import db
from tracker.models import DataState, utcnow
from tracker.models.cache import DATA_STATE_ID
from tracker.state_reader import read_state

MAX_PAGES = 256
STATE_QUERY = "SELECT counter FROM data_state WHERE id = 1"
# Endpoints that never go in the page cache: they carry secrets or have their own caching.
UNCACHED_PREFIXES = ("auth.", "admin.", "calendar.", "static", "main.healthz")


class PageCache:
    """A small thread-safe LRU of rendered pages: key -> (body, content type)."""

    def __init__(self, size: int = MAX_PAGES) -> None:
        self.size = size
        self.pages: OrderedDict[tuple[Any, ...], tuple[bytes, str]] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, str] | None:
        """The cached page for key, if any."""
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple[Any, ...], page: tuple[bytes, str]) -> None:
        """Keep page under key, dropping the least recently used beyond the size."""
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def data_version(session: Session) -> int:
    """The current data-change counter: one plain query on the process's state connection."""
    row = read_state(session, STATE_QUERY)
    return int(row[0] or 0) if row is not None else 0


def bump_data_version(session: Session) -> None:
    """Raise the data-change counter in the current transaction (creating the row if needed)."""
    table = cast(sa.Table, DataState.__table__)
    connection = session.connection()
    where = table.c.id == DATA_STATE_ID
    updated = connection.execute(sa.update(table).where(where).values(counter=table.c.counter + 1))
    if updated.rowcount == 0:
        connection.execute(sa.insert(table).values(id=DATA_STATE_ID, counter=1))


@event.listens_for(Session, "before_flush")
def count_flushed_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """Any created, changed or deleted record makes every cached page stale."""
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        bump_data_version(session)


@event.listens_for(Session, "do_orm_execute")
def count_bulk_changes(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE and DELETE statements skip the flush: count them too."""
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if getattr(target, "name", None) != "data_state":
            bump_data_version(state.session)


def cache_key(version: int) -> tuple[Any, ...]:
    """The page's identity: path with query, data version and the current minute."""
    minute = utcnow().strftime("%Y%m%d%H%M")
    return (request.full_path, version, minute, current_app.config["TRACKER_PUBLIC_READ"])


def eligible() -> bool:
    """Whether this request may be answered from, or stored in, the page cache."""
    endpoint = request.endpoint or ""
    return (
        current_app.config.get("TRACKER_PAGE_CACHE", False)
        and request.method == "GET"
        and endpoint != ""
        and not endpoint.startswith(UNCACHED_PREFIXES)
        and "_user_id" not in session
        and "_flashes" not in session
    )


def register(app: Flask) -> None:
    """Serve and store anonymous pages (register after the access checks)."""
    pages = PageCache()
    app.extensions["tracker_page_cache"] = pages

    @app.before_request
    def serve_cached_page() -> Response | None:
        if not eligible():
            return None
        g.page_cache_key = cache_key(data_version(db.session))
        cached = pages.get(g.page_cache_key)
        if cached is None:
            return None
        body, content_type = cached
        response = Response(body, content_type=content_type)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def store_page(response: Response) -> Response:
        key = g.get("page_cache_key")
        if (
            key is None
            or response.headers.get("X-Page-Cache") == "hit"
            or response.status_code != 200
            or response.mimetype != "text/html"
            or session.modified
            or response.direct_passthrough
        ):
            return response
        body = response.get_data()
        if b'name="csrf_token"' not in body:
            pages.put(key, (body, response.content_type or "text/html; charset=utf-8"))
        return response
