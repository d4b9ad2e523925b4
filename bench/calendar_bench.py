"""Calendar feed bench: prints two ratios against their floors/baselines.

(a) full feed: the time to serve the feed of 1,000 upcoming meetings after a change (no cached
    body: query, build, serialise, send) divided by the time the icalendar library alone takes
    to build and serialise the same 1,000 events (the floor). Goal: <= 1.3.
(b) unchanged feed: requests per second of the feed answered 200 (cached body) and 304
    (If-None-Match) relative to a trivial Flask route on the same server. Goal: >= 0.7.

The server is a threaded werkzeug server in a child process on 127.0.0.1 and a free port, on a
throw-away SQLite file. Every loop is bounded. Run: .venv/bin/python bench/calendar_bench.py
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ZONES = ["Europe/Sofia", "Europe/Vienna", "Europe/Belgrade", "Europe/Stockholm", "Europe/London"]
MEETINGS = 1000
FULL_ROUNDS = 9
THROUGHPUT_REQUESTS = 60
THROUGHPUT_ROUNDS = 7


def seed(database_url: str) -> None:
    """1,000 upcoming meetings with organisations and agendas, in five zones."""
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import (
        AgendaItem,
        Meeting,
        Organisation,
        OrganisationKind,
        Participation,
        Series,
        Topic,
    )

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        series = Series(name="Borderless AI Initiative", timezone="Europe/Sofia")
        organisations = [
            Organisation(
                name=f"National AI organisation {n}",
                short_name=f"NAI{n}",
                country="BG",
                kind=OrganisationKind.NATIONAL_AI,
                timezone=ZONES[n],
            )
            for n in range(5)
        ]
        topics = [Topic(title=f"Agenda topic number {n}: compute, data; talent") for n in range(10)]
        db.session.add_all([series, *organisations, *topics])
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        for n in range(MEETINGS):
            begins = start + timedelta(hours=9 * n)
            meeting = Meeting(
                series=series,
                number=n + 1,
                title=f"Borderless AI meeting {n + 1}: policy, funding and research",
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                timezone=ZONES[n % 5],
                location="Sofia Tech Park, Sofia",
                online_url="https://meet.example.org/borderless-ai",
                description="Regular meeting of the national AI organisations.",
            )
            for organisation in organisations:
                meeting.participations.append(Participation(organisation=organisation))
            for position in range(3):
                meeting.agenda_items.append(
                    AgendaItem(topic=topics[(n + position) % 10], position=position)
                )
            db.session.add(meeting)
        db.session.commit()
        db.engine.dispose()


def serve(database_url: str) -> None:
    """Child process: the app plus a trivial route on a threaded werkzeug server, port printed."""
    from werkzeug.serving import make_server

    from tracker import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, TRACKER_BASE_URL="")

    @app.route("/bench/trivial")
    def trivial() -> str:
        """The baseline: a route that does nothing."""
        return "ok"

    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict]:
    """One GET on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, dict(response.getheaders())


def touch_state(database_url: str) -> None:
    """Bump the feed counter the way any change would, so the next feed is rendered afresh."""
    import sqlite3

    connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    connection.execute("UPDATE calendar_state SET counter = counter + 1")
    connection.commit()
    connection.close()


def floor_values(body: bytes) -> list[dict]:
    """The property values of every event in the feed, as icalendar would be handed them."""
    from icalendar import Calendar

    values = []
    for event in Calendar.from_ical(body).walk("VEVENT"):
        value = {
            "uid": str(event["UID"]),
            "dtstamp": event.decoded("DTSTAMP"),
            "dtstart": event.decoded("DTSTART"),
            "dtend": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "location": str(event["LOCATION"]),
            "description": str(event["DESCRIPTION"]),
            "url": str(event["URL"]),
            "categories": list(event.categories),
            "created": event.decoded("CREATED"),
            "last-modified": event.decoded("LAST-MODIFIED"),
            "sequence": int(event["SEQUENCE"]),
            "status": str(event["STATUS"]),
            "transp": str(event["TRANSP"]),
        }
        for key in ("dtstart", "dtend"):  # the same aware zoneinfo datetimes our feed uses
            value[key] = value[key].astimezone(ZoneInfo(str(value[key].tzinfo)))
        values.append(value)
    assert len(values) == MEETINGS, len(values)
    return values


