"""Issue 20.1: "My work" in Chromium, for an organiser linked to a partner's person: its
sections, axe (no serious or critical findings) and no sideways scrolling at 390 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser import pages
from tests.browser.conftest import LiveServer, artifacts_dir, log_in, new_context
from tracker.extensions import db
from tracker.models import Meeting, Person, Role

pytestmark = pytest.mark.browser

MEMBER_EMAIL = "member@example.org"
SECTIONS = [
    "Open actions",
    "Deliverables",
    "Your meetings",
    "Minutes",
    "Changed in the last week",
]


@pytest.fixture(scope="module")
def member(live_server: LiveServer) -> str:
    """An organiser linked to the demo organisation's first person, in Vienna's zone, whose
    organisation owes an open action (the demo data has none open)."""
    with live_server.app.app_context():
        person = db.session.get(Person, live_server.ids["person"])
        assert person is not None
        factories.make_action_item(
            meeting=db.session.get(Meeting, live_server.ids["meeting"]),
            owner_organisation=person.organisation,
            owner_person=person,
            text="Send the national AI strategy summary",
        )
        factories.make_user(
            Role.ORGANISER,
            email=MEMBER_EMAIL,
            name="Mo Member",
            person_id=person.id,
            timezone="Europe/Vienna",
        )
        db.session.commit()
        db.session.remove()
    return MEMBER_EMAIL


@pytest.mark.parametrize("width", [pages.WIDE, pages.NARROW])
def test_my_work_sections_accessible_and_unclipped(
    live_server: LiveServer, browser: Any, node_modules: Path, member: str, width: int
) -> None:
    context = new_context(browser, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        log_in(page, live_server, member)
        page.goto(live_server.absolute("/"))
        assert page.get_by_role("heading", level=1).inner_text() == "My work"
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        assert [h for h in headings if h in SECTIONS] == SECTIONS, headings
        # The organisation's open actions and meetings are lists of links, not empty states.
        for heading in ("Open actions", "Your meetings", "Deliverables"):
            region = page.get_by_role("region", name=heading)
            assert region.get_by_role("listitem").count() > 0, heading
        assert "Vienna" in page.get_by_role("region", name="Your meetings").inner_text()
        page.screenshot(
            path=str(artifacts_dir("screenshots") / f"my-work-{width}.png"), full_page=True
        )
        axe = node_modules / "axe-core" / "axe.min.js"
        assert pages.serious(pages.run_axe(page, axe)) == []
        if width == pages.NARROW:
            assert pages.overflow_problems(page) == []
        page.get_by_role("link", name="What's next for the whole initiative").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "What's next"
    finally:
        context.close()


def test_my_work_and_its_full_lists_are_valid_html(
    live_server: LiveServer, page: Any, node_modules: Path, member: str, tmp_path: Path
) -> None:
    """My work, the changes since the last visit and What's next: Nu-valid, and axe-clean."""
    log_in(page, live_server, member)
    files = []
    axe = node_modules / "axe-core" / "axe.min.js"
    for name, path in [("my-work", "/"), ("changes", "/changes"), ("next", "/next")]:
        response = page.goto(live_server.absolute(path))
        assert response is not None and response.status == 200, path
        assert pages.serious(pages.run_axe(page, axe)) == [], path
        file = tmp_path / f"{name}.html"
        file.write_text(response.text())
        files.append(file)
    assert page.get_by_role("heading", level=1).inner_text() == "What's next"
    errors = pages.run_vnu(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar", files)
    assert errors == {file.name: [] for file in files}
