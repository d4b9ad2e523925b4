"""Time and peak memory of the archive on ten years of data (README, "Measured speed").

Runs each `flask` command as its own process and reads its peak resident memory from wait4:
generate-data, archive export --json, import into a new SQLite file (and, given
TRACKER_BENCH_POSTGRES_URL, into a new PostgreSQL database), export again (compared byte for
byte) and archive export --html. The floor is `flask routes`: the app loaded, nothing done.

    python bench/archive_bench.py [--years 10]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

FLASK = [sys.executable, "-m", "flask", "--app", "tracker"]


def run(args: list[str], database: str) -> tuple[float, float, str]:
    """Run one flask command on database: (seconds, peak RSS in MB, its output)."""
    env = {**os.environ, "DATABASE_URL": database, "TRACKER_ENV": "development"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [*FLASK, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output.strip().splitlines()[-1] if output else ""


def new_postgres(url: str, name: str) -> str:
    """A new, empty PostgreSQL database on the server of url."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    """Measure and print one table row per step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    years = parser.parse_args().years
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = f"sqlite:///{work / 'source.sqlite3'}"
        run(["db", "upgrade"], source)
        rows.append(("floor: flask routes", *run(["routes"], source)))
        rows.append(("generate-data", *run(["generate-data", "--years", str(years)], source)))
        first = work / "first.json"
        rows.append(
            ("export --json (SQLite)", *run(["archive", "export", "--json", str(first)], source))
        )
        targets = [("SQLite", f"sqlite:///{work / 'target.sqlite3'}")]
        postgres = os.environ.get("TRACKER_BENCH_POSTGRES_URL")
        if postgres:
            targets.append(("PostgreSQL", new_postgres(postgres, "tracker_archive_bench")))
        for name, url in targets:
            run(["db", "upgrade"], url)
            rows.append((f"import ({name})", *run(["archive", "import", str(first)], url)))
            again = work / f"again-{name}.json"
            rows.append(
                (f"export --json ({name})", *run(["archive", "export", "--json", str(again)], url))
            )
            assert filecmp.cmp(first, again, shallow=False), f"{name} export differs"
        rows.append(
            (
                "export --html (SQLite)",
                *run(["archive", "export", "--html", str(work / "site")], source),
            )
        )
        size = first.stat().st_size / 1024 / 1024
    print(f"JSON export: {size:.1f} MiB; every re-export identical byte for byte.")
    print("| step | seconds | peak RSS (MB) | output |")
    print("| --- | --- | --- | --- |")
    for step, seconds, peak, output in rows:
        print(f"| {step} | {seconds:.1f} | {peak:.0f} | {output[:90]} |")


if __name__ == "__main__":
    main()
