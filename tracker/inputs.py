"""Guards on raw request input, so that no URL or form value can make a database fail.

PostgreSQL refuses integers beyond its column range and text containing NUL bytes; SQLite
refuses integers beyond 64 bits. Both would otherwise surface as a 500. No form of ours takes a
file, and a file sent in place of a text field would reach validators that expect a string.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (and every database we support).
MAX_ID = 2**31 - 1
# The years a date typed into a form may have; dates outside were typing mistakes, and
# year 1 or 9999 would overflow date arithmetic in the calendar feeds and the charts.
MIN_YEAR, MAX_YEAR = 1900, 2200
FIRST_DAY, LAST_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)


class IdConverter(IntegerConverter):
    """<int:...> in routes: an id a database can hold; larger numbers simply do not match (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def parse_int(raw: object, maximum: int = MAX_ID) -> int | None:
    """A whole number of ASCII digits up to maximum, or None.

    str.isdigit() accepts "²" (which int() refuses) and int() accepts Arabic-Indic digits;
    both, and numbers a database column cannot hold, count as "not a number" here.
    """
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    if not text or len(text) > len(str(maximum)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= maximum else None


def in_date_range(day: date) -> bool:
    """Whether day lies in the years forms accept."""
    return FIRST_DAY <= day <= LAST_DAY


def clamp_day(day: date) -> date:
    """day moved into the years forms accept: what charts draw a far-off imported date at."""
    return min(max(day, FIRST_DAY), LAST_DAY)


# Invisible characters that make two equal-looking names differ: zero-width characters, the
# soft hyphen, the word joiner, the byte-order mark and the bidirectional controls.
INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x061C, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)
# Control characters no form field should keep: C0 except tab, line feed and carriage
# return, DEL, C1, and the Unicode line and paragraph separators (which some parsers, such
# as JavaScript's and iCalendar readers', treat as line breaks).
CONTROLS = dict.fromkeys(
    [*(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)), *range(0x7F, 0xA0), 0x2028, 0x2029]
)


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC, invisible characters removed, case folded
    and spaces collapsed, so that a full-width "AI Austria", "AI\u200bAustria" and an NFD "Café"
    match "AI Austria" and "Café"."""
    text = unicodedata.normalize("NFKC", name).translate(INVISIBLE)
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


def without_controls(value: str) -> str:
    """value without control characters (tab and line breaks stay, for text areas)."""
    return value.translate(CONTROLS)


def has_nul(values: object) -> bool:
    """Whether any value of a MultiDict contains a NUL character."""
    return any("\x00" in value for value in values.values())  # type: ignore[attr-defined]


def is_local_path(target: str | None) -> bool:
    """Whether target is a path on this site: the one check for every "next" address."""
    if not target or not target.startswith("/"):
        return False
    # Browsers drop tabs and newlines and read a backslash as a slash, so a tab or backslash
    # after the first slash leads to another host; "%09" decodes to a tab, so check both forms.
    for text in (target, unquote(target)):
        if text.startswith("//") or "\\" in text:
            return False
        if any(not character.isprintable() for character in text):
            return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def local_path_or(target: str | None, fallback: str) -> str:
    """target when it is a path on this site, otherwise fallback."""
    return target if target is not None and is_local_path(target) else fallback


def trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from X-Forwarded-For/-Proto, but only the entries
    added by the TRACKER_PROXY_COUNT reverse proxies in front of us (none by default), so a
    client cannot choose its own address for the login throttle."""
    count = int(app.config.get("TRACKER_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0
        )


def register(app: Flask) -> None:
    """Bound <int:...> route arguments; answer 400 to NUL characters and to file uploads."""
    trust_proxies(app)
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul_characters() -> None:
        if has_nul(request.args) or (request.method == "POST" and has_nul(request.form)):
            abort(400)

    @app.before_request
    def strip_control_characters() -> None:
        # Centrally for every field: no form keeps C0/C1 controls or U+2028/U+2029.
        if request.method == "POST" and any(
            without_controls(value) != value for value in request.form.values()
        ):
            form = request.form.items(multi=True)
            cleaned = [(key, without_controls(value)) for key, value in form]
            request.form = ImmutableMultiDict(cleaned)  # type: ignore[misc]

    @app.before_request
    def refuse_file_uploads() -> None:
        # No form takes a file: a file in place of a text field would otherwise reach
        # validators such as Length() as a FileStorage object.
        if request.method == "POST" and request.files:
            abort(400)
