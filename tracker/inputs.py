"""Guards on raw request input, so that no URL or form value can make a database fail.

PostgreSQL refuses integers beyond its column range and text containing NUL bytes; SQLite
refuses integers beyond 64 bits. Both would otherwise surface as a 500.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (and every database we support).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """<int:...> in routes: an id a database can hold; larger numbers simply do not match (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


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


def register(app: Flask) -> None:
    """Bound <int:...> route arguments; answer 400 to NUL characters in arguments or forms."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul_characters() -> None:
        if has_nul(request.args) or (request.method == "POST" and has_nul(request.form)):
            abort(400)
