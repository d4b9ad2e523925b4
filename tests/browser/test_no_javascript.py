"""Pages render and forms submit with JavaScript switched off: JS only enhances."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ORGANISER_EMAIL, PASSWORD, LiveServer, login_path, new_context

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser: Any) -> Iterator[Any]:
    """A page in a context with JavaScript disabled."""
    context = new_context(browser, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_home_renders_without_javascript(no_js_page: Any, live_server: LiveServer) -> None:
    """The home page shows its content and navigation with JS off."""
    response = no_js_page.goto(live_server.url + "/")
    assert response.status == 200
    assert no_js_page.get_by_role("heading", level=1).inner_text() == "What's next"
    assert no_js_page.get_by_role("navigation", name="Main").get_by_role("link").count() >= 5


def test_a_form_submits_without_javascript(no_js_page: Any, live_server: LiveServer) -> None:
    """The login form works with JS off, and so does a form that creates a record."""
    no_js_page.goto(login_path(live_server))
    no_js_page.get_by_label("Email").fill(ORGANISER_EMAIL)
    no_js_page.get_by_label("Password").fill(PASSWORD)
    no_js_page.get_by_role("button", name="Log in").click()
    assert no_js_page.get_by_role("button", name="Log out").count() == 1
    no_js_page.goto(live_server.url + "/series/new")
    no_js_page.get_by_label("Name").fill("Series made without JavaScript")
    no_js_page.locator("main").get_by_role("button", name="Save").click()
    assert no_js_page.get_by_role("heading", level=1).inner_text() == (
        "Series made without JavaScript"
    )
    assert "Series made without JavaScript" in no_js_page.inner_text("main")
