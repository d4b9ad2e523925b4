"""Load bench: 50 concurrent clients for 30 s against gunicorn (2 workers) on SQLite.

Clients mix page reads, calendar feed fetches (skipped, and said so, when no feed URL answers)
and edits by logged-in organisers (GET the form for its CSRF token and version, then POST).
Every edit writes a unique marker; afterwards the audit trail must hold every saved marker and
each record its client's last one, or the edit counts as lost.

    .venv/bin/python bench/load_bench.py [--clients 50] [--seconds 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench organiser passphrase"
READ_PATHS = ["/", "/series/", "/organisations/", "/meetings/", "/deliverables/", "/topics/"]
FEED_CANDIDATES = [
    "/feeds/meetings.ics",
    "/calendar/all.ics",
    "/calendar/feed.ics",
    "/feeds/all.ics",
    "/meetings.ics",
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx responses back instead of following them."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Stats:
    """What all clients saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    edits_saved: list[tuple[int, str]] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, seconds: float) -> None:
        """Record one request's latency."""
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(workdir: Path, organisations: int) -> dict[str, str]:
    """A migrated SQLite database with demo data, one organiser and records to edit."""
    env = {
        **os.environ,
        "TRACKER_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "TRACKER_PUBLIC_READ": "true",
    }
    flask = [str(BIN / "flask"), "--app", "tracker"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [*flask, "user", "create", "bench@example.org", "--role", "organiser"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        input=PASSWORD + "\n",
        text=True,
    )
    sys.path.insert(0, str(ROOT))
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Organisation, OrganisationKind

    app = create_app("development", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"])
    with app.app_context():
        for n in range(organisations):
            db.session.add(
                Organisation(
                    name=f"Bench organisation {n}",
                    short_name=f"BENCH{n}",
                    country="BG",
                    kind=OrganisationKind.NATIONAL_AI,
                    timezone="Europe/Sofia",
                )
            )
        db.session.commit()
        db.engine.dispose()
    return env


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    """gunicorn on 127.0.0.1:port; waits until /healthz answers."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "tracker:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def opener() -> urllib.request.OpenerDirector:
    """A browser-like client with its own cookie jar that does not follow redirects."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())


def fetch(
    client: urllib.request.OpenerDirector,
    url: str,
    data: dict[str, str] | None = None,
    cookie: str = "",
) -> tuple[int, str]:
    """GET (or POST data); the status and body. HTTP errors give their status, network
    errors and timeouts status 0."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie} if cookie else {})
    try:
        with client.open(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:
        return 0, repr(error)


def log_in(base: str) -> str:
    """Log the organiser in; the session cookie ("session=...") for the clients to present."""
    jar = http.cookiejar.CookieJar()
    client = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    _, page = fetch(client, base + "/login")
    form = {"csrf_token": hidden("csrf_token", page), "email": "bench@example.org"}
    status, _ = fetch(client, base + "/login", {**form, "password": PASSWORD})
    if status != 302:
        raise SystemExit(f"the organiser could not log in ({status})")
    fetch(client, base + "/account")  # puts the CSRF secret into the session cookie
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def hidden(name: str, page: str) -> str:
    """The value of a named input on a page."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return match.group(1) if match else ""


def form_values(page: str) -> dict[str, str]:
    """Every input, selected option and textarea of the edit form, as a browser sends them."""
    start = max(page.find('<form method="post" class'), page.find('<form method="post" novalidate'))
    form = page[start:]
    values: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        values.setdefault(name, value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = next((o for o in re.findall(r"<option[^>]*>", body) if "selected" in o), "")
        found = re.search(r'value="([^"]*)"', chosen)
        values[name] = found.group(1) if found else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = body.strip()
    return {
        k: v.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
        for k, v in values.items()
    }


def run_client(
    n: int,
    base: str,
    organisation_id: int,
    feed: str | None,
    cookie: str,
    deadline: float,
    stats: Stats,
) -> None:
    """One simulated user (an organiser's browser tab) working until the deadline."""
    client = opener()
    rng = random.Random(n)
    edits = 0
    while time.monotonic() < deadline:
        roll = rng.random()
        started = time.perf_counter()
        if roll < 0.15 and feed:
            kind, (status, _) = "feed", fetch(client, base + feed, cookie=cookie)
            ok = status == 200
        elif roll < 0.30:
            kind = "edit"
            url = f"{base}/organisations/{organisation_id}/edit"
            status, page = fetch(client, url, cookie=cookie)
            ok = status == 200
            if ok:
                values = form_values(page)
                marker = f"bench edit {n}-{edits}"
                values["description"] = marker
                status, _ = fetch(client, url, values, cookie=cookie)
                ok = status in (302, 409)
                with stats.lock:
                    if status == 302:
                        stats.edits_saved.append((organisation_id, marker))
                    elif status == 409:
                        stats.conflicts += 1
                edits += 1
        else:
            kind, (status, _) = (
                "read",
                fetch(client, base + rng.choice(READ_PATHS), cookie=cookie if n % 2 else ""),
            )
            ok = status == 200
        stats.note(kind, time.perf_counter() - started)
        if not ok:
            with stats.lock:
                stats.failures.append(f"client {n}: {kind} answered {status}")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which fraction of values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def lost_edits(database: Path, stats: Stats) -> list[str]:
    """Saved edits missing from the audit trail, or not the record's final state."""
    db = sqlite3.connect(database)
    try:
        audited = {
            json.loads(changes).get("description", [None, None])[1]
            for (changes,) in db.execute(
                "SELECT changes FROM audit_event WHERE entity='organisation' AND action='update'"
            )
        }
        final = dict(db.execute("SELECT id, description FROM organisation"))
    finally:
        db.close()
    lost = [marker for _, marker in stats.edits_saved if marker not in audited]
    last: dict[int, str] = {}
    for organisation_id, marker in stats.edits_saved:
        last[organisation_id] = marker
    lost += [f"final state of {oid}" for oid, marker in last.items() if final[oid] != marker]
    return lost


def main() -> int:
    """Prepare, start gunicorn, run the clients, verify and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--feed", action="append", default=[], help="feed path(s) to try first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        workdir = Path(tmp)
        env = prepare(workdir, args.clients)
        port = free_port()
        server = start_gunicorn(env, port, args.workers)
        base = f"http://127.0.0.1:{port}"
        try:
            probe = opener()
            feed = next(
                (p for p in args.feed + FEED_CANDIDATES if fetch(probe, base + p)[0] == 200), None
            )
            if feed is None:
                print("Feeds: no calendar feed answers yet (404) - feed fetches skipped.")
            db = sqlite3.connect(workdir / "bench.sqlite3")
            ids = [
                i
                for (i,) in db.execute(
                    "SELECT id FROM organisation WHERE name LIKE 'Bench organisation %' ORDER BY id"
                )
            ]
            db.close()
            # A few logins (argon2 is slow on purpose), shared like tabs of one browser.
            cookies = [log_in(base) for _ in range(min(5, args.clients))]
            stats = Stats()
            started = time.monotonic()
            deadline = started + args.seconds
            threads = [
                threading.Thread(
                    target=run_client,
                    args=(
                        n,
                        base,
                        ids[n % len(ids)],
                        feed,
                        cookies[n % len(cookies)],
                        deadline,
                        stats,
                    ),
                )
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 120)
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        lost = lost_edits(workdir / "bench.sqlite3", stats)
    everything = [s for values in stats.latencies.values() for s in values]
    print(f"Clients {args.clients}, {args.seconds:.0f} s, gunicorn {args.workers} workers, SQLite")
    print(f"Requests: {len(everything)} in {elapsed:.1f} s = {len(everything) / elapsed:.1f}/s")
    for kind, values in sorted(stats.latencies.items()):
        print(
            f"  {kind:5} n={len(values):6}  p50={percentile(values, 0.5) * 1000:7.1f} ms"
            f"  p99={percentile(values, 0.99) * 1000:7.1f} ms"
        )
    print(f"p99 latency (all): {percentile(everything, 0.99) * 1000:.1f} ms")
    print(f"Failed requests: {len(stats.failures)}")
    for failure in stats.failures[:10]:
        print(f"  {failure}")
    print(f"Edits saved: {len(stats.edits_saved)}, conflicts refused (409): {stats.conflicts}")
    print(f"Lost edits: {len(lost)}")
    return 1 if stats.failures or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
