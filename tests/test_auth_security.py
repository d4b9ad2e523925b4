"""Passwords, login limits, enumeration, redirects and session lifetimes."""

from __future__ import annotations

from pathlib import Path

import argon2
import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories, speedups
from tests.conftest import build_app
from tracker.auth import passwords
from tracker.auth.routes import LOGIN_FAILED, THROTTLED, safe_next
from tracker.extensions import db
from tracker.models import AuditEvent, LoginAttempt, Role, User

MIB = 1024


def test_hash_is_argon2id_at_or_above_owasp_parameters(monkeypatch):
    # The app's own hasher: the other tests hash at argon2's lowest cost (tests/speedups.py).
    monkeypatch.setattr(passwords, "hasher", speedups.APP_HASHER)
    params = argon2.extract_parameters(passwords.hash_password("quiet river bend"))
    assert params.type is argon2.Type.ID
    owasp_minimum = params.memory_cost >= 19 * MIB and params.time_cost >= 2
    owasp_high_memory = params.memory_cost >= 64 * MIB
    assert owasp_minimum or owasp_high_memory
    assert params.parallelism >= 1


def test_hashes_are_salted_and_verify():
    first = passwords.hash_password("quiet river bend")
    assert first != passwords.hash_password("quiet river bend")
    assert passwords.verify_password(first, "quiet river bend")
    assert not passwords.verify_password(first, "quiet river bent")
    assert not passwords.verify_password("not a hash", "quiet river bend")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short", False),
        ("1234567", False),
        ("password", False),
        ("PASSWORD", False),
        ("iloveyou", False),
        ("12345678", False),
        ("quietriverbend", True),  # only lower-case letters: no composition rules
        ("zq" * 4, True),
        ("Пароль-кириллицей", True),
    ],
)
def test_password_policy_length_and_common_list_only(password, ok):
    assert (passwords.password_problem(password) is None) is ok


def login(client, email: str, password: str, **kwargs):
    """Post the login form."""
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


@pytest.fixture
def shared_file(tmp_path: Path) -> Path:
    """A SQLite file that two app instances (two 'worker processes') share."""
    return tmp_path / "shared.sqlite3"


def two_apps(tmp_path: Path, limit: int) -> tuple[Flask, Flask]:
    """Two independent app instances on the same database file."""
    uri = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    limits = {"TRACKER_LOGIN_LIMIT": limit, "TRACKER_LOGIN_ADDRESS_LIMIT": limit}
    first = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=uri, **limits)
    second = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=uri, **limits)
    return first, second


def test_pair_limit_holds_across_two_app_instances(tmp_path):
    first, second = two_apps(tmp_path, limit=3)
    with first.app_context():
        user = factories.make_user(Role.ORGANISER)
        email = user.email
        db.session.commit()
    a, b = first.test_client(), second.test_client()
    address = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        client = a if n % 2 == 0 else b
        response = login(client, email, "wrong password!", environ_base=address)
        assert response.status_code == 200
        assert LOGIN_FAILED in response.get_data(as_text=True)
    # Even the right password, from the failing address, on the other instance, is refused now.
    response = login(b, email, factories.PASSWORD, environ_base=address)
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    with second.app_context():
        # Three failures and the refused attempt, each against the pair and the address key.
        assert db.session.scalar(select(db.func.count(LoginAttempt.id))) == 8
    # The account is not locked for everyone: another address logs in.
    assert (
        login(a, email, factories.PASSWORD, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        == 302
    )


def test_address_limit_holds_across_accounts_and_instances(tmp_path):
    first, second = two_apps(tmp_path, limit=3)
    with first.app_context():
        emails = [factories.make_user().email for _ in range(4)]
        db.session.commit()
    address = {"REMOTE_ADDR": "192.0.2.7"}
    for n, email in enumerate(emails[:3]):
        client = (first if n % 2 else second).test_client()
        assert login(client, email, "wrong password!", environ_base=address).status_code == 200
    response = login(first.test_client(), emails[3], factories.PASSWORD, environ_base=address)
    assert response.status_code == 429
    other = login(
        first.test_client(),
        emails[3],
        factories.PASSWORD,
        environ_base={"REMOTE_ADDR": "192.0.2.8"},
    )
    assert other.status_code == 302


def test_attempts_outside_the_window_do_not_count(tmp_path):
    app = build_app(tmp_path, TRACKER_LOGIN_LIMIT=2, TRACKER_LOGIN_WINDOW_SECONDS=0)
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    client = app.test_client()
    for _ in range(3):
        assert login(client, email, "wrong password!").status_code == 200
    assert login(client, email, factories.PASSWORD).status_code == 302


def test_success_clears_the_account_counter(tmp_path):
    app = build_app(tmp_path, TRACKER_LOGIN_LIMIT=3)
    with app.app_context():
        email = factories.make_user().email
        db.session.commit()
    client = app.test_client()
    address = {"REMOTE_ADDR": "10.1.1.1"}
    login(client, email, "wrong password!", environ_base=address)
    login(client, email, "wrong password!", environ_base=address)
    assert login(client, email, factories.PASSWORD, environ_base=address).status_code == 302
    with app.app_context():
        keys = set(db.session.scalars(select(LoginAttempt.key)))
    assert f"pair:{email}|10.1.1.1" not in keys


def test_unknown_user_and_wrong_password_look_the_same(client, organiser, monkeypatch):
    calls: list[str] = []
    real = passwords.hasher

    class CountingHasher:
        """The real hasher, noting which hash each verification used."""

        def verify(self, hash_: str, password: str) -> bool:
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "hasher", CountingHasher())
    unknown = login(client, "nobody@example.org", "wrong password!")
    unknown_calls = list(calls)
    calls.clear()
    wrong = login(client, organiser.email, "wrong password!")
    assert unknown.status_code == wrong.status_code == 200
    assert LOGIN_FAILED in unknown.get_data(as_text=True)
    assert LOGIN_FAILED in wrong.get_data(as_text=True)
    # The unknown user still costs one full argon2 verification (of the dummy hash).
    assert unknown_calls == [passwords.DUMMY_HASH]
    assert len(calls) == 1 and calls[0] == organiser.password_hash


