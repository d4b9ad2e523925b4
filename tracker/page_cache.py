"""A short-lived cache of rendered pages, for anonymous readers and for members, correct across
workers.

Most traffic is people reading: the home page, a meeting, the board. A rendered page is kept per
process and served again while nothing changed. Every write of any record raises the "data"
change counter (tracker.changes), read with one cheap query per request, so an edit made through
another worker is seen at once. Pages also expire at the end of each minute, so time-dependent
facts ("upcoming", "overdue") move on by themselves.

The key is the path with its query, the data version, the minute, whether reading is public,
the reader's own cookies (their time zone) and, for a member, the login in their session
(user id and session token). A member's page shows their name, role and own work, so it is
only ever served to the same login; their role cannot change without a write, which changes the
data version. The form token in a member's page is swapped for a placeholder when stored and
for the session's own token when served, so tokens never travel between sessions. Anonymous
pages with a form token, pages rendered with a flash message waiting, requests that changed the
session and non-HTML answers are never cached. A hit is served before the user is loaded:
this relies on Flask-Login's default "basic" session protection, which never logs a session
out on its own.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session

from tracker.counters import read_counter
from tracker.extensions import db
from tracker.i18n.locale import from_accept_language
from tracker.lru import LockedLRU
from tracker.models import utcnow
from tracker.models.changes import DATA
from tracker.zones.reader import BROWSER_COOKIE, CHOSEN_COOKIE, cookie_zone

MAX_PAGES = 1024
# Bytes of page bodies kept per worker: keeps a worker under its memory goal (150 MB).
MAX_BYTES = 8 * 1024 * 1024
# Endpoints that never go in the page cache: they carry secrets or have their own caching.
UNCACHED_PREFIXES = ("auth.", "admin.", "calendar.", "static", "main.healthz")
# Stands for the session's form token inside a stored member page.
TOKEN_PLACEHOLDER = b"\x00tracker-csrf-token\x00"
# Cookies that never change what a page shows (the session is keyed by its login instead).
# The zone cookies are keyed by the zone they name (tracker.zones.reader.cookie_zone).
IGNORED_COOKIES = frozenset({"remember_token", CHOSEN_COOKIE, BROWSER_COOKIE})


# Rendered pages: key -> (body, content type).
PageCache = LockedLRU[tuple[Any, ...], tuple[bytes, str]]


def new_page_cache(size: int = MAX_PAGES, budget: int = MAX_BYTES) -> PageCache:
    """An empty page cache bounded by page count and by body bytes."""
    return PageCache(size, weigh=lambda page: len(page[0]), budget=budget)


def data_version(session: Session) -> int:
    """The current data-change counter: one plain query on the process's state connection."""
    state = read_counter(session, DATA)
    return state.counter if state is not None else 0


def reader_cookies() -> tuple[tuple[str, str], ...]:
    """The request's cookies that may change a page (e.g. the reader's zone), sorted."""
    ignored = IGNORED_COOKIES | {current_app.config["SESSION_COOKIE_NAME"]}
    return tuple(sorted((k, v) for k, v in request.cookies.items() if k not in ignored))


def login_key() -> str | None:
    """The session's login (user id and session token), or None for an anonymous reader."""
    value = session.get("_user_id")
    return str(value) if value is not None else None


def cache_key(version: int) -> tuple[Any, ...]:
    """The page's identity: path with query, data version, the current minute, the reader's
    zone (chosen or the browser's: pages show local times in it; a bad cookie counts as none),
    the reader's other cookies (the language picker's among them), the browser's language and
    the login."""
    minute = utcnow().strftime("%Y%m%d%H%M")
    zone = cookie_zone(request.cookies)
    return (
        request.full_path,
        version,
        minute,
        current_app.config["TRACKER_PUBLIC_READ"],
        zone.zone,
        zone.source,
        reader_cookies(),
        from_accept_language(),
        login_key(),
    )


def eligible() -> bool:
    """Whether this request may be answered from, or stored in, the page cache."""
    endpoint = request.endpoint or ""
    return (
        current_app.config.get("TRACKER_PAGE_CACHE", False)
        and request.method == "GET"
        and endpoint != ""
        and not endpoint.startswith(UNCACHED_PREFIXES)
        and "_flashes" not in session
    )


def storable_body(body: bytes, member: bool) -> bytes | None:
    """The body to keep: a member's form token replaced by the placeholder; None if unfit."""
    if not member:
        return None if b'name="csrf_token"' in body else body
    token = g.get("csrf_token")
    if token:
        body = body.replace(str(token).encode(), TOKEN_PLACEHOLDER)
    return None if b'name="csrf_token" value=""' in body else body


def session_token(signed: LockedLRU[str, str]) -> str:
    """This session's signed form token; kept per session secret while tokens never expire."""
    raw = session.get("csrf_token")
    if not raw or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return str(generate_csrf())
    token = signed.get(raw)
    if token is None:
        token = str(generate_csrf())
        signed.put(raw, token)
    return token


def served_body(body: bytes, signed: LockedLRU[str, str]) -> bytes:
    """A stored body with the placeholder replaced by this session's own form token."""
    if TOKEN_PLACEHOLDER not in body:
        return body
    return body.replace(TOKEN_PLACEHOLDER, session_token(signed).encode())


def register(app: Flask) -> None:
    """Serve and store pages (register after the access checks, before record_actor)."""
    pages = new_page_cache()
    signed: LockedLRU[str, str] = LockedLRU(MAX_PAGES)
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
        response = Response(served_body(body, signed), content_type=content_type)
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
            or "_flashes" in session
            or login_key() != key[-1]
        ):
            return response
        body = storable_body(response.get_data(), member=key[-1] is not None)
        if body is not None:
            pages.put(key, (body, response.content_type or "text/html; charset=utf-8"))
        return response
