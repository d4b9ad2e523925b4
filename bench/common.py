"""What the page and search benches share: servers, databases, logins, wrk and the CLI.

Every bench runs the tracker under gunicorn with the production settings (tracker.gunicorn_conf,
2 workers, 127.0.0.1, a free port) beside a bare Flask hello-world app (bench/hello_app.py)
served the same way, which is the floor every ratio is measured against in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HELLO_APP = "hello_app:create_hello_app()"
TRACKER_APP = "bench_app:create_bench_app()"
BENCH_PASSWORD = "bench-password-0123456789"  # a throw-away bench account
WORKERS = 2


@dataclass
class Reply:
    """One HTTP answer: status, headers of interest and body."""

    status: int
    seconds: float
    body: str
    cache: str
    location: str
    cookies: dict[str, str]


def fetch(
    port: int, path: str, cookie: str = "", method: str = "GET", form: dict[str, str] | None = None
) -> Reply:
    """One request on a new connection."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return Reply(
            response.status,
            time.perf_counter() - started,
            data,
            response.getheader("X-Page-Cache", ""),
            response.getheader("Location", ""),
            cookies,
        )
    finally:
        connection.close()


def run(command: list[str], env: dict[str, str], stdin: str | None = None) -> str:
    """Run a command in the repository; its output."""
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, input=stdin
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def flask(env: dict[str, str], *arguments: str, stdin: str | None = None) -> str:
    """Run `flask --app tracker ...` against env's database; its output."""
    return run([str(BIN / "flask"), "--app", "tracker", *arguments], env, stdin)


def tracker_env(url: str) -> dict[str, str]:
    """Environment for the tracker in production mode on the database at url."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "SESSION_COOKIE_SECURE": "0",
        "BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": str(WORKERS),
        "LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }


def prepare_data(env: dict[str, str], years: int = 10, reindex: bool = False) -> str:
    """Migrate, generate the data set (and the search index); what generate-data said."""
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    said = flask(env, "generate-data", "--years", str(years), "--seed", "1")
    said += f"\n(generate-data wall time including start-up: {time.perf_counter() - started:.1f} s)"
    if reindex:
        said += "\n" + flask(env, "search", "reindex")
    return said


def create_member(env: dict[str, str], role: str, email: str) -> None:
    """A user of role with the bench password."""
    flask(env, "user", "create", email, "--role", role, "--name", email, stdin=BENCH_PASSWORD)


def log_in(port: int, email: str) -> str:
    """Log in through the form; the Cookie header of the signed-in session."""
    page = fetch(port, "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body)
    if token is None:
        raise SystemExit("no form token on /login")
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    form = {"csrf_token": token[1], "email": email, "password": BENCH_PASSWORD}
    answer = fetch(port, "/login", cookie, "POST", form)
    if answer.status not in (302, 303) or "session" not in answer.cookies:
        raise SystemExit(f"login as {email} failed: {answer.status}")
    session = answer.cookies["session"]
    # Read the welcome message and let the session settle, as a browser's next page would:
    # a cookie with a message still waiting would never be answered from the page cache.
    for _ in range(5):
        changed = fetch(port, "/", f"session={session}").cookies.get("session")
        if not changed or changed == session:
            break
        session = changed
    return f"session={session}"


def start_gunicorn(app_spec: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn (the tracker's settings) serving app_spec from bench/; (process, port)."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:tracker.gunicorn_conf",
            "--log-level",
            "info",
            "--pythonpath",
            str(ROOT / "bench"),
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text_ = log.read_text()
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text_)
        if found and text_.count("Booting worker") >= WORKERS:
            port = int(found.group(1))
            fetch(port, "/healthz")
            return server, port
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """SIGTERM, then kill after 30 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


@contextmanager
def serving(app_spec: str, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """(port, master pid) of gunicorn serving app_spec, stopped afterwards."""
    server, port = start_gunicorn(app_spec, env, log)
    try:
        yield port, server.pid
    finally:
        stop(server)


def wrk_binary() -> str:
    """The wrk load generator (apt-get install wrk)."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    return found


@dataclass
class Load:
    """What wrk measured for one address."""

    rps: float
    p50: float
    p99: float
    errors: int  # answers other than 2xx/3xx, and requests that timed out (after 10 s)


def wrk(port: int, path: str, seconds: float, connections: int, cookie: str = "") -> Load:
    """Requests/second and latency (ms) of path under wrk with `connections` connections."""
    command = [
        wrk_binary(),
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    errors = sum(int(found[1]) for found in (non_2xx, timeouts) if found)
    return Load(rps, latency(out, "50%"), latency(out, "99%"), errors)


def latency(out: str, quantile: str) -> float:
    """A latency quantile from wrk's --latency table, in milliseconds."""
    found = re.search(rf"{quantile}\s+([\d.]+)(us|ms|s)\b", out)
    if found is None:
        return float("nan")
    value, unit = float(found[1]), found[2]
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def worker_memory(master: int) -> list[tuple[int, float, float]]:
    """(pid, peak RSS MB, current RSS MB) of each gunicorn worker of master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    memory = []
    for pid in map(int, children):
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]
        memory.append((pid, hwm, rss))
    return memory


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages and core count."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def parser(doc: str) -> argparse.ArgumentParser:
    """The options every bench takes."""
    options = argparse.ArgumentParser(description=doc.splitlines()[0])
    options.add_argument("--seconds", type=float, default=5, help="wrk duration per address")
    options.add_argument("--connections", type=int, default=4, help="wrk connections")
    options.add_argument("--years", type=int, default=10, help="years of generated data")
    options.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_TEST_POSTGRES_URL", ""),
        help="admin URL of a PostgreSQL server (a throw-away database is made there)",
    )
    options.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    return options


def each_database(
    args: argparse.Namespace, prefix: str, bench: Callable[[str, str, Path], None]
) -> None:
    """Call bench(name, url, workdir) on a SQLite file and on a throw-away PostgreSQL database."""
    with tempfile.TemporaryDirectory(prefix=f"tracker-{prefix}-") as tmp:
        workdir = Path(tmp)
        if not args.no_sqlite:
            bench("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", workdir)
        if not args.postgres_url:
            print("\nPostgreSQL skipped: give --postgres-url or set TRACKER_TEST_POSTGRES_URL.")
            return
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        name = f"{prefix}_{os.getpid()}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres_url).set(database=name)
            bench("PostgreSQL", url.render_as_string(hide_password=False), workdir)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
