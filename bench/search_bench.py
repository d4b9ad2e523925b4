"""Search throughput on the ten-year data set against a bare Flask hello-world app.

Runs the tracker under gunicorn (2 workers, the production settings) on SQLite and, when a
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
import multiprocessing
import statistics
import time
from pathlib import Path

from common import (
    HELLO_APP,
    TRACKER_APP,
    each_database,
    fetch,
    load_average,
    parser,
    prepare_data,
    serving,
    tracker_env,
)

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


def client_loop(args: tuple[int, list[str], int]) -> list[float]:
    """A client process: n sequential requests cycling over paths; their latencies."""
    port, paths, n = args
    latencies = []
    for i in range(n):
        path = paths[i % len(paths)]
        reply = fetch(port, path)
        if reply.status != 200:
            raise RuntimeError(f"{path} answered {reply.status}")
        if reply.cache == "hit" and path.startswith("/search"):
            raise RuntimeError(f"{path} came from the page cache")
        latencies.append(reply.seconds)
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


def search_paths(count: int) -> list[str]:
    """Distinct addresses of the typical queries (a nonce keeps the page cache out)."""
    return [f"/search?q={QUERIES[i % len(QUERIES)].replace(' ', '+')}&n={i}" for i in range(count)]


def bench_backend(name: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    """Migrate, generate, serve and measure one database."""
    env = tracker_env(url)
    print(f"\n## {name}\n{prepare_data(env, args.years, reindex=True)}")
    print(f"before: {load_average()}")
    paths = search_paths(args.requests + 20)
    with (
        serving(HELLO_APP, env, workdir / f"hello-{name}.log") as (hello_port, _),
        serving(TRACKER_APP, env, workdir / f"{name}.log") as (port, _),
        multiprocessing.Pool(args.clients) as pool,
    ):
        hello = [load(pool, hello_port, ["/"], args.requests, args.clients)]
        trivial = load(pool, port, ["/_bench/trivial"], args.requests, args.clients)
        found = load(pool, port, paths, args.requests, args.clients)
        hello.append(load(pool, hello_port, ["/"], args.requests, args.clients))
    print(f"after: {load_average()}")
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
    options = parser(__doc__)
    options.add_argument("--requests", type=int, default=300, help="requests per measurement")
    options.add_argument("--clients", type=int, default=2, help="concurrent client processes")
    args = options.parse_args()
    print(f"{args.requests} requests each, {args.clients} clients, gunicorn 2 workers")
    print("queries: " + ", ".join(QUERIES))
    each_database(args, "search_bench", lambda name, url, tmp: bench_backend(name, url, args, tmp))


if __name__ == "__main__":
    main()
