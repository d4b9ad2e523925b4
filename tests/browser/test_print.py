"""Print preview: content only, no navigation, buttons or filters; links keep their address."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, artifacts_dir, first_id, log_in
from tracker.models import Organisation

pytestmark = pytest.mark.browser


def test_print_shows_the_content_without_the_chrome(page: Any, live_server: LiveServer) -> None:
    """With print media the header, filters and buttons go; headings and rows stay."""
    log_in(page, live_server)
    page.goto(live_server.url + "/organisations/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert not page.get_by_role("link", name="Add organisation").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("link", name="AI Austria").is_visible()
    page.pdf(path=str(artifacts_dir("print") / "organisations.pdf"))


def test_print_shows_addresses_of_outside_links(page: Any, live_server: LiveServer) -> None:
    """An outside link prints its address after the text."""
    with live_server.app.app_context():
        organisation_id = first_id(Organisation, Organisation.website != "")
    page.goto(f"{live_server.url}/organisations/{organisation_id}")
    page.emulate_media(media="print")
    link = page.locator('main a[href^="http"]').first
    after = link.evaluate("(a) => getComputedStyle(a, '::after').content")
    assert "aicluster.bg" in after
