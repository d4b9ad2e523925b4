"""Issue 20: the phone menu (a disclosure, every item reachable, the section marked), the
desktop navigation it becomes on wide screens, the filter bar on a phone, and /styleguide."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import pages
from tests.browser.conftest import ORGANISER_EMAIL, LiveServer, log_in, new_context

pytestmark = pytest.mark.browser

NAV_ITEMS = [
    "Home",
    "Meetings",
    "Deliverables",
    "Dashboard",
    "Topics",
    "Organisations",
    "People",
    "Series",
    "Subscribe",
]


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A 390-px phone, with JavaScript on and off (the menu must work both ways)."""
    context = new_context(
        browser, viewport={"width": 390, "height": 844}, java_script_enabled=request.param
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def test_phone_menu_opens_shows_every_item_and_navigates(
    phone: Any, live_server: LiveServer
) -> None:
    """Closed, the menu is one button naming the section; open, all nine items fit the screen."""
    phone.goto(live_server.url + "/meetings/")
    nav = phone.get_by_role("navigation", name="Main")
    menu = phone.locator("summary", has_text="Menu")
    assert menu.is_visible() and "Meetings" in menu.inner_text()
    assert not nav.get_by_role("link", name="Dashboard").is_visible()
    menu.click()
    for name in NAV_ITEMS:
        link = nav.get_by_role("link", name=name, exact=True)
        assert link.is_visible(), name
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, name
    assert nav.locator('[aria-current="page"]').inner_text().strip() == "Meetings"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    nav.get_by_role("link", name="Subscribe", exact=True).click()
    phone.wait_for_url("**/subscribe")
    assert "Subscribe" in phone.locator("summary", has_text="Menu").inner_text()
    marked = phone.locator('.nav [aria-current="page"]')
    assert marked.count() == 1 and (marked.text_content() or "").strip() == "Subscribe"


def test_phone_menu_by_keyboard(browser: Any, live_server: LiveServer) -> None:
    """Enter opens the menu from the keyboard, Tab reaches its links, Escape closes it."""
    context = new_context(browser, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/deliverables/board")
        summary = page.locator(".nav-menu > summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator(".nav-menu").get_attribute("open") is not None
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Home"
        current = page.locator(".nav [aria-current]")
        assert current.get_attribute("aria-current") == "true"
        assert current.inner_text().strip() == "Deliverables"
        page.keyboard.press("Escape")
        assert page.locator(".nav-menu").get_attribute("open") is None
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    finally:
        context.close()


def test_wide_screens_show_the_navigation_without_a_menu_button(
    page: Any, live_server: LiveServer
) -> None:
    """At 1280 px the summary is hidden and every tab shows in one row."""
    page.goto(live_server.url + "/topics/")
    assert not page.locator(".nav-menu > summary").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    tops = {
        round(nav.get_by_role("link", name=n, exact=True).bounding_box()["y"]) for n in NAV_ITEMS
    }
    assert len(tops) == 1
    assert nav.locator('[aria-current="page"]').inner_text().strip() == "Topics"


def test_filter_bar_collapses_on_a_phone(phone: Any, live_server: LiveServer) -> None:
    """On a phone the filters hide behind a "Filters" button; opening it shows the fields."""
    phone.goto(live_server.url + "/meetings/")
    year = phone.get_by_label("Year")
    assert not year.is_visible()
    phone.locator(".filter-bar > summary").click()
    assert year.is_visible() and phone.get_by_label("Order").is_visible()
    phone.goto(live_server.url + "/meetings/?status=held")
    assert phone.get_by_label("Year").is_visible()  # filtered: the bar starts open


def test_order_is_not_a_full_width_select(page: Any, live_server: LiveServer) -> None:
    """The "Order" choice is as wide as its words, not a field of its own width."""
    page.goto(live_server.url + "/meetings/")
    order = page.get_by_label("Order").bounding_box()
    text = page.get_by_label("Text contains").bounding_box()
    assert order is not None and text is not None and order["width"] < 200
    assert abs(order["y"] - text["y"]) < 80  # in the same compact row


def test_styleguide_for_an_organiser(page: Any, live_server: LiveServer) -> None:
    """The style page shows tokens, the four button kinds, icons, a form in error and cards."""
    response = page.goto(live_server.url + "/styleguide/")
    assert "/login" in page.url  # anonymous readers log in first
    log_in(page, live_server, ORGANISER_EMAIL)
    response = page.goto(live_server.url + "/styleguide/")
    assert response.status == 200
    main = page.locator("main")
    for kind in ("primary", "secondary", "quiet", "danger"):
        assert main.locator(f"button.button.{kind}").first.is_visible(), kind
    assert main.locator(".icon-list svg.icon").count() >= 20
    # The sprite renders: a used icon has a drawn size.
    box = main.locator(".icon-list svg.icon").first.bounding_box()
    assert box is not None and box["width"] > 10
    swatch = main.locator(".sample-brand").evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert swatch == "rgb(11, 92, 173)"
    assert main.get_by_text("Enter a title.").first.is_visible()
    assert main.locator(".meeting-card").count() >= 1


def test_dark_mode_follows_the_system(browser: Any, live_server: LiveServer) -> None:
    """With a dark colour scheme the page background and text swap to the dark tokens."""
    context = new_context(browser, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/meetings/")
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color]"
        )
        assert colours == ["rgb(15, 21, 29)", "rgb(230, 235, 241)"]
    finally:
        context.close()


def test_dark_mode_passes_axe(browser: Any, live_server: LiveServer, node_modules: Path) -> None:
    """The dark colours keep their contrast: axe finds nothing serious on the busiest pages."""
    context = new_context(browser, color_scheme="dark")
    try:
        page = context.new_page()
        log_in(page, live_server, ORGANISER_EMAIL)
        axe = node_modules / "axe-core" / "axe.min.js"
        problems: list[str] = []
        meeting = live_server.ids["meeting"]
        for path in ("/", f"/meetings/{meeting}", "/deliverables/board", "/styleguide/"):
            page.goto(live_server.url + path)
            problems += [f"{path}: {p}" for p in pages.serious(pages.run_axe(page, axe))]
        assert problems == []
    finally:
        context.close()
