"""In a real Chromium: record progress, then see the chart, the board and the dashboard change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser import pages
from tests.browser.conftest import serving
from tracker import create_app
from tracker.extensions import db
from tracker.models import DeliverableStatus, Role, utc_today

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The app on a SQLite file, served by werkzeug on 127.0.0.1 and a free port."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite3'}")
    with app.app_context():
        db.create_all()
        user = factories.make_user(Role.ORGANISER, email="organiser@example.org")
        deliverable = factories.make_deliverable(
            title="Recommendation paper",
            status=DeliverableStatus.DRAFTING,
            progress=10,
            start_date=utc_today() - timedelta(days=30),
            due_date=utc_today() + timedelta(days=30),
        )
        facts = {"email": user.email, "deliverable_id": deliverable.id}
        db.session.commit()  # the live server reads through its own connections
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, **facts}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context of the shared Chromium; CSP bypassed only to inject axe."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def overall(page: Any, base: str) -> str:
    """The dashboard's overall progress text."""
    page.goto(f"{base}/dashboard")
    return page.locator("#overall-progress").inner_text().strip()


def board_value(page: Any, base: str, deliverable_id: int) -> str | None:
    """The card's progress bar value on the board."""
    page.goto(f"{base}/deliverables/board")
    return page.locator(f"#card-{deliverable_id} progress").get_attribute("value")


def test_progress_update_changes_chart_board_and_dashboard(
    live_server: dict[str, Any], page: Any
) -> None:
    base, deliverable_id = live_server["url"], live_server["deliverable_id"]
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(live_server["email"])
    page.get_by_label("Password").fill(factories.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    assert overall(page, base) == "10.0 %"
    assert board_value(page, base, deliverable_id) == "10"
    page.goto(f"{base}/deliverables/{deliverable_id}/progress")
    chart = page.get_by_role("img", name="Progress of Recommendation paper over time")
    assert chart.locator("circle[data-percent='60']").count() == 0

    page.get_by_label("Progress (%)").fill("60")
    page.get_by_label("What changed").fill("Second draft circulated")
    with page.expect_navigation():
        page.get_by_role("button", name="Save progress").click()
    assert "is now 60 %" in page.locator(".flashes").inner_text()

    chart = page.get_by_role("img", name="Progress of Recommendation paper over time")
    assert chart.locator("circle[data-percent='60']").count() == 1
    assert "60 %" in chart.locator("desc").text_content()
    assert "Second draft circulated" in page.locator("table.progress-history").inner_text()

    assert board_value(page, base, deliverable_id) == "60"
    card = page.locator(f"#card-{deliverable_id}")
    assert "60 %" in card.inner_text()
    assert overall(page, base) == "60.0 %"

    # Move the card with its form, by keyboard only: no JavaScript or mouse needed.
    page.goto(f"{base}/deliverables/board")
    select = page.get_by_label("Move to (Recommendation paper)")
    select.focus()
    select.select_option("in_review")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    in_review = page.locator("section[data-status='in_review']")
    assert "Recommendation paper" in in_review.inner_text()


def test_progress_pages_pass_axe(
    live_server: dict[str, Any], page: Any, node_modules: Path
) -> None:
    base, deliverable_id = live_server["url"], live_server["deliverable_id"]
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(live_server["email"])
    page.get_by_label("Password").fill(factories.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    axe = node_modules / "axe-core" / "axe.min.js"
    found = {}
    for url in (
        f"/deliverables/{deliverable_id}/progress",
        "/deliverables/board",
        "/deliverables/timeline",
        "/dashboard",
    ):
        page.goto(base + url)
        pages.load_axe(page, axe)
        result = page.evaluate(
            "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        )
        assert len(result["passes"]) > 10  # axe really ran
        found[url] = [(v["id"], len(v["nodes"])) for v in result["violations"]]
    assert found == {url: [] for url in found}
