"""Security headers on every response: CSP, no-sniff, referrer policy, HSTS and caching."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ]
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS = "max-age=31536000; includeSubDomains"


def no_referrer(view: F) -> F:
    """Mark a page as showing secrets (e.g. feed addresses): it is sent with no-referrer."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.tracker_no_referrer = True
        return view(*args, **kwargs)

    return cast(F, wrapped)


def is_private_response() -> bool:
    """Whether this response may show something a shared cache must not keep."""
    if request.endpoint == "static":
        return False
    if not current_app.config["TRACKER_PUBLIC_READ"] or "_user_id" in session:
        return True  # a login in the session: private without loading the user
    return bool(current_user and current_user.is_authenticated)


def set_security_headers(response: Response) -> Response:
    """Add the security headers, keeping stricter values a view already set."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if g.get("tracker_no_referrer"):
        headers["Referrer-Policy"] = "no-referrer"
    else:
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if current_app.config["ENV_NAME"] == "production" or current_app.config.get(
        "SESSION_COOKIE_SECURE"
    ):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if is_private_response() and "private" not in headers.get("Cache-Control", ""):
        # A view that already marked itself private (a secret feed that calendar apps
        # revalidate with ETags) keeps its policy; every other private page is never stored.
        headers["Cache-Control"] = "no-store"
        headers.add_header("Vary", "Cookie")
    return response


def register(app: Flask) -> None:
    """Install the request and response hooks."""
    app.after_request(set_security_headers)
