"""Production run: gunicorn config, flask db upgrade, /healthz, request log and request ids."""

from __future__ import annotations

import importlib
import json
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker import ROOT, create_app
from tracker.extensions import db
from tracker.request_log import logger as request_logger

BIN = Path(sys.executable).parent


class Lines(logging.Handler):
    """Collects the request log's lines."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def request_lines() -> Iterator[Lines]:
    """The request log lines written during the test."""
    handler = Lines()
    request_logger.addHandler(handler)
    yield handler
    request_logger.removeHandler(handler)


# --- gunicorn config -------------------------------------------------------------------------


def load_conf(monkeypatch, **env):
    for name in ("BIND", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import tracker.gunicorn_conf as conf

    return importlib.reload(conf)


def test_gunicorn_conf_defaults(monkeypatch):
    monkeypatch.delenv("TRACKER_ENV", raising=False)
    conf = load_conf(monkeypatch)
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.workers == 2
    assert conf.accesslog is None and conf.preload_app is False
    assert conf.wsgi_app == "tracker:create_app()"
    assert os.environ["TRACKER_ENV"] == "production"


def test_gunicorn_conf_reads_port_bind_and_workers(monkeypatch):
    assert load_conf(monkeypatch, PORT="5001").bind == ["127.0.0.1:5001"]
    conf = load_conf(monkeypatch, PORT="5001", BIND="0.0.0.0:9000", WEB_CONCURRENCY="5")
    assert conf.bind == ["0.0.0.0:9000"] and conf.workers == 5
    assert load_conf(monkeypatch, WEB_CONCURRENCY="lots").workers == 2


# --- a real gunicorn -------------------------------------------------------------------------


def reader(stream, lines: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line.rstrip("\n"))


def wait_for(lines: queue.Queue, seen: list[str], pattern: str, count: int = 1) -> list[str]:
    """Read gunicorn's output until pattern has appeared count times; its matches."""
    deadline = time.monotonic() + 30
    while len([s for s in seen if re.search(pattern, s)]) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"gunicorn never said {pattern!r}:\n" + "\n".join(seen))
        try:
            seen.append(lines.get(timeout=remaining))
        except queue.Empty:
            continue
    return [m.group(0) for s in seen if (m := re.search(pattern, s))]


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


@pytest.mark.slow
def test_gunicorn_serves_the_migrated_app_with_two_workers(empty_database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": empty_database_url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": "x" * 48,
        "BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "2",
    }
    upgrade = subprocess.run(
        [str(BIN / "flask"), "--app", "tracker", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgrade.returncode == 0, upgrade.stderr
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:tracker.gunicorn_conf"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    thread = threading.Thread(target=reader, args=(server.stderr, lines), daemon=True)
    thread.start()
    seen: list[str] = []
    try:
        listening = wait_for(lines, seen, r"Listening at: http://127\.0\.0\.1:\d+")[0]
        base = listening.removeprefix("Listening at: ")
        assert len(wait_for(lines, seen, r"Booting worker with pid", count=2)) == 2
        status, _, body = get(f"{base}/healthz")
        assert status == 200 and json.loads(body)["database"] == "ok"
        status, headers, body = get(f"{base}/", {"X-Request-ID": "gunicorn-test-1"})
        assert status == 200 and "What's next" in body
        assert headers["X-Request-ID"] == "gunicorn-test-1"
        logged = wait_for(lines, seen, r'\{.*"request_id":"gunicorn-test-1".*\}')[0]
        record = json.loads(logged)
        assert record["method"] == "GET" and record["path"] == "/" and record["status"] == 200
        assert not any('"GET / HTTP/1.1"' in line for line in seen), "access log must be off"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        thread.join(timeout=10)
        server.stderr.close()
    assert server.returncode == 0


# --- /healthz --------------------------------------------------------------------------------


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite:///{tmp_path}", id="sqlite-directory"),
        pytest.param("postgresql+psycopg://postgres@127.0.0.1:1/nowhere", id="postgresql-down"),
    ],
)
def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url.format(tmp_path=tmp_path))
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


def test_healthz_is_public_in_private_mode(client, app):
    app.config["TRACKER_PUBLIC_READ"] = False
    assert client.get("/").status_code == 302
    assert client.get("/healthz").status_code == 200


# --- request log and request ids -------------------------------------------------------------


def test_one_json_line_per_request(client, request_lines):
    response = client.get("/organisations/?country=BG")
    assert response.status_code == 200
    (record,) = request_lines.records()
    assert record["method"] == "GET"
    assert record["path"] == "/organisations/"
    assert record["query"] == "country=BG"
    assert record["status"] == 200
    assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0
    assert re.fullmatch(r"[0-9a-f]{32}", record["request_id"])
    assert response.headers["X-Request-ID"] == record["request_id"]


def test_a_valid_request_id_is_kept_and_a_bad_one_replaced(client, request_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42"
    for bad in ("has space", "x" * 200, "<script>", "ümlaut"):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert request_lines.records()[0]["request_id"] == "lb-7f3a.42"
    assert len(request_lines.lines) == 5


def test_feed_tokens_and_token_parameters_are_not_logged(client, request_lines):
    client.get("/feeds/private/s3cr3t-feed-token/meetings.ics")
    client.get("/feeds/private/s3cr3t-feed-token.ics")
    client.get("/meetings/?token=s3cr3t-query&page=2&api_key=s3cr3t-key")
    text = "\n".join(request_lines.lines)
    assert "s3cr3t" not in text
    paths = [r["path"] for r in request_lines.records()]
    assert paths[0] == "/feeds/private/[redacted]/[redacted]"
    assert paths[1] == "/feeds/private/[redacted]"
    assert "page=2" in request_lines.records()[2]["query"]


def test_passwords_are_not_logged(client, organiser, request_lines):
    client.post("/login", data={"email": organiser.email, "password": "hunter2-secret-pw"})
    assert request_lines.lines
    assert "hunter2" not in "\n".join(request_lines.lines)


def test_error_pages_show_the_request_id(app, client, request_lines):
    def explode() -> str:
        raise RuntimeError("forced failure")

    app.add_url_rule("/test-only/explode", "test_only_explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/test-only/explode", headers={"X-Request-ID": "req-500-abc"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "req-500-abc" in page
    assert "forced failure" not in page
    assert request_lines.records()[-1]["status"] == 500
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["X-Request-ID"] in missing.get_data(as_text=True)


def test_csrf_refusal_page_shows_the_request_id(client, organiser):
    from tests.conftest import login_as

    login_as(client, organiser)
    response = client.post("/organisations/new", data={}, csrf=False)
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)
