"""A short-lived cache of public pages for anonymous readers, correct across workers.

Most traffic is people reading: the home page, a meeting, the board. For visitors who are not
logged in, a rendered page is kept per process and served again while nothing changed. Every
write of any record raises the "data" change counter (tracker.changes), read with one cheap
query per request, so an edit made through another worker is seen at once. Pages also expire at the
end of each minute, so time-dependent facts ("upcoming", "overdue") move on by themselves.
Logged-in users, pages with a form token or a flash message, and non-HTML answers are never
cached.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request, session
from sqlalchemy.orm import Session

from tracker.counters import read_counter
from tracker.extensions import db
from tracker.lru import LockedLRU
from tracker.models import utcnow
from tracker.models.changes import DATA
from tracker.zones.reader import cookie_zone

MAX_PAGES = 256
# Endpoints that never go in the page cache: they carry secrets or have their own caching.
UNCACHED_PREFIXES = ("auth.", "admin.", "calendar.", "static", "main.healthz")


# Rendered pages: key -> (body, content type).
PageCache = LockedLRU[tuple[Any, ...], tuple[bytes, str]]


def data_version(session: Session) -> int:
    """The current data-change counter: one plain query on the process's state connection."""
    state = read_counter(session, DATA)
    return state.counter if state is not None else 0


def cache_key(version: int) -> tuple[Any, ...]:
    """The page's identity: path with query, data version, the current minute and the reader's
    zone (chosen or the browser's: pages show local times in it)."""
    minute = utcnow().strftime("%Y%m%d%H%M")
    zone = cookie_zone(request.cookies)
    return (
        request.full_path,
        version,
        minute,
        current_app.config["TRACKER_PUBLIC_READ"],
        zone.zone,
        zone.source,
    )


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
    pages = PageCache(MAX_PAGES)
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
