"""Guards on raw request input, so that no URL or form value can make a database fail.

PostgreSQL refuses integers beyond its column range and text containing NUL bytes; SQLite
refuses integers beyond 64 bits. Both would otherwise surface as a 500.
"""

from __future__ import annotations

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


def register(app: Flask) -> None:
    """Bound <int:...> route arguments; answer 400 to NUL characters in arguments or forms."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul_characters() -> None:
        if has_nul(request.args) or (request.method == "POST" and has_nul(request.form)):
            abort(400)
