"""Which language a request gets: the account's, else the picker's cookie, else the browser's
Accept-Language, else English."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from tracker.i18n import DEFAULT_LANGUAGE, LANGUAGES

# The language an anonymous reader chose in the footer picker, kept for a year.
LANGUAGE_COOKIE = "tracker_lang"


def known(code: str | None) -> str | None:
    """code if it names one of our languages (as Babel spells it), else None."""
    return code if code in LANGUAGES else None


def from_tag(tag: str) -> str | None:
    """Our language for one Accept-Language tag: sr-Latn(-RS) is Serbian in Latin script,
    any other sr is Cyrillic, and de-AT, en-GB, sv-SE... are their base languages."""
    parts = tag.replace("_", "-").lower().split("-")
    if parts[0] == "sr":
        return "sr_Latn" if "latn" in parts[1:] else "sr"
    return known(parts[0])


def from_accept_language() -> str | None:
    """The first of the browser's languages (by quality) that we have."""
    for tag, _quality in request.accept_languages:
        found = from_tag(tag)
        if found:
            return found
    return None


def select_language() -> str:
    """The request's language, worked out once per request (Flask-Babel's locale selector)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    found: str | None = request.environ.get("tracker.language")
    if found is None:
        account = getattr(current_user, "language", None) if current_user else None
        found = (
            known(account)
            or known(request.cookies.get(LANGUAGE_COOKIE))
            or from_accept_language()
            or DEFAULT_LANGUAGE
        )
        request.environ["tracker.language"] = found
    return found


def html_lang(code: str) -> str:
    """The BCP 47 tag for <html lang>: sr_Latn -> sr-Latn."""
    return code.replace("_", "-")
