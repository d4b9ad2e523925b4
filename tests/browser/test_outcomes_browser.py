"""A real browser logs a meeting's outcomes from start to finish, then opens the next meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser import pages
from tests.browser.conftest import serving
from tests.conftest import build_app
from tracker.extensions import db
from tracker.models import AgendaItem, Meeting, Role

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app on a SQLite file, served on a free local port by a background thread."""
    app = build_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with app.app_context():
        user = factories.make_user(Role.ORGANISER, email="organiser@example.org")
        series = factories.make_series(name="Borderless AI meetings")
        austria = factories.make_organisation(name="AI Austria", short_name="AIAT")
        serbia = factories.make_organisation(name="AI Serbia", short_name="AIRS")
        anna = factories.make_person(name="Anna Huber", organisation=austria)
        topic = factories.make_topic(title="Analytical report on the AI ecosystem")
        # Issue 14: only a meeting that has started can be marked held, so the first is past.
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=7)
        first = factories.make_meeting(
            series=series,
            number=1,
            title="Kick-off in Sofia",
            organisations=[austria, serbia],
            topics=[topic],
            starts_at=start,
        )
        second = factories.make_meeting(
            series=series,
            number=2,
            title="Second meeting in Vienna",
            organisations=[austria, serbia],
            starts_at=start + timedelta(days=60),
        )
        ids = {
            "email": user.email,
            "first": first.id,
            "second": second.id,
            "austria": austria.id,
            "serbia": serbia.id,
            "anna": anna.id,
            "item": first.agenda_items[0].id,
            "series": series.id,
        }
        db.session.commit()  # the live server reads through its own connections
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, "app": app, **ids}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context of the shared Chromium; CSP bypassed only to inject axe."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    try:
        yield tab
    finally:
        context.close()


def click_and_wait(page: Any, name: str) -> None:
    """Click the button or link with this accessible name and wait for the next page."""
    target = page.get_by_role("button", name=name, exact=True)
    if target.count() == 0:
        target = page.get_by_role("link", name=name, exact=True)
    with page.expect_navigation():
        target.first.click()


def test_log_a_meeting_from_start_to_finish(live: dict[str, Any], page: Any) -> None:
    base = live["url"]
    page.goto(f"{base}/login")
    page.fill("#email", live["email"])
    page.fill("#password", factories.PASSWORD)
    click_and_wait(page, "Log in")
    assert "organiser@example.org" in page.content()

    page.goto(f"{base}/meetings/{live['first']}/outcomes")
    assert page.title().startswith("Outcomes of Kick-off in Sofia")
    click_and_wait(page, "Mark as confirmed")
    assert "The meeting is confirmed." in page.content()
    click_and_wait(page, "Mark as held")

    click_and_wait(page, "Mark attendance")
    page.select_option(f"#org_{live['austria']}", "attended")
    page.select_option(f"#org_{live['serbia']}", "apologised")
    page.check(f"#person-{live['anna']}")
    click_and_wait(page, "Save attendance")
    assert "1 of 2 organisations attended" in page.content()

    click_and_wait(page, "Log an outcome on this topic")
    page.select_option("#kind", "decision")
    page.fill("#text", "Publish the analytical report in spring")
    click_and_wait(page, "Save outcome")
    assert "The decision was recorded." in page.content()

    click_and_wait(page, "Log an outcome on this topic")
    page.select_option("#kind", "action")
    page.fill("#text", "Collect national AI strategies")
    page.select_option("#owner_organisation", str(live["serbia"]))
    page.fill("#due_date", "2030-04-01")
    click_and_wait(page, "Save outcome")
    assert "Collect national AI strategies" in page.content()

    # A bad owner person is explained next to the field, and what was typed stays.
    click_and_wait(page, "Log an outcome")
    page.select_option("#kind", "action")
    page.fill("#text", "Draft chapter one")
    page.select_option("#owner_organisation", str(live["serbia"]))
    page.select_option("#owner_person", str(live["anna"]))
    page.fill("#due_date", "2030-04-15")
    click_and_wait(page, "Save outcome")
    assert (
        "Choose a person of the owner organisation"
        in page.locator("#owner_person-error").inner_text()
    )
    assert page.input_value("#text") == "Draft chapter one"
    page.select_option("#owner_organisation", str(live["austria"]))
    click_and_wait(page, "Save outcome")
    assert "AIAT (Anna Huber)" in page.content()

    click_and_wait(page, "Minutes")
    page.fill("#text", "## Summary\n\nWe agreed to **publish** the report.")
    click_and_wait(page, "Save minutes")
    assert "saved as revision 1" in page.content()
    assert page.locator("section.minutes strong").inner_text() == "publish"

    page.goto(f"{base}/meetings/{live['first']}/outcomes")
    click_and_wait(page, "Approve the minutes")
    assert "The minutes are approved and now locked." in page.content()
    assert page.get_by_text("Minutes approved", exact=True).is_visible()

    click_and_wait(page, "Report")
    report = page.locator("article.report").inner_text()
    for words in ("AI Austria: Anna Huber", "Publish the analytical report", "Collect national"):
        assert words in report

    page.goto(f"{base}/meetings/{live['second']}/outcomes")
    carried = page.locator("ul.carried-actions")
    assert "Collect national AI strategies" in carried.inner_text()
    assert "Draft chapter one" in carried.inner_text()
    assert "meeting 1: Kick-off in Sofia" in carried.inner_text()
    click_and_wait(page, "Mark “Collect national AI strategies” as done")
    assert "Collect national AI strategies" not in page.locator("ul.carried-actions").inner_text()
    assert "Draft chapter one" in page.locator("ul.carried-actions").inner_text()


def test_outcome_pages_have_no_serious_accessibility_violations(
    live: dict[str, Any], page: Any, node_modules: Path
) -> None:
    base = live["url"]
    with live["app"].app_context():
        meeting = db.session.get(Meeting, live["first"])
        item = db.session.get(AgendaItem, live["item"])
        factories.make_outcome(agenda_item=item, text="Publish in spring")
        factories.make_action_item(meeting=meeting, agenda_item=item, text="Collect data")
        factories.make_minutes_revision(meeting, "## Summary\n\n- one\n- two")
        db.session.commit()
        db.session.remove()
    page.goto(f"{base}/login")
    page.fill("#email", live["email"])
    page.fill("#password", factories.PASSWORD)
    click_and_wait(page, "Log in")
    axe = node_modules / "axe-core" / "axe.min.js"
    paths = [
        f"/meetings/{live['second']}/outcomes",
        f"/meetings/{live['first']}/outcomes",
        f"/meetings/{live['first']}/attendance",
        f"/meetings/{live['first']}/outcomes/new",
        f"/meetings/{live['first']}/minutes",
        f"/meetings/{live['first']}/minutes/revisions?from=0&to=1",
        f"/meetings/{live['first']}/report",
        "/actions/",
        f"/series/{live['series']}/participation",
        f"/organisations/{live['austria']}/attendance",
    ]
    problems = []
    for path in paths:
        page.goto(base + path)
        pages.load_axe(page, axe)
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        problems += [f"{path} {v}" for v in violations]
    assert problems == []
