"""The reader's zone, in one place: the account's, else a chosen one, else the browser's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user

from tracker.timefmt import is_zone

# A zone the reader chose on the zone page (or NO_CONVERSION), kept for a year.
CHOSEN_COOKIE = "tracker_zone"
# The browser's own zone, written by static/js/zone.js; used only until one is chosen.
BROWSER_COOKIE = "tracker_browser_zone"
NO_CONVERSION = "-"


@dataclass(frozen=True)
class ReaderZone:
    """The reader's zone (None: show each time as today) and where it came from."""

    zone: str | None
    source: str  # "account", "chosen", "browser", or "" when there is none


NONE = ReaderZone(None, "")


def cookie_zone(cookies: Mapping[str, str]) -> ReaderZone:
    """The zone from the cookies: a valid chosen one, else a valid browser one; bad ones ignored."""
    chosen = cookies.get(CHOSEN_COOKIE, "")
    if chosen == NO_CONVERSION:
        return ReaderZone(None, "chosen")
    if is_zone(chosen):
        return ReaderZone(chosen, "chosen")
    browser = cookies.get(BROWSER_COOKIE, "")
    if is_zone(browser):
        return ReaderZone(browser, "browser")
    return NONE


def resolve_reader_zone() -> ReaderZone:
    """The current reader's zone: the account's setting wins, then the cookies (once a request)."""
    if not has_request_context():
        return NONE
    # Kept on the request, not on g: g belongs to the app context, which tests share.
    found: ReaderZone | None = request.environ.get("tracker.reader_zone")
    if found is None:
        account = getattr(current_user, "timezone", None) if current_user else None
        if account and is_zone(account):
            found = ReaderZone(account, "account")
        else:
            found = cookie_zone(request.cookies)
        request.environ["tracker.reader_zone"] = found
    return found


def for_no_reader() -> None:
    """Render the rest of this request for nobody in particular (the archive is for everyone)."""
    if has_request_context():
        request.environ["tracker.reader_zone"] = NONE


def reader_zone() -> str | None:
    """The zone the current reader wants times shown in beside the meeting's, if any."""
    return resolve_reader_zone().zone


def note_shown_zone(zone: str) -> None:
    """Remember a zone this page showed a time in (zone.js reloads when the browser's differs)."""
    if has_request_context():
        shown: set[str] = request.environ.setdefault("tracker.shown_zones", set())
        shown.add(zone)


def shown_zones() -> str:
    """The zones times on this page were shown in so far, space-separated."""
    if not has_request_context():
        return ""
    return " ".join(sorted(request.environ.get("tracker.shown_zones", set())))
