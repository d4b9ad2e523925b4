"""Issue 17: a reader sees meeting times in their own zone, chosen or taken from the browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def tokyo_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context whose browser says it is in Tokyo."""
    context = new_context(browser, timezone_id="Asia/Tokyo")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_chosen_zone_shows_local_times(page: Any, live_server: LiveServer) -> None:
    """Choosing New York on the zone page puts New York times beside the meeting's."""
    meeting = f"/meetings/{live_server.ids['meeting']}"
    page.goto(live_server.url + meeting)
    expect(page.locator("main")).not_to_contain_text("your time")  # Sofia browser, Sofia meeting
    page.get_by_role("link", name="Show times in your own zone").click()
    page.get_by_label("Your time zone").select_option("America/New_York")
    page.get_by_role("button", name="Show times in this zone").click()
    page.wait_for_url(live_server.url + meeting)
    expect(page.locator("main")).to_contain_text("your time (New York)")
    expect(page.locator("footer")).to_contain_text("your zone, New York")


def test_without_a_choice_the_browsers_zone_is_used(
    tokyo_page: Any, live_server: LiveServer
) -> None:
    """With JavaScript and no choice, the browser's zone (Tokyo) is used and preselected."""
    meeting = f"/meetings/{live_server.ids['meeting']}"
    tokyo_page.goto(live_server.url + meeting)
    expect(tokyo_page.locator("main")).to_contain_text("your time (Tokyo)")
    expect(tokyo_page.locator("footer")).to_contain_text("Tokyo (your browser's)")
    tokyo_page.goto(live_server.url + "/zone")
    expect(tokyo_page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")


def test_without_javascript_or_a_choice_times_are_as_before(
    browser: Any, live_server: LiveServer
) -> None:
    """No script and no choice: the meeting's own zone only, as before issue 17."""
    context = new_context(browser, timezone_id="Asia/Tokyo", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/meetings/{live_server.ids['meeting']}")
        expect(page.locator("main")).to_contain_text("Sofia")
        expect(page.locator("main")).not_to_contain_text("your time")
    finally:
        context.close()
