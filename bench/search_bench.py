"""Search throughput on the ten-year data set against a bare Flask hello-world app.

Runs the tracker under gunicorn (2 workers, 127.0.0.1, a free port) on SQLite and, when a
PostgreSQL URL is given (--postgres-url or TRACKER_TEST_POSTGRES_URL), on PostgreSQL; loads
`flask generate-data --years 10` (which also builds the search index); then times typical
two-word searches (anonymous reader, every request a distinct address so the page cache never
answers) beside a bare Flask hello-world app and the tracker's own trivial route, served the
same way. Loops are bounded.

    .venv/bin/python bench/search_bench.py [--requests 300] [--clients 2]

Goal: search >= 0.2x the hello-world app's requests/second.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOAL_RATIO = 0.2
QUERIES = [
    "health data",
    "public procurement",
    "data spaces",
    "talent mobility",
    "compute access",
    "skills programme",
    "regulation roadmap",
    "ethics gdpr",
]


def fetch(port: int, path: str) -> tuple[int, float, str]:
    """One GET on a new connection: (status, seconds, X-Page-Cache header)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        cache = response.getheader("X-Page-Cache", "")
        return response.status, time.perf_counter() - started, cache
    finally:
        connection.close()


def client_loop(args: tuple[int, list[str], int]) -> list[float]:
    """A client process: n sequential requests cycling over paths; their latencies."""
    port, paths, n = args
    latencies = []
    for i in range(n):
        path = paths[i % len(paths)]
        status, seconds, cache = fetch(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        if cache == "hit" and path.startswith("/search"):
            raise RuntimeError(f"{path} came from the page cache")
        latencies.append(seconds)
    return latencies


def load(pool, port: int, paths: list[str], requests: int, clients: int) -> dict[str, float]:
    """p50, p99 (ms) and requests/second over paths with `clients` concurrent clients."""
    for i, path in enumerate(paths[:10]):
        fetch(port, f"{path}{'&' if '?' in path else '?'}warm={i}")
    per_client = max(1, requests // clients)
    jobs = [(port, paths[c::clients] or paths, per_client) for c in range(clients)]
    started = time.perf_counter()
    results = pool.map(client_loop, jobs)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for chunk in results for x in chunk)
    quantiles = statistics.quantiles(latencies, n=100)
    rps = len(latencies) / elapsed
    return {"p50": quantiles[49] * 1000, "p99": quantiles[98] * 1000, "rps": rps}


def run(command: list[str], env: dict[str, str]) -> str:
    """Run a flask command in the repository; its output."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def start_gunicorn(app_spec: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn (the tracker's settings) serving app_spec from bench/; (process, port)."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:tracker.gunicorn_conf",
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
        if found and text_.count("Booting worker") >= 2:
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


def search_paths(count: int) -> list[str]:
    """Distinct addresses of the typical queries (a nonce keeps the page cache out)."""
    return [f"/search?q={QUERIES[i % len(QUERIES)].replace(' ', '+')}&n={i}" for i in range(count)]


def hello_world(env: dict[str, str], args: argparse.Namespace, workdir: Path) -> dict[str, float]:
    """Requests/second of the bare hello-world app under the same gunicorn settings."""
    server, port = start_gunicorn("hello_app:create_hello_app()", env, workdir / "hello.log")
    try:
        with multiprocessing.Pool(args.clients) as pool:
            return load(pool, port, ["/"], args.requests, args.clients)
    finally:
        stop(server)


def bench_backend(name: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    """Migrate, generate, serve and measure one database."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "BIND": "127.0.0.1:0",
        "WEB_CONCURRENCY": "2",
        "PYTHONPATH": str(ROOT),
    }
    flask = [str(BIN / "flask"), "--app", "tracker"]
    run([*flask, "db", "upgrade"], env)
    print(f"\n## {name}\n{run([*flask, 'generate-data', '--years', '10', '--seed', '1'], env)}")
    print(run([*flask, "search", "reindex"], env))
    hello = [hello_world(env, args, workdir)]
    server, port = start_gunicorn("bench_app:create_bench_app()", env, workdir / f"{name}.log")
    paths = search_paths(args.requests + 20)
    try:
        with multiprocessing.Pool(args.clients) as pool:
            trivial = load(pool, port, ["/_bench/trivial"], args.requests, args.clients)
            found = load(pool, port, paths, args.requests, args.clients)
    finally:
        stop(server)
    hello.append(hello_world(env, args, workdir))
    floor = statistics.mean(h["rps"] for h in hello)
    print(f"\n{'what':<34} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'ratio':>6}")
    h = hello[0]
    print(f"{'bare Flask hello world':<34} {h['p50']:8.1f} {h['p99']:8.1f} {floor:8.0f} {1:6.2f}")
    for label, result in (("tracker trivial route", trivial), ("search, two words", found)):
        ratio = result["rps"] / floor
        verdict = "ok" if ratio >= GOAL_RATIO else f"BELOW {GOAL_RATIO}x"
        verdict = verdict if label.startswith("search") else ""
        print(
            f"{label:<34} {result['p50']:8.1f} {result['p99']:8.1f} {result['rps']:8.0f} "
            f"{ratio:6.2f} {verdict}"
        )
    print(f"search / trivial route: {found['rps'] / trivial['rps']:.2f}")


def main() -> None:
    """Parse arguments and bench each database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client processes")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_TEST_POSTGRES_URL", ""),
        help="admin URL of a PostgreSQL server (a throw-away database is made there)",
    )
    args = parser.parse_args()
    print(f"{args.requests} requests each, {args.clients} clients, gunicorn 2 workers")
    print("queries: " + ", ".join(QUERIES))
    with tempfile.TemporaryDirectory(prefix="tracker-search-bench-") as tmp:
        workdir = Path(tmp)
        bench_backend("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args, workdir)
        if not args.postgres_url:
            print("\nPostgreSQL skipped: give --postgres-url or set TRACKER_TEST_POSTGRES_URL.")
            return
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        name = f"search_bench_{os.getpid()}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres_url).set(database=name)
            bench_backend("PostgreSQL", url.render_as_string(hide_password=False), args, workdir)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