def floor_once(values: list[dict]) -> float:
    """The icalendar library alone: build and serialise the events once, in seconds."""
    from icalendar import Calendar, Event

    began = time.perf_counter()
    calendar = Calendar()
    for value in values:
        event = Event()
        for key, item in value.items():
            event.add(key, item)
        calendar.add_component(event)
    calendar.to_ical()
    return time.perf_counter() - began


def full_once(port: int, database_url: str) -> tuple[float, bytes, dict]:
    """One full feed after a change: nothing cached for it, so it is queried and serialised."""
    touch_state(database_url)
    began = time.perf_counter()
    status, body, headers = get(port, "/feeds/meetings.ics")
    elapsed = time.perf_counter() - began
    assert status == 200, status
    return elapsed, body, headers


def rate(port: int, path: str, headers: dict[str, str] | None, expect: int) -> float:
    """Requests per second over one bounded sequential loop."""
    began = time.perf_counter()
    for _ in range(THROUGHPUT_REQUESTS):
        status, _, _ = get(port, path, headers)
        assert status == expect, status
    return THROUGHPUT_REQUESTS / (time.perf_counter() - began)


def throughputs(port: int, etag: str) -> tuple[float, float, float]:
    """Median req/s of the trivial route, the unchanged feed (200) and its 304, interleaved."""
    trivial, cached, not_modified = [], [], []
    for _ in range(THROUGHPUT_ROUNDS):
        trivial.append(rate(port, "/bench/trivial", None, 200))
        cached.append(rate(port, "/feeds/meetings.ics", None, 200))
        not_modified.append(rate(port, "/feeds/meetings.ics", {"If-None-Match": etag}, 304))
    return statistics.median(trivial), statistics.median(cached), statistics.median(not_modified)


def main() -> None:
    """Seed, start the server, measure, print the ratios, stop the server."""
    with tempfile.TemporaryDirectory(prefix="calendar-bench-") as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        seed(database_url)
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve", database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline())
            _, body, headers = full_once(port, database_url)
            values = floor_values(body)
            # The machine may be busy: alternate the two measurements and compare medians.
            full, floor = [], []
            for _ in range(FULL_ROUNDS):
                elapsed, body, headers = full_once(port, database_url)
                full.append(elapsed)
                floor.append(floor_once(values))
            full_seconds, floor_seconds = statistics.median(full), statistics.median(floor)
            etag = headers["ETag"]
            get(port, "/feeds/meetings.ics")  # warm the body cache for this state
            trivial, cached, not_modified = throughputs(port, etag)
        finally:
            child.terminate()
            child.wait(timeout=10)
    print(f"feed of {MEETINGS} meetings: {len(body) / 1024:.0f} KiB")
    print(
        f"(a) full feed {full_seconds * 1000:.0f} ms, icalendar floor {floor_seconds * 1000:.0f} ms"
    )
    print(f"    ratio {full_seconds / floor_seconds:.2f}x (goal <= 1.3x)")
    print(f"(b) trivial route {trivial:.0f} req/s")
    print(
        f"    unchanged feed 200: {cached:.0f} req/s, ratio {cached / trivial:.2f}x (goal >= 0.7x)"
    )
    print(
        f"    unchanged feed 304: {not_modified:.0f} req/s, "
        f"ratio {not_modified / trivial:.2f}x (goal >= 0.7x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", metavar="DATABASE_URL", help="run the server (internal)")
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve)
    else:
        main()
