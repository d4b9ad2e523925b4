"""Login and logout through the real forms."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tracker.models import Role

# Rendering and validation only: the SQL cannot differ between the databases.
pytestmark = pytest.mark.sqlite_only


def test_login_page(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page and 'for="email"' in page


def test_login_with_email_and_logout(client, app):
    user = make_user(Role.ORGANISER, email="org@example.org")
    response = client.post("/login", data={"email": "ORG@example.org", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "org@example.org" in page and "Log out" in page
    assert client.get("/organisations/new").status_code == 200
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.post("/logout").status_code == 302
    assert client.get("/organisations/new").status_code == 302
    assert user.email == "org@example.org"


def test_wrong_password_keeps_email(client, app):
    make_user(email="org@example.org")
    response = client.post("/login", data={"email": "org@example.org", "password": "nope nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "do not match" in page and 'value="org@example.org"' in page


def test_login_requires_csrf(client, app):
    make_user(email="org@example.org")
    response = client.post(
        "/login", data={"email": "org@example.org", "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400


def test_viewer_cannot_edit(client, app):
    make_user(Role.VIEWER, email="v@example.org")
    client.post("/login", data={"email": "v@example.org", "password": PASSWORD})
    assert client.get("/organisations/new").status_code == 403


def test_deactivated_user_cannot_log_in(client, app):
    make_user(email="gone@example.org", active=False)
    response = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 200 and "do not match" in response.get_data(as_text=True)
