"""Latency, throughput and worker memory of the main pages on the ten-year data set.

Runs the tracker under gunicorn (2 workers, 127.0.0.1, a free port) on SQLite and, when a
PostgreSQL URL is given (--postgres-url or TRACKER_TEST_POSTGRES_URL), on PostgreSQL; loads
`flask generate-data --years 10`; then times the home page, a meeting page, the deliverables
board and the full feed beside a trivial route of the same app. Loops are bounded.

    .venv/bin/python bench/pages_bench.py [--requests 300] [--clients 2]

Goals: every page >= 0.2x the trivial route's requests/second; peak RSS < 150 MB per worker.
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
FEEDS = ["/feeds/meetings.ics", "/calendar/meetings.ics", "/feeds/all.ics", "/meetings.ics"]
GOAL_RATIO = 0.2
GOAL_MB = 150


def fetch(port: int, path: str) -> tuple[int, float]:
    """One GET on a new connection: (status, seconds)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def client_loop(args: tuple[int, str, int]) -> list[float]:
    """A client process: n sequential requests; their latencies in seconds."""
    port, path, n = args
    latencies = []
    for _ in range(n):
        status, seconds = fetch(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        latencies.append(seconds)
    return latencies


def load(pool, port: int, path: str, requests: int, clients: int) -> dict[str, float]:
    """p50, p99 (ms) and requests/second of path with `clients` concurrent clients."""
    for _ in range(10):
        fetch(port, path)
    per_client = max(1, requests // clients)
    started = time.perf_counter()
    results = pool.map(client_loop, [(port, path, per_client)] * clients)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for chunk in results for x in chunk)
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "p50": quantiles[49] * 1000,
        "p99": quantiles[98] * 1000,
        "rps": len(latencies) / elapsed,
    }


def worker_memory(master: int) -> list[tuple[int, float, float]]:
    """(pid, peak RSS MB, current RSS MB) of each gunicorn worker of master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    memory = []
    for pid in map(int, children):
        status = Path(f"/proc/{pid}/status").read_text()
        hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
        memory.append((pid, hwm, rss))
    return memory


def run(command: list[str], env: dict[str, str]) -> str:
    """Run a flask command in the repository; its output."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def start_gunicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn with the bench app; (process, port)."""
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:tracker.gunicorn_conf",
            "--pythonpath",
            str(ROOT / "bench"),
            "bench_app:create_bench_app()",
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
    started = time.perf_counter()
    print(f"\n## {name}\n{run([*flask, 'generate-data', '--years', '10', '--seed', '1'], env)}")
    print(f"(generate-data wall time including start-up: {time.perf_counter() - started:.1f} s)")
    engine = create_engine(url)
    with engine.connect() as connection:
        meeting_id = connection.execute(
            text(
                "SELECT meeting_id FROM participation GROUP BY meeting_id "
                "ORDER BY count(*) DESC, meeting_id LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    server, port = start_gunicorn(env, workdir / f"gunicorn-{name}.log")
    try:
        pages = [("home page", "/"), ("meeting page", f"/meetings/{meeting_id}")]
        pages.append(("deliverables board", "/deliverables/board"))
        feed = next((p for p in FEEDS if fetch(port, p)[0] == 200), None)
        pages.append(("full feed", feed or FEEDS[0]))
        with multiprocessing.Pool(args.clients) as pool:
            trivial = [load(pool, port, "/_bench/trivial", args.requests, args.clients)]
            rows = []
            for label, path in pages:
                status = fetch(port, path)[0]
                if status != 200:
                    rows.append((label, path, None, f"skipped: {path} answered {status}"))
                    continue
                rows.append((label, path, load(pool, port, path, args.requests, args.clients), ""))
            trivial.append(load(pool, port, "/_bench/trivial", args.requests, args.clients))
        baseline = statistics.mean(t["rps"] for t in trivial)
        print(f"\n{'page':<20} {'path':<28} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'ratio':>6}")
        t = trivial[0]
        print(
            f"{'trivial route':<20} {'/_bench/trivial':<28} {t['p50']:8.1f} {t['p99']:8.1f} "
            f"{baseline:8.0f} {1:6.2f}"
        )
        for label, path, result, note in rows:
            if result is None:
                print(f"{label:<20} {path:<28} {note}")
                continue
            ratio = result["rps"] / baseline
            verdict = "ok" if ratio >= GOAL_RATIO else f"BELOW {GOAL_RATIO}x"
            print(
                f"{label:<20} {path:<28} {result['p50']:8.1f} {result['p99']:8.1f} "
                f"{result['rps']:8.0f} {ratio:6.2f} {verdict}"
            )
        for pid, hwm, rss in worker_memory(server.pid):
            verdict = "ok" if hwm < GOAL_MB else f"ABOVE {GOAL_MB} MB"
            print(f"worker {pid}: peak RSS {hwm:.1f} MB (now {rss:.1f} MB) {verdict}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    """Parse arguments and bench each database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client processes")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_TEST_POSTGRES_URL", ""),
        help="admin URL of a PostgreSQL server (a throw-away database is made there)",
    )
    args = parser.parse_args()
    print(f"{args.requests} requests per page, {args.clients} clients, gunicorn 2 workers")
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        bench_backend("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args, workdir)
        if not args.postgres_url:
            print("\nPostgreSQL skipped: give --postgres-url or set TRACKER_TEST_POSTGRES_URL.")
            return
        admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
        name = f"production_bench_{os.getpid()}"
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
