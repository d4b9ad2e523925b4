"""Throughput of the main pages on the ten-year data set, for members and anonymous readers.

Runs the tracker under gunicorn (2 workers, the production settings) on SQLite and, when a
PostgreSQL URL is given (--postgres-url or TRACKER_TEST_POSTGRES_URL), on PostgreSQL; loads
`flask generate-data --years 10`; then drives each main page with wrk (4 connections) as an
anonymous reader and as a logged-in organiser, beside a bare Flask hello-world app served the
same way and measured in the same run: right before each page, in several rounds, so each
ratio compares two runs seconds apart on a shared machine; the median ratio is shown.

    .venv/bin/python bench/pages_bench.py [--seconds 4] [--rounds 3] [--postgres-url URL]

Goals: logged in, every page >= 0.1x hello-world; anonymous >= 0.2x; peak RSS < 150 MB a worker.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from common import (
    HELLO_APP,
    TRACKER_APP,
    Load,
    create_member,
    each_database,
    fetch,
    load_average,
    log_in,
    parser,
    prepare_data,
    serving,
    tracker_env,
    worker_memory,
    wrk,
)
from sqlalchemy import create_engine, text

GOALS = {"anonymous": 0.2, "logged in": 0.1}
GOAL_MB = 150
MEMBER = "bench.organiser@example.org"


def busiest_meeting(url: str) -> int:
    """The meeting with the most participating organisations."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT meeting_id FROM participation GROUP BY meeting_id "
                        "ORDER BY count(*) DESC, meeting_id LIMIT 1"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def main_pages(meeting_id: int) -> list[tuple[str, str]]:
    """(label, path) of the main pages."""
    return [
        ("home", "/"),
        ("meeting list", "/meetings/"),
        ("a meeting", f"/meetings/{meeting_id}"),
        ("board", "/deliverables/board"),
        ("deliverables", "/deliverables/"),
        ("dashboard", "/dashboard"),
    ]


def bench_backend(name: str, url: str, args: argparse.Namespace, workdir: Path) -> None:
    """Migrate, generate, serve and measure one database."""
    env = tracker_env(url)
    print(f"\n## {name}\n{prepare_data(env, args.years)}")
    create_member(env, "organiser", MEMBER)
    pages = main_pages(busiest_meeting(url))
    print(f"before: {load_average()}")
    with (
        serving(HELLO_APP, env, workdir / f"hello-{name}.log") as (hello_port, _),
        serving(TRACKER_APP, env, workdir / f"tracker-{name}.log") as (port, master),
    ):
        cookie = log_in(port, MEMBER)
        for _, path in pages:
            page = fetch(port, path, cookie)
            if page.status != 200 or MEMBER not in page.body:
                raise SystemExit(f"{path} as {MEMBER}: {page.status}, not logged in")
            for _ in range(3):
                fetch(port, path)
                fetch(port, path, cookie)
        trivial, hello_rps = [], []
        results: dict[tuple[str, str], list[tuple[Load, float]]] = {}
        for _ in range(args.rounds):
            floor = wrk(hello_port, "/", args.seconds, args.connections).rps
            hello_rps.append(floor)
            trivial.append(wrk(port, "/_bench/trivial", args.seconds, args.connections).rps / floor)
            for label, path in pages:
                for who, session in (("anonymous", ""), ("logged in", cookie)):
                    # Each page right after its own hello-world run: the machine is shared,
                    # so the floor is taken as close in time to the page as it can be.
                    floor = wrk(hello_port, "/", args.seconds, args.connections).rps
                    hello_rps.append(floor)
                    load = wrk(port, path, args.seconds, args.connections, session)
                    results.setdefault((label, who), []).append((load, load.rps / floor))
        memory = worker_memory(master)
    print(f"after: {load_average()}")
    print(
        f"\nhello-world: median {statistics.median(hello_rps):.0f} req/s "
        f"(from {min(hello_rps):.0f} to {max(hello_rps):.0f} over {len(hello_rps)} runs)"
    )
    print(f"tracker trivial route: median {statistics.median(trivial):.2f}x hello-world")
    print(
        f"\n{'page':<14} {'who':<10} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7} "
        f"{'ratio':>6}  ratios of the {args.rounds} rounds"
    )
    for (label, who), runs in results.items():
        ratios = [ratio for _, ratio in runs]
        ratio = statistics.median(ratios)
        middle = sorted(runs, key=lambda run: run[1])[len(runs) // 2][0]
        goal = GOALS[who]
        errors = sum(load.errors for load, _ in runs)
        verdict = "ok" if ratio >= goal else f"BELOW {goal}x"
        if errors:
            verdict += f", {errors} errors"
        print(
            f"{label:<14} {who:<10} {middle.p50:7.1f} {middle.p99:7.1f} {middle.rps:7.0f} "
            f"{ratio:6.3f}  {' '.join(f'{r:.3f}' for r in ratios)}  {verdict}"
        )
    for pid, hwm, rss in memory:
        verdict = "ok" if hwm < GOAL_MB else f"ABOVE {GOAL_MB} MB"
        print(f"worker {pid}: peak RSS {hwm:.1f} MB (now {rss:.1f} MB) {verdict}")


def main() -> None:
    """Parse arguments and bench each database."""
    options = parser(__doc__)
    options.add_argument("--rounds", type=int, default=3, help="measurements of each page")
    args = options.parse_args()
    print(
        f"wrk {args.connections} connections, {args.seconds:g} s per address, {args.rounds} "
        "rounds (the median ratio is shown), gunicorn 2 workers"
    )
    each_database(args, "pages_bench", lambda name, url, tmp: bench_backend(name, url, args, tmp))


if __name__ == "__main__":
    main()