def test_deactivated_user_gets_the_same_message(client):
    user = factories.make_user(active=False)
    response = login(client, user.email, factories.PASSWORD)
    assert response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "//evil.com/path",
        "https://evil.com",
        "http://evil.com/x",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "/\t/evil.com",
        "evil.com",
        "",
    ],
)
@pytest.mark.sqlite_only
def test_redirect_after_login_stays_on_site(app, client, organiser, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
    response = login(client, organiser.email, factories.PASSWORD, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.sqlite_only
def test_redirect_after_login_to_own_path(client, organiser):
    response = login(
        client, organiser.email, factories.PASSWORD, query_string={"next": "/series/?page=2"}
    )
    assert response.headers["Location"] == "/series/?page=2"


def test_login_starts_a_new_session(client, organiser):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
        before_csrf = session.get("csrf_token")
    login(client, organiser.email, factories.PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != before_csrf
        assert session["_user_id"] == organiser.get_id()


def session_cookie(client) -> str:
    """The current value of the client's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str):
    """A new browser presenting a saved session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/account")


def test_logout_makes_a_saved_cookie_useless(app, client, organiser):
    login(client, organiser.email, factories.PASSWORD)
    saved = session_cookie(client)
    assert replay(app, saved).status_code == 200  # the saved cookie works while logged in
    client.post("/logout")
    response = replay(app, saved)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, organiser):
    other = app.test_client()
    login(other, organiser.email, factories.PASSWORD)
    saved_other = session_cookie(other)
    login(client, organiser.email, factories.PASSWORD)
    response = client.post(
        "/account",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert replay(app, saved_other).status_code == 302
    assert login(app.test_client(), organiser.email, "a brand new passphrase").status_code == 302


def test_password_change_needs_the_current_password(client, organiser):
    login(client, organiser.email, factories.PASSWORD)
    response = client.post(
        "/account",
        data={
            "current_password": "not my password",
            "new_password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 200
    assert "current password is not correct" in response.get_data(as_text=True)
    db.session.expire_all()
    assert passwords.verify_password(
        db.session.get(User, organiser.id).password_hash, factories.PASSWORD
    )


@pytest.mark.sqlite_only
def test_password_change_refuses_common_password(client, organiser):
    login(client, organiser.email, factories.PASSWORD)
    response = client.post(
        "/account",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "password1",
            "confirm": "password1",
        },
    )
    assert "common passwords" in response.get_data(as_text=True)


def test_logins_are_audited_without_secrets(client, organiser):
    login(client, organiser.email, "wrong password!", environ_base={"REMOTE_ADDR": "198.51.100.4"})
    login(client, organiser.email, factories.PASSWORD)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "login").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["login_failed", "login"]
    assert events[0].summary == organiser.email
    assert events[0].changes["address"][1] == "198.51.100.4"
    assert events[1].user_id == organiser.id
    for event in events:
        text = f"{event.summary} {event.changes}"
        assert "wrong password" not in text
        assert factories.PASSWORD not in text
        assert organiser.session_token not in text
