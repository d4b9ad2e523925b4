"""The main flow in a real Chromium: log in, plan a meeting, see it on the home page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests import factories
from tests.conftest import build_app
from tracker.extensions import db
from tracker.models import Role, utc_today

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Any]:
    """An app on its own SQLite file, for a real server."""
    app = build_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Any) -> Iterator[str]:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context of the shared Chromium (skips when Chromium is missing)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_plan_a_meeting_and_see_it_at_home(live_app: Any, live_server: str, browser_page: Any):
    winter_day = date(utc_today().year + 1, 1, 14)  # always ahead, always winter time
    with live_app.app_context():
        user = factories.make_user(Role.ORGANISER, email="organiser@example.org")
        series = factories.make_series(name="Borderless AI", timezone="Europe/Sofia")
        sofia = factories.make_organisation(
            name="Bulgarian AI Association", short_name="BAIA", timezone="Europe/Sofia"
        )
        london = factories.make_organisation(
            name="UK AI Council", short_name="UKAI", country="GB", timezone="Europe/London"
        )
        factories.make_topic(title="AI skills and education")
        factories.make_topic(title="European AI cluster network")
        email, series_name = user.email, series.name
        sofia_label = f"{sofia.name} ({sofia.short_name})"
        london_label = f"{london.name} ({london.short_name})"
        db.session.commit()  # the live server reads through its own connections
        db.session.remove()
    page = browser_page

    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/meetings/new")
    page.get_by_label("Series", exact=True).select_option(label=series_name)
    page.get_by_label("Title", exact=True).fill("Founding the cluster network")
    page.get_by_label("Starts", exact=True).fill(f"{winter_day.isoformat()}T15:00")
    page.get_by_label("Ends", exact=True).fill(f"{winter_day.isoformat()}T17:00")
    page.get_by_label("Time zone", exact=True).select_option("Europe/Sofia")
    page.get_by_label("Organisation 1", exact=True).select_option(label=sofia_label)
    page.get_by_label("Attendance of organisation 1").select_option("confirmed")
    page.get_by_label("Organisation 2", exact=True).select_option(label=london_label)
    page.get_by_label("Agenda item 1", exact=True).select_option(label="AI skills and education")
    page.get_by_label("Agenda item 2", exact=True).select_option(
        label="European AI cluster network"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server}/meetings/*")
    detail = page.inner_text("main")
    assert "Founding the cluster network" in detail
    assert "15:00 Sofia · 13:00 London" in detail
    assert detail.index("AI skills and education") < detail.index("European AI cluster network")

    # Signed in, / is "My work"; the initiative's "What's next" is at /next.
    page.goto(f"{live_server}/next")
    home = page.inner_text("main")
    assert "Founding the cluster network" in home
    assert "15:00 Sofia · 13:00 London" in home
