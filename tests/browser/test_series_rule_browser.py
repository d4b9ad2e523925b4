"""Issue 17: plan a recurring series through the rule form and see its planned meetings."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import ORGANISER_EMAIL, LiveServer, log_in, today_plus
from tracker.extensions import db

pytestmark = pytest.mark.browser


def test_plan_a_recurring_series_through_the_form(page: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        series_id = factories.make_series(name="Recurring in the browser").id
        db.session.commit()
        db.session.remove()
    log_in(page, live_server, ORGANISER_EMAIL)
    page.goto(live_server.absolute(f"/series/{series_id}"))
    page.get_by_role("link", name="Set a repeat rule").click()
    page.get_by_label("Every N weeks, on the weekday of the first date").check()
    page.get_by_label("Every how many weeks or months").fill("2")
    page.get_by_label("First date", exact=True).fill(today_plus(7))
    page.get_by_label("Starts at (local time)").fill("15:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("After a number of meetings").check()
    page.get_by_label("Number of meetings", exact=True).fill("6")
    page.get_by_role("button", name="Save and plan").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Every 2 weeks on" in main and "6 times" in main
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    assert page.get_by_role("button", name="Skip meeting 1").count() == 1
    assert "15:00" in rows.first.inner_text()


def test_the_rule_forms_tables_follow_the_typing(page: Any, live_server: LiveServer) -> None:
    with live_server.app.app_context():
        series = factories.make_series(name="Checked as typed")
        organisation = factories.make_organisation(name="Typed Org", timezone="Europe/London")
        factories.make_meeting(series=series, organisations=[organisation])
        series_id = series.id
        db.session.commit()
        db.session.remove()
    log_in(page, live_server, ORGANISER_EMAIL)
    page.goto(live_server.absolute(f"/series/{series_id}/rule"))
    results = page.locator("[data-rule-check-results]")
    assert "slot-table" not in results.inner_html()
    page.get_by_label("Every N weeks, on the weekday of the first date").check()
    page.get_by_label("Every how many weeks or months").fill("1")
    page.get_by_label("First date", exact=True).fill(today_plus(14))
    page.get_by_label("Starts at (local time)").fill("15:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("After a number of meetings").check()
    page.get_by_label("Number of meetings", exact=True).fill("3")
    # No submit: the tables arrive as the organiser types.
    page.locator("[data-rule-check-results] table.slot-table").nth(2).wait_for()
    assert results.locator("table.slot-table").count() == 3
    assert "Typed Org" in results.inner_text()
