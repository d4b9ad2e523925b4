"""The login throttle: per (account, address) pair, proxy-aware, counted before the password
check, and quiet in the audit trail and page cache when it refuses."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from tests import factories
from tests.conftest import build_app, login_as
from tests.databases import clean_slate
from tracker.extensions import db
from tracker.models import AuditEvent, ChangeCounter, Role, User
from tracker.models.changes import DATA

WRONG = "wrong password!"


def login(client, email: str, password: str, address: str = "10.0.0.1", **kwargs):
    """Post the login form from a client address."""
    environ = {"REMOTE_ADDR": address}
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base=environ, **kwargs
    )


def audit_actions(app: Flask) -> list[str]:
    """The actions of the login audit rows, oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity == "login")
                .order_by(AuditEvent.id)
            )
        )


def data_counter(app: Flask) -> int:
    """The page cache's data-change counter."""
    with app.app_context():
        return int(
            db.session.scalar(select(ChangeCounter.counter).where(ChangeCounter.name == DATA)) or 0
        )


@pytest.fixture
def throttled_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app with a login limit of 3 per pair and 8 per address, on each backend."""
    app = build_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        TRACKER_LOGIN_LIMIT=3,
        TRACKER_LOGIN_ADDRESS_LIMIT=8,
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        clean_slate(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_account(app: Flask, role: Role = Role.ADMIN) -> tuple[int, str]:
    """A user's id and email."""
    with app.app_context():
        user = factories.make_user(role)
        db.session.commit()
        return user.id, user.email


def test_hammering_from_one_address_does_not_lock_out_another(throttled_app):
    _, email = make_account(throttled_app)
    attacker = throttled_app.test_client()
    codes = [login(attacker, email, WRONG, "203.0.113.9").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]
    # Even the right password is refused from the hammering address...
    assert login(attacker, email, factories.PASSWORD, "203.0.113.9").status_code == 429
    # ...but the admin, from an address that has not been failing, gets in.
    assert login(throttled_app.test_client(), email, factories.PASSWORD).status_code == 302


def test_address_ceiling_stops_password_spraying(throttled_app):
    emails = [make_account(throttled_app, Role.VIEWER)[1] for _ in range(9)]
    client = throttled_app.test_client()
    codes = [login(client, email, WRONG, "198.51.100.1").status_code for email in emails]
    assert codes == [200] * 8 + [429]
    assert login(client, emails[0], factories.PASSWORD, "198.51.100.2").status_code == 302


def test_success_clears_the_pairs_failures(throttled_app):
    _, email = make_account(throttled_app)
    client = throttled_app.test_client()
    for _ in range(2):
        assert login(client, email, WRONG).status_code == 200
    assert login(client, email, factories.PASSWORD).status_code == 302
    client = throttled_app.test_client()
    assert [login(client, email, WRONG).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_refusals_write_one_audit_row_and_leave_the_page_cache_alone(throttled_app):
    _, email = make_account(throttled_app)
    client = throttled_app.test_client()
    for _ in range(3):
        login(client, email, WRONG)
    login(client, email, WRONG)  # the first refusal is audited
    before = data_counter(throttled_app)
    codes = {login(client, email, WRONG).status_code for _ in range(30)}
    assert codes == {429}
    assert data_counter(throttled_app) == before
    assert audit_actions(throttled_app) == ["login_failed"] * 3 + ["login_throttled"]


@pytest.mark.parametrize("proxies", [0, 1])
def test_client_address_comes_from_trusted_proxies_only(tmp_path, proxies):
    app = build_app(tmp_path, TRACKER_LOGIN_LIMIT=2, TRACKER_PROXY_COUNT=proxies)
    with app.app_context():
        email = factories.make_user(Role.ADMIN).email
        db.session.commit()
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def attempt(forwarded: str, password: str) -> int:
        headers = {"X-Forwarded-For": forwarded}
        return login(client, email, password, proxy["REMOTE_ADDR"], headers=headers).status_code

    # Behind one proxy, everyone shares its address: each client must count on its own.
    assert [attempt("198.51.100.7", WRONG) for _ in range(3)] == [200, 200, 429]
    # A client cannot choose its address by sending its own X-Forwarded-For entry first.
    assert attempt("192.0.2.1, 198.51.100.7", factories.PASSWORD) == 429
    if proxies:
        assert attempt("198.51.100.8", factories.PASSWORD) == 302
        with app.app_context():
            addresses = [
                e.changes["address"][1]
                for e in db.session.scalars(
                    select(AuditEvent).where(AuditEvent.entity == "login").order_by(AuditEvent.id)
                )
            ]
        # Two failures and the audited first refusal, then the other client's login.
        assert addresses == ["198.51.100.7"] * 3 + ["198.51.100.8"]
    else:
        # Without a trusted proxy the header is ignored: the proxy address is the client.
        assert attempt("198.51.100.8", factories.PASSWORD) == 429


class LiveServer:
    """The app under Werkzeug's threaded server, on a free local port."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def post(self, path: str, data: dict[str, str]) -> int:
        """POST a form; the status code (redirects not followed)."""
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.thread.join(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_parallel_guesses_cannot_exceed_the_limit(throttled_app):
    _, email = make_account(throttled_app)
    server = LiveServer(throttled_app)
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(
                pool.map(
                    lambda _: server.post("/login", {"email": email, "password": WRONG}),
                    range(12),
                )
            )
    finally:
        server.stop()
    # Attempts racing each other may all see each other's counts, so fewer than the limit (even
    # none, when all twelve are counted before any is checked) get a password check; never more.
    checked = codes.count(200)
    assert checked <= 3
    assert codes.count(429) == 12 - checked
    assert audit_actions(throttled_app).count("login_failed") == checked


def test_current_password_check_is_throttled_and_audited(throttled_app):
    user_id, _ = make_account(throttled_app, Role.ORGANISER)
    client = throttled_app.test_client()
    with throttled_app.app_context():
        login_as(client, db.session.get(User, user_id))
    change = {"new_password": "a brand new passphrase", "confirm": "a brand new passphrase"}

    def check(current: str) -> int:
        data = {"current_password": current, **change}
        address = {"REMOTE_ADDR": "10.0.0.1"}
        return client.post("/account", data=data, environ_base=address).status_code

    assert [check(WRONG) for _ in range(3)] == [200, 200, 200]
    assert check(factories.PASSWORD) == 429
    assert audit_actions(throttled_app) == ["password_failed"] * 3 + ["password_throttled"]
    # Another address is not slowed by this one's failures.
    other = client.post(
        "/account",
        data={"current_password": factories.PASSWORD, **change},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 302
