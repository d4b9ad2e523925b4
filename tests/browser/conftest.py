"""Browser fixtures: the real app in a thread on a SQLite file with the demo data, and Chromium.

One server, one browser and one page per test session keep the suite fast. The server runs
the same app factory as production (CSRF on), filled by ``tracker.demo.seed_demo`` plus an
admin account and a few records with 200-character unbroken words.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.serving import BaseWSGIServer, make_server

from tests import factories
from tracker import create_app
from tracker.demo import SERIES_NAME, seed_demo
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Deliverable,
    DeliverableStatus,
    Meeting,
    MeetingStatus,
    Organisation,
    Person,
    PollAnswer,
    PollSlot,
    PollVote,
    Role,
    Series,
    TimePoll,
    Topic,
    utc_today,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ADMIN_EMAIL = "admin@example.org"
ORGANISER_EMAIL = "organiser@example.org"
PASSWORD = factories.PASSWORD
# A 200-character word with no break opportunity: pages must wrap it, not scroll sideways.
LONG_WORD = ("Unbreakable" * 19)[:200]


@dataclass
class LiveServer:
    """The app served over HTTP in a background thread, with the ids of its demo records."""

    app: Flask
    url: str
    ids: dict[str, int] = field(default_factory=dict)

    def absolute(self, path: str) -> str:
        """The full URL of a path on this server."""
        return self.url + path


def first_id(model: type[Any], *where: Any) -> int:
    """The id of the first record of model matching where (ordered by id)."""
    record = db.session.scalars(db.select(model).where(*where).order_by(model.id)).first()
    if record is None:
        raise LookupError(f"the demo data has no {model.__name__}")
    return int(record.id)


def add_long_words() -> dict[str, int]:
    """Records whose names are one 200-character word, shown on lists and detail pages."""
    series = factories.make_series(name=LONG_WORD)
    organisation = factories.make_organisation(name=LONG_WORD, short_name="Longword")
    topic = factories.make_topic(title=LONG_WORD)
    meeting = factories.make_meeting(
        series=series,
        number=1,
        title=LONG_WORD,
        starts_at=datetime(2019, 5, 7, 12, 0, tzinfo=UTC),
        status=MeetingStatus.HELD,
        location=LONG_WORD,
        organisations=[organisation],
        topics=[topic],
    )
    deliverable = factories.make_deliverable(
        title=LONG_WORD,
        lead_organisation=organisation,
        status=DeliverableStatus.PUBLISHED,
        start_date=date(2019, 1, 1),
        due_date=date(2019, 6, 1),
    )
    return {
        "long_series": series.id,
        "long_organisation": organisation.id,
        "long_topic": topic.id,
        "long_meeting": meeting.id,
        "long_deliverable": deliverable.id,
    }


def add_time_poll(meeting: Meeting, voter: Any) -> None:
    """Three candidate slots a week apart around the meeting's time, the first answered yes."""
    length = meeting.ends_at - meeting.starts_at
    starts = [meeting.starts_at + timedelta(days=7 * n) for n in range(3)]
    poll = TimePoll(meeting=meeting, created_by=voter)
    poll.slots = [PollSlot(starts_at=start, ends_at=start + length) for start in starts]
    poll.slots[0].votes.append(PollVote(user=voter, answer=PollAnswer.YES))
    db.session.add(poll)


def seed(app: Flask) -> dict[str, int]:
    """Demo data, an admin and an organiser; the ids the page table needs."""
    with app.app_context():
        db.create_all()
        seed_demo(db.session)
        db.session.commit()
        admin = factories.make_user(Role.ADMIN, email=ADMIN_EMAIL, name="Ada Admin")
        factories.make_user(Role.ORGANISER, email=ORGANISER_EMAIL, name="Olga Organiser")
        ids = add_long_words()
        demo_series = first_id(Series, Series.name == SERIES_NAME)
        ids.update(
            admin=admin.id,
            series=demo_series,
            # The most recent held meeting: minutes, attendance and agenda are all filled in.
            meeting=first_id(
                Meeting,
                Meeting.series_id == demo_series,
                Meeting.number == 3,
            ),
            organisation=first_id(Organisation, Organisation.short_name == "HLSC Bulgaria"),
            person=first_id(Person),
            topic=first_id(Topic),
            deliverable=first_id(Deliverable, Deliverable.title != LONG_WORD),
            user=admin.id,
        )
        # An agenda item of that meeting, for pages about one item of its agenda.
        ids["agenda_item"] = first_id(AgendaItem, AgendaItem.meeting_id == ids["meeting"])
        # A time poll with an answer on the next planned meeting and on the long-word meeting.
        ids["poll_meeting"] = first_id(
            Meeting, Meeting.series_id == demo_series, Meeting.status == MeetingStatus.PLANNED
        )
        for meeting_id in (ids["poll_meeting"], ids["long_meeting"]):
            add_time_poll(db.session.get(Meeting, meeting_id), admin)
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 (a free port), SQLite file, demo data; stopped after the session."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'browser.sqlite3'}",
        TRACKER_RATE_LIMITS=False,
    )
    ids = seed(app)
    with serving(app) as url:
        yield LiveServer(app=app, url=url, ids=ids)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve app on 127.0.0.1 and a free port from a background thread; yields its base URL."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, read_at_once(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def read_at_once(app: Flask) -> Any:
    """app, with each response read whole and closed before the server sends it.

    Werkzeug's development server closes a response only after draining the request socket;
    when the browser resets the connection (a cancelled icon request, a closed context) that
    read raises first, and the static file the response holds is left open.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    return wsgi


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context like a British laptop user's; CSP bypassed only so axe can be injected."""
    options.setdefault("viewport", {"width": 1280, "height": 800})
    options.setdefault("locale", "en-GB")
    options.setdefault("timezone_id", "Europe/Sofia")
    options.setdefault("bypass_csp", True)
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) for one test."""
    ctx = new_context(browser)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A page in a fresh context."""
    return context.new_page()


def log_in(page: Any, server: LiveServer, email: str = ADMIN_EMAIL) -> None:
    """Log in through the real login form."""
    page.goto(login_path(server))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Log out").count() == 0:
        raise AssertionError(
            f"logging in as {email} failed; the page says: {page.inner_text('main')}"
        )


def login_path(server: LiveServer) -> str:
    """The absolute URL of the login page."""
    with server.app.test_request_context():
        return server.absolute(url_for("auth.login"))


def artifacts_dir(name: str) -> Path:
    """A folder under test-artifacts/ (gitignored), created on demand."""
    folder = ARTIFACTS / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_name(text: str) -> str:
    """A file-name-safe version of text."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def today_plus(days: int) -> str:
    """An ISO date relative to today, for form input."""
    return (utc_today() + timedelta(days=days)).isoformat()


def env_flag(name: str) -> bool:
    """Whether an environment variable is set to a true value."""
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
