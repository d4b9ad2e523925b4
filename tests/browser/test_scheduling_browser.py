"""Issue 17, the scheduling helper in a real browser: the table on the new-meeting form
updates as the organiser types, and a suggestion fills the time in place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser import pages
from tests.browser.conftest import artifacts_dir, env_flag, new_context, serving
from tests.conftest import build_app
from tracker.extensions import db
from tracker.models import Meeting, Role

pytestmark = pytest.mark.browser

README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "tracker" / "static" / "screenshots"
PARTNERS = [
    ("INSAIT", "INSAIT", "BG", "Europe/Sofia"),
    ("AI Austria", "AIAT", "AT", "Europe/Vienna"),
    ("AI Serbia", "AIRS", "RS", "Europe/Belgrade"),
    ("AI Sweden", "AISE", "SE", "Europe/Stockholm"),
    ("Alan Turing Institute", "ATI", "GB", "Europe/London"),
]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """An organiser in New York, a Sofia series and the five partners, served locally."""
    app = build_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with app.app_context():
        user = factories.make_user(
            Role.ORGANISER, email="organiser@example.org", timezone="America/New_York"
        )
        series = factories.make_series(name="Borderless AI meetings", timezone="Europe/Sofia")
        orgs = [
            factories.make_organisation(name=n, short_name=s, country=c, timezone=z)
            for n, s, c, z in PARTNERS
        ]
        ids = {"email": user.email, "series": series.id, "orgs": [o.id for o in orgs]}
        db.session.commit()
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, "app": app, **ids}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page 1280 px wide in a fresh context of the shared Chromium."""
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    try:
        yield tab
    finally:
        context.close()


def test_table_updates_as_the_organiser_types(
    live: dict[str, Any], page: Any, node_modules: Path
) -> None:
    base = live["url"]
    page.goto(f"{base}/login")
    page.fill("#email", live["email"])
    page.fill("#password", factories.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in", exact=True).click()

    page.goto(f"{base}/meetings/new")
    results = page.locator("[data-slot-results]")
    assert "Enter a start" in results.inner_text()
    page.select_option("#series_id", str(live["series"]))
    page.fill("#title", "Kick-off")
    page.select_option("#timezone", "Europe/Sofia")
    for index, org_id in enumerate(live["orgs"]):
        page.select_option(f"#participants-{index}-organisation", str(org_id))
    page.fill("#starts", "2027-03-03T09:30")
    page.fill("#ends", "2027-03-03T10:30")

    # No button pressed: the table arrives by itself.
    table = page.locator(".slot-table")
    table.wait_for()
    page.get_by_text("Warning: public holiday: Liberation Day").wait_for()
    assert "Alan Turing Institute" in table.inner_text()
    you = page.locator(".slot-table tr", has_text="You").inner_text()
    assert "02:30" in you  # 09:30 Sofia is 02:30 in New York
    page.locator("#slot-helper").scroll_into_view_if_needed()
    shot = "scheduling-helper-1280.png"
    page.locator("#slot-helper").screenshot(path=str(artifacts_dir("screenshots") / shot))
    if env_flag("TRACKER_README_SCREENSHOTS"):
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#slot-helper").screenshot(path=str(README_SCREENSHOTS / shot))

    # The filled-in helper passes axe and fits a 390-px phone.
    assert pages.serious(pages.run_axe(page, node_modules / "axe-core" / "axe.min.js")) == []
    page.set_viewport_size({"width": 390, "height": 800})
    assert pages.overflow_problems(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # Typing another date refreshes it: 17 Mar 2027 is in the week the US has switched.
    page.fill("#starts", "2027-03-17T15:00")
    page.fill("#ends", "2027-03-17T16:00")
    page.get_by_text("London is 4 h ahead of New York this week instead of 5 h").wait_for()
    assert "Liberation Day" not in results.inner_text()

    # A suggestion fills the start and end in place; the table follows; nothing is saved.
    first = page.locator("[data-slot-starts]").first
    starts, ends = first.get_attribute("data-slot-starts"), first.get_attribute("data-slot-ends")
    first.click()
    assert page.input_value("#starts") == starts and page.input_value("#ends") == ends
    page.get_by_text("This time fits everyone.").wait_for()
    assert page.url.endswith("/meetings/new")
    with live["app"].app_context():
        assert db.session.scalars(db.select(Meeting)).first() is None
