"""App-wide error pages: 400, 403, 404, 405, 409, 413, 500 and 503."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db, login_manager

MESSAGES = {
    401: ("Login required", "Log in to read this."),
    400: (
        "Bad request",
        "The request could not be understood. Go back, reload the page and try again.",
    ),
    403: ("Not allowed", "Your account may not do this. Ask an admin if you need access."),
    404: ("Not found", "There is nothing at this address. It may have been deleted or mistyped."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone else changed this record while you were editing it."),
    413: ("Too large", "What you sent is larger than the tracker accepts."),
    500: ("Something went wrong", "The error has been logged. Please try again in a moment."),
    503: ("Temporarily unavailable", "The database cannot be reached. Please try again shortly."),
}


def is_api_request() -> bool:
    """Whether the request is for the JSON API, which answers errors in JSON."""
    return bool(request_ctx) and request.path.startswith("/api/")


def json_error(code: int) -> Response:
    """A JSON error answer for the API."""
    response = jsonify(error=MESSAGES.get(code, ("error",))[0])
    response.status_code = code
    return response


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    """Render the generic error page for an HTTP status."""
    title, message = MESSAGES.get(code, (str(code), ""))
    if request_ctx and request_ctx.url_adapter is None:
        # The request was refused before routing (e.g. an untrusted Host header):
        # no links can be built, so answer with a page that needs none.
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
            400, "The form had expired or was not sent from this site. Reload it and try again."
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
        return render_error(400, "A value was too long or out of range. Check the input.")

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
