"""A stalled database answers 503 with Retry-After within seconds, never a hung worker.

PostgreSQL sits behind a TCP proxy in the test that can be paused: it keeps accepting
connections and reading what the app sends, but forwards nothing, as a frozen proxy or a
stalled network path does.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests import factories
from tests.conftest import build_app
from tests.databases import DatabaseServer, require_postgres
from tracker.extensions import db


class PausableProxy:
    """A TCP proxy to host:port that stops forwarding (but keeps accepting) while paused."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = threading.Event()
        self.running.set()
        self.sockets: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def pause(self) -> None:
        """Stop forwarding: data is read and held, new connections are accepted and ignored."""
        self.running.clear()

    def resume(self) -> None:
        """Forward again."""
        self.running.set()

    def accept_loop(self) -> None:
        """Accept clients; while running, connect each to the target and pump both ways."""
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if not self.running.is_set():
                continue  # accepted, never answered
            upstream = socket.create_connection(self.target)
            self.sockets.append(upstream)
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client), daemon=True).start()

    def pump(self, source: socket.socket, target: socket.socket) -> None:
        """Copy bytes from source to target, holding them while paused."""
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                self.running.wait()
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        """Stop and close every socket."""
        self.closed = True
        self.running.set()
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.close()


def timed(call: Callable[[], Any], limit: float) -> tuple[Any, float]:
    """call() in a thread; its result and duration, or a failure if it takes over limit s."""
    result: list[Any] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(limit)
    elapsed = time.monotonic() - started
    if thread.is_alive() or not result:
        pytest.fail(f"no answer within {limit} s: the request hangs on the stalled database")
    return result[0], elapsed


@pytest.fixture
def proxied_url(postgres_server: DatabaseServer) -> Iterator[tuple[str, PausableProxy]]:
    """A schema database on the test PostgreSQL, reached through a pausable proxy."""
    require_postgres()
    url = make_url(postgres_server.schema_database())
    proxy = PausableProxy(url.host or "127.0.0.1", url.port or 5432)
    through = url.set(host="127.0.0.1", port=proxy.port)
    yield through.render_as_string(hide_password=False), proxy
    proxy.close()


def test_stalled_postgresql_answers_503_within_seconds(tmp_path: Path, proxied_url) -> None:
    url, proxy = proxied_url
    app = build_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=url,
        TRACKER_DB_CONNECT_TIMEOUT=2,
        TRACKER_DB_STATEMENT_TIMEOUT=1,
    )
    try:
        with app.app_context():
            factories.make_series(name="Stall test series")
            db.session.commit()
        client = app.test_client()
        assert client.get("/series/").status_code == 200  # a pooled connection exists now

        proxy.pause()
        # On the pooled connection (its answer never comes) ...
        response, elapsed = timed(lambda: client.get("/series/"), 15)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert elapsed < 8
        # ... and on a new connection (the server never answers the handshake).
        response, elapsed = timed(lambda: client.get("/series/"), 15)
        assert response.status_code == 503
        assert elapsed < 8
        health, elapsed = timed(lambda: client.get("/healthz"), 15)
        assert health.status_code == 503
        assert health.get_json() == {"status": "error", "database": "timeout"}
        assert health.headers["Retry-After"] == "30"

        proxy.resume()
        page = client.get("/series/")
        assert page.status_code == 200
        assert "Stall test series" in page.get_data(as_text=True)
    finally:
        proxy.resume()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_slow_statement_is_ended_by_statement_timeout(tmp_path: Path, proxied_url) -> None:
    url, _ = proxied_url
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=url, TRACKER_DB_STATEMENT_TIMEOUT=1)
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(Exception, match="statement timeout"):
            db.session.execute(db.text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 4
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_locked_sqlite_answers_503_within_the_busy_timeout(tmp_path: Path) -> None:
    app = build_app(tmp_path, TRACKER_SQLITE_BUSY_TIMEOUT=1)
    with app.app_context():
        email = factories.make_user().email
    blocker = sqlite3.connect(tmp_path / "test.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        client = app.test_client()
        form = {"email": email, "password": "wrong password!"}
        response, elapsed = timed(lambda: client.post("/login", data=form), 8)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert elapsed < 4
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
