"""Search in Chromium: type in the header box, read the highlighted hits, open one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_search_from_the_header_and_open_a_result(page: Any, live_server: LiveServer) -> None:
    """The header box on any page leads to ranked hits; a hit's link opens its record."""
    page.goto(live_server.url + "/meetings/")
    box = page.get_by_role("search", name="Site search").get_by_role("searchbox")
    box.fill("GDPR")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=GDPR"))
    assert page.get_by_role("heading", level=1, name="Search").is_visible()
    first = page.locator(".search-hit").first
    assert first.locator("mark").first.inner_text().lower() == "gdpr"
    link = first.get_by_role("link")
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert "/search" not in page.url
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.split()[0].lower() in title.lower()


def test_search_page_fits_a_phone(page: Any, live_server: LiveServer) -> None:
    """At 390 px the header box and the results do not overflow sideways."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/search?q=regulation")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.locator(".search-hit").count() > 0
