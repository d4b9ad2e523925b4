"""Guards on raw request input, so that no URL or form value can make a database fail.

PostgreSQL refuses integers beyond its column range and text containing NUL bytes; SQLite
refuses integers beyond 64 bits. Both would otherwise surface as a 500. No form of ours takes a
file, and a file sent in place of a text field would reach validators that expect a string.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds on PostgreSQL (and every database we support).
MAX_ID = 2**31 - 1


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


def has_nul(values: object) -> bool:
    """Whether any value of a MultiDict contains a NUL character."""
    return any("\x00" in value for value in values.values())  # type: ignore[attr-defined]


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
    def refuse_file_uploads() -> None:
        # No form takes a file: a file in place of a text field would otherwise reach
        # validators such as Length() as a FileStorage object.
        if request.method == "POST" and request.files:
            abort(400)
