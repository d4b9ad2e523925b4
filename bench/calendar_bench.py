"""Calendar feed bench: prints two ratios against their floors/baselines.

(a) full feed: the time to serve the feed of 1,000 upcoming meetings after every meeting changed
    (nothing cached: query, build, serialise, send over HTTP) divided by the time the icalendar
    library alone takes to build and serialise the same 1,000 events (the floor). Goal: <= 1.3.
    Also printed: the same after one meeting changed (the usual edit between two polls).
(b) unchanged feed: requests per second of the feed answered 200 (cached body) and 304
    (If-None-Match), plain and gzip, relative to a trivial Flask route on the same server;
    sequential requests, a new connection each, the cases interleaved. Goal: >= 0.7.

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
THROUGHPUT_REQUESTS = 400


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


def change(database_url: str, every_meeting: bool, round_number: int) -> None:
    """Change the data behind the feed the way an edit would: one meeting or all of them.

    Changing every meeting makes every event new, so nothing cached can be reused: the cold
    render. Changing one shows the usual case of an edit between two polls.
    """
    import sqlite3

    stamp = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=round_number)
    connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    where = "" if every_meeting else " WHERE id = 1"
    connection.execute(
        f"UPDATE meeting SET updated_at = ?{where}", (f"{stamp:%Y-%m-%d %H:%M:%S.%f}",)
    )
    connection.execute("UPDATE change_counter SET counter = counter + 1 WHERE name = 'feeds'")
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
        }
        if "TRANSP" in event:  # written only for cancelled meetings (OPAQUE is the default)
            value["transp"] = str(event["TRANSP"])
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


def full_once(port: int, database_url: str, every_meeting: bool, round_number: int) -> float:
    """Seconds to fetch the whole feed (identity encoding) right after a change."""
    change(database_url, every_meeting, round_number)
    began = time.perf_counter()
    status, body, _ = get(port, "/feeds/meetings.ics")
    elapsed = time.perf_counter() - began
    assert status == 200, status
    assert body.count(b"BEGIN:VEVENT") == MEETINGS
    return elapsed


def throughputs(port: int) -> dict[str, float]:
    """Median req/s of the trivial route and the unchanged feed (200, 304; plain and gzip)."""
    gz = {"Accept-Encoding": "gzip"}
    etag = dict(get(port, "/feeds/meetings.ics")[2])["ETag"]
    etag_gz = dict(get(port, "/feeds/meetings.ics", gz)[2])["ETag"]
    cases: dict[str, tuple[str, dict[str, str] | None, int]] = {
        "trivial route": ("/bench/trivial", None, 200),
        "unchanged feed 200": ("/feeds/meetings.ics", None, 200),
        "unchanged feed 304": ("/feeds/meetings.ics", {"If-None-Match": etag}, 304),
        "unchanged feed 200 gzip": ("/feeds/meetings.ics", gz, 200),
        "unchanged feed 304 gzip": ("/feeds/meetings.ics", {**gz, "If-None-Match": etag_gz}, 304),
    }
    # The machine may be busy: interleave single requests of every case, so a burst of load
    # elsewhere hits all of them alike, and compare the summed times.
    spent = dict.fromkeys(cases, 0.0)
    for _ in range(THROUGHPUT_REQUESTS):
        for name, (path, headers, expect) in cases.items():
            began = time.perf_counter()
            status, _, _ = get(port, path, headers)
            spent[name] += time.perf_counter() - began
            assert status == expect, (name, status)
    return {name: THROUGHPUT_REQUESTS / seconds for name, seconds in spent.items()}


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
            status, body, _ = get(port, "/feeds/meetings.ics")
            assert status == 200, status
            values = floor_values(body)
            # The machine may be busy: alternate the measurements and compare medians.
            cold, warm, floor = [], [], []
            for number in range(FULL_ROUNDS):
                cold.append(full_once(port, database_url, True, number))
                floor.append(floor_once(values))
                warm.append(full_once(port, database_url, False, number))
            cold_seconds, warm_seconds = statistics.median(cold), statistics.median(warm)
            floor_seconds = statistics.median(floor)
            rates = throughputs(port)
        finally:
            child.terminate()
            child.wait(timeout=10)
    print(f"feed of {MEETINGS} meetings: {len(body) / 1024:.0f} KiB")
    print(f"icalendar alone, same {MEETINGS} events (floor): {floor_seconds * 1000:.0f} ms")
    print(
        f"(a) full feed, every meeting changed (cold): {cold_seconds * 1000:.0f} ms,"
        f" ratio {cold_seconds / floor_seconds:.2f}x (goal <= 1.3x)"
    )
    print(
        f"    full feed, one meeting changed: {warm_seconds * 1000:.0f} ms,"
        f" ratio {warm_seconds / floor_seconds:.2f}x"
    )
    trivial = rates.pop("trivial route")
    print(f"(b) trivial route: {trivial:.0f} req/s")
    for name, value in rates.items():
        print(f"    {name}: {value:.0f} req/s, ratio {value / trivial:.2f}x (goal >= 0.7x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", metavar="DATABASE_URL", help="run the server (internal)")
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve)
    else:
        main()
