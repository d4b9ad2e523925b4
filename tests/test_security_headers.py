"""Security headers, cookies, caching, trusted hosts and the request size limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests import factories
from tests.conftest import build_app, login_as
from tracker.extensions import db
from tracker.security import no_referrer

# Rendering and validation only: the SQL cannot differ between the databases.
pytestmark = pytest.mark.sqlite_only


def csp_directives(header: str) -> dict[str, str]:
    """The CSP header as a directive -> sources mapping."""
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def test_content_security_policy_forbids_inline_scripts(client):
    response = client.get("/")
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["style-src"] == "'self'"


def test_no_inline_scripts_styles_or_handlers_in_templates():
    templates = Path(__file__).resolve().parent.parent / "templates"
    # The HTML part of an e-mail is never served under our CSP, and mail clients ignore
    # stylesheets, so it alone keeps inline styles (it still has no scripts or handlers).
    email = templates / "notify" / "message.html"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8").lower()
        if path == email:
            assert "<script" not in text and " on" + "click=" not in text
            continue
        assert "style=" not in text, f"{path}: inline style attribute (CSP forbids it)"
        assert "<style" not in text, f"{path}: inline style block"
        assert " onclick=" not in text and " onload=" not in text, f"{path}: inline handler"
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"{path}: inline script block"


def test_nosniff_and_referrer_policy(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_referrer_decorator_for_pages_with_secrets(app):
    @app.route("/_secret-page")
    @no_referrer
    def secret_page() -> str:
        return "feed address"

    response = app.test_client().get("/_secret-page")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_referrer_header_set_by_view_is_kept(app):
    @app.route("/_view-sets-referrer")
    def own_header() -> tuple[str, int, dict[str, str]]:
        return "x", 200, {"Referrer-Policy": "no-referrer"}

    response = app.test_client().get("/_view-sets-referrer")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_public_pages_may_be_cached_private_pages_not(client, organiser):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login_as(client, organiser)
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_everything_is_private_when_reading_is_private(tmp_path):
    app = build_app(tmp_path, TRACKER_PUBLIC_READ=False)
    response = app.test_client().get("/login")
    assert response.headers["Cache-Control"] == "no-store"


def test_no_hsts_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


@pytest.fixture
def production_app(tmp_path: Path) -> Flask:
    """An app with the production config (secure cookies, HSTS) on a test database."""
    from tracker import create_app
    from tracker.extensions import db

    app = create_app(
        "production",
        SECRET_KEY="x9" * 32,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        TRUSTED_HOSTS=["tracker.example.org"],
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
    )
    with app.app_context():
        db.create_all()
    return app


def test_production_sends_hsts_and_secure_httponly_lax_cookies(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://tracker.example.org")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_cookies_are_httponly_and_lax_in_development(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_untrusted_host_header_is_rejected(production_app):
    client = production_app.test_client()
    assert client.get("/", base_url="https://tracker.example.org").status_code == 200
    response = client.get("/", base_url="https://evil.example.com")
    assert response.status_code == 400


def test_request_larger_than_the_limit_gets_413_page(tmp_path):
    app = build_app(tmp_path, MAX_CONTENT_LENGTH=1000)
    client = app.test_client()
    with app.app_context():
        factories.make_user()
        db.session.commit()
    response = client.post("/login", data={"email": "a@b.c", "password": "x" * 5000})
    assert response.status_code == 413
    assert "larger than the tracker accepts" in response.get_data(as_text=True)


def test_nul_characters_in_form_data_are_refused(organiser_client):
    response = organiser_client.post(
        "/series/new", data={"name": "Nul\x00series", "timezone": "Europe/Sofia"}
    )
    assert response.status_code == 400
    assert "could not be understood" in response.get_data(as_text=True)
