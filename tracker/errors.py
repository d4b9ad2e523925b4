"""App-wide error pages: 400, 403, 404, 405, 409, 413, 500 and 503."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db, login_manager
from tracker.i18n import _, _l

# The title and message of each error page, in the reader's language.
MESSAGES: dict[int, tuple[LazyString, LazyString]] = {
    401: (_l("Login required"), _l("Log in to read this.")),
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Go back, reload the page and try again."),
    ),
    403: (_l("Not allowed"), _l("Your account may not do this. Ask an admin if you need access.")),
    404: (
        _l("Not found"),
        _l("There is nothing at this address. It may have been deleted or mistyped."),
    ),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this record while you were editing it.")),
    413: (_l("Too large"), _l("What you sent is larger than the tracker accepts.")),
    500: (
        _l("Something went wrong"),
        _l("The error has been logged. Please try again in a moment."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The database cannot be reached. Please try again shortly."),
    ),
}
# The JSON API names errors for machines: always in English, whatever the request's language.
API_ERRORS = {
    401: "Login required",
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


def is_api_request() -> bool:
    """Whether the request is for the JSON API, which answers errors in JSON."""
    return bool(request_ctx) and request.path.startswith("/api/")


def json_error(code: int) -> Response:
    """A JSON error answer for the API."""
    response = jsonify(error=API_ERRORS.get(code, "error"))
    response.status_code = code
    return response


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the generic error page for an HTTP status."""
    lazy_title, lazy_message = MESSAGES.get(code, (None, None))
    title = str(lazy_title) if lazy_title is not None else str(code)
    message = str(lazy_message) if lazy_message is not None else ""
    if request_ctx and request_ctx.url_adapter is None:
        # The request was refused before routing (e.g. an untrusted Host header):
        # no links can be built, so answer with a page that needs none.
        title, message = escape(title), escape(message)
        return f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>", code
    return (
        render_template("errors/error.html", code=code, title=title, message=detail or message),
        code,
    )


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400, _("The form had expired or was not sent from this site. Reload it and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | Response | HTTPException:
        if error.code is None or error.code < 400:
            return error
        if is_api_request():
            response = json_error(error.code)
            if error.code == 401:
                response.headers["WWW-Authenticate"] = 'Session realm="tracker"'
            return response
        return render_error(error.code, getattr(error, "tracker_detail", None))

    @app.errorhandler(StaleDataError)
    def stale(error: StaleDataError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(DataError)
    def data_error(error: DataError) -> tuple[str, int]:
        # A value the database refuses (too long, out of range); forms should catch it first.
        db.session.rollback()
        return render_error(400, _("A value was too long or out of range. Check the input."))

    @app.errorhandler(OperationalError)
    def unavailable(error: OperationalError) -> tuple[str | Response, int, dict[str, str]]:
        with suppress(OperationalError):
            db.session.rollback()
        if is_api_request():
            return json_error(503), 503, {"Retry-After": "30"}
        # Render the page as an anonymous visitor: loading the user would need the database.
        g._login_user = login_manager.anonymous_user()
        body, code = render_error(503)
        return body, code, {"Retry-After": "30"}

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int] | Response:
        db.session.rollback()
        if is_api_request():
            return json_error(500)
        return render_error(500)
