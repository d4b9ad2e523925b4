"""Every page of the app in Chromium: axe-core, the Nu HTML checker, 390-px overflow, asset budget.

The pages come from ``app.url_map`` (see tests/browser/pages.py), so a page added later is
visited automatically, and one whose URL cannot be built fails here. All pages are visited
once per session, logged in as an admin (edit forms and admin pages show), and each test
below reports the problems found on one page.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import url_for
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from tests.browser import pages
from tests.browser.conftest import (
    ADMIN_EMAIL,
    ARTIFACTS,
    ROOT,
    LiveServer,
    artifacts_dir,
    log_in,
    new_context,
    safe_name,
)
from tracker import create_app
from tracker.extensions import db
from tracker.models import Deliverable, Meeting, User, utcnow

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one crawl, one worker

TARGETS = pages.targets(create_app("testing"))
# Form pages also checked after submitting them empty (errors shown next to the fields).
# Every "create" form is also submitted as it comes (empty): the errors must pass the checks.
ERROR_FORMS: dict[str, tuple[str, str | None]] = {
    f"{t.endpoint}[errors]": (t.endpoint, None)
    for t in TARGETS
    if t.endpoint.endswith(".create") and not t.arguments
}
ANONYMOUS_ERROR_FORMS: dict[str, tuple[str, str | None]] = {
    "auth.login[errors]": ("auth.login", "Log in")
}
# Error pages, reached by address: (path, expected status).
ERROR_PAGES = {"errors.404": ("/no-such-page", 404), "errors.404-record": ("/series/999999", 404)}
README_SCREENSHOTS = ROOT / "tracker" / "static" / "screenshots"


@dataclass
class Visit:
    """What one page visit found."""

    name: str
    url: str = ""
    problems: list[str] = field(default_factory=list)
    html_file: Path | None = None
    asset_bytes: int = 0


@dataclass
class Crawl:
    """All visits of the session, by name."""

    visits: dict[str, Visit] = field(default_factory=dict)


class Visitor:
    """Drives one page through the site and runs the in-page checks on each stop."""

    def __init__(self, page: Any, server: LiveServer, axe: Path) -> None:
        self.page = page
        self.server = server
        self.axe = axe
        self.requests: list[str] = []
        self.asset_sizes: dict[str, int] = {}
        self.html_dir = artifacts_dir("html")
        self.shot_dir = artifacts_dir("screenshots")
        page.on("request", lambda request: self.requests.append(request.url))

    def size_of(self, url: str) -> int:
        """The byte size of a same-origin asset (fetched once)."""
        if url not in self.asset_sizes:
            with urllib.request.urlopen(url, timeout=10) as response:
                self.asset_sizes[url] = len(response.read())
        return self.asset_sizes[url]

    def visit(self, visit: Visit, url: str, *, screenshot: bool = False, status: int = 200) -> None:
        """Load url and check it; problems are added to visit."""
        self.requests.clear()
        visit.url = url
        response = self.page.goto(url)
        self.inspect(visit, response, url, screenshot=screenshot, status=status)

    def inspect(
        self, visit: Visit, response: Any, url: str, *, screenshot: bool, status: int = 200
    ) -> None:
        """Check the page now loaded (response is the HTML document's response)."""
        page = self.page
        if response is None:
            visit.problems.append("no response")
            return
        content_type = response.headers.get("content-type", "")
        if response.status != status and not visit.name.endswith("[errors]"):
            visit.problems.append(f"HTTP {response.status} (expected {status}) for {url}")
        if page.url.split("#")[0] != url and not visit.name.endswith("[errors]"):
            visit.problems.append(f"redirected from {url} to {page.url}")
        if "text/html" not in content_type:
            visit.problems.append(
                f"answers {content_type!r}, not an HTML page: if that is right, add the "
                "endpoint to NON_HTML_ENDPOINTS in tests/browser/pages.py"
            )
            return
        html_file = self.html_dir / f"{safe_name(visit.name)}.html"
        html_file.write_bytes(response.body())
        visit.html_file = html_file
        page.set_viewport_size({"width": pages.WIDE, "height": 800})
        visit.problems += pages.serious(pages.run_axe(page, self.axe))
        visit.problems += pages.svg_problems(page)
        visit.problems += pages.tabindex_problems(page)
        assets = pages.asset_urls(page)
        origin = self.server.url
        foreign = [
            u
            for u in {*assets, *self.requests}
            if not u.startswith((origin + "/", "data:", "blob:", "about:"))
        ]
        visit.problems += [f"loads from another host: {u}" for u in sorted(foreign)]
        visit.asset_bytes = sum(self.size_of(u) for u in assets if u.startswith(origin))
        if visit.asset_bytes > pages.BUDGET_BYTES:
            visit.problems.append(
                f"loads {visit.asset_bytes} bytes of CSS and JavaScript "
                f"(budget {pages.BUDGET_BYTES})"
            )
        stem = safe_name(visit.name)
        if screenshot:
            page.screenshot(path=str(self.shot_dir / f"{stem}-{pages.WIDE}.png"), full_page=True)
        page.set_viewport_size({"width": pages.NARROW, "height": 844})
        visit.problems += pages.overflow_problems(page)
        if screenshot:
            page.screenshot(path=str(self.shot_dir / f"{stem}-{pages.NARROW}.png"), full_page=True)
        page.set_viewport_size({"width": pages.WIDE, "height": 800})

    def submit_empty(self, visit: Visit, url: str, button: str | None) -> None:
        """Open a form, submit it as it comes, and check the page with its errors.

        The button is found by its name, or else it is the form's primary submit button.
        """
        self.page.goto(url)
        self.requests.clear()
        visit.url = url
        main = self.page.locator("main")
        if button:
            submit = main.get_by_role("button", name=button)
        else:
            submit = main.locator("form[method=post] button.primary[type=submit]")
            if submit.count() == 0:
                submit = main.locator("form[method=post] [type=submit]").last
        if submit.count() == 0:
            visit.problems.append(f"no submit button found on {url}")
            return
        with self.page.expect_navigation() as navigation:
            submit.first.click()
        response = navigation.value
        if response is None or response.status not in (200, 400, 422):
            visit.problems.append(
                f"submitting the empty form answered {response and response.status}"
            )
        if self.page.locator(".error").count() == 0:
            visit.problems.append("submitting the empty form showed no error next to a field")
        self.inspect(visit, response, self.page.url, screenshot=True)


def save_readme_screenshots(page: Any, server: LiveServer) -> None:
    """Viewport screenshots for README.md (only when TRACKER_README_SCREENSHOTS=1).

    The 200-character test records are soft-deleted first: they are checked already and
    would only clutter the pictures. The admin is linked to the demo person who owns the most
    deliverables, so that the home page ("My work") shows what a member sees.
    """
    README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with server.app.app_context():
        for model, key in ((Meeting, "long_meeting"), (Deliverable, "long_deliverable")):
            record = db.session.get(model, server.ids[key])
            record.deleted_at = utcnow()
        busiest = db.session.scalar(
            select(Deliverable.owner_person_id)
            .where(Deliverable.owner_person_id.is_not(None))
            .group_by(Deliverable.owner_person_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        admin = db.session.scalars(select(User).where(User.email == ADMIN_EMAIL)).one()
        # An earlier test on this worker may have linked another account to that person.
        for other in db.session.scalars(select(User).where(User.person_id == busiest)):
            other.person_id = None
        db.session.flush()
        admin.person_id = busiest
        db.session.commit()
        db.session.remove()
    board = "progress.board" if "progress.board" in server.app.view_functions else None
    with server.app.test_request_context():
        meeting = url_for("meetings.detail", meeting_id=server.ids["meeting"])
        third = url_for(board or "deliverables.list")
    third_name = "board" if board else "deliverables"
    sizes = ((pages.WIDE, 800), (pages.NARROW, 844))
    shots = [
        (f"{name}-{width}.png", path, width, height)
        for name, path in (
            ("home", url_for_home(server)),
            ("meeting", meeting),
            (third_name, third),
        )
        for width, height in sizes
    ]
    for name, path, width, height in shots:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server.absolute(path))
        page.screenshot(path=str(README_SCREENSHOTS / name))
    page.set_viewport_size({"width": pages.WIDE, "height": 800})


def url_for_home(server: LiveServer) -> str:
    """The home page's path."""
    with server.app.test_request_context():
        return url_for("main.home")


@pytest.fixture(scope="session")
def crawl(browser: Any, live_server: LiveServer, node_modules: Path) -> Iterator[Crawl]:
    """Visit every page once (anonymous pages first, then as admin) and run all checks."""
    context = new_context(browser)
    page = context.new_page()
    visitor = Visitor(page, live_server, node_modules / "axe-core" / "axe.min.js")
    result = Crawl()
    ordered = sorted(TARGETS, key=lambda t: not t.anonymous)
    logged_in = False
    try:
        for target in ordered:
            if not target.anonymous and not logged_in:
                for name, (endpoint, button) in ANONYMOUS_ERROR_FORMS.items():
                    visit = result.visits[name] = Visit(name)
                    visitor.submit_empty(visit, absolute(live_server, endpoint), button)
                log_in(page, live_server)
                logged_in = True
            visit = result.visits[target.name] = Visit(target.name)
            try:
                path = pages.build_path(live_server.app, target, live_server.ids)
            except pages.UnbuildableEndpoint as error:
                visit.problems.append(str(error))
                continue
            try:
                visitor.visit(
                    visit,
                    live_server.absolute(path),
                    screenshot=pages.wants_screenshot(target.name),
                )
            except PlaywrightError as error:
                visit.problems.append(
                    f"the browser could not show {path}: {error.message.splitlines()[0]} "
                    "(a download or data endpoint belongs in NON_HTML_ENDPOINTS in "
                    "tests/browser/pages.py)"
                )
        for name, (path, status) in ERROR_PAGES.items():
            visit = result.visits[name] = Visit(name)
            visitor.visit(visit, live_server.absolute(path), screenshot=True, status=status)
        for name, (endpoint, button) in ERROR_FORMS.items():
            visit = result.visits[name] = Visit(name)
            visitor.submit_empty(visit, absolute(live_server, endpoint), button)
        files = [v.html_file for v in result.visits.values() if v.html_file is not None]
        vnu_errors = pages.run_vnu(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar", files)
        for visit in result.visits.values():
            if visit.html_file is not None:
                visit.problems += vnu_errors.get(visit.html_file.name, [])
        summary = {
            name: {"url": v.url, "asset_bytes": v.asset_bytes, "problems": v.problems}
            for name, v in result.visits.items()
        }
        (ARTIFACTS / "pages.json").write_text(json.dumps(summary, indent=2))
        if os.environ.get("TRACKER_README_SCREENSHOTS") == "1":
            save_readme_screenshots(page, live_server)
        yield result
    finally:
        context.close()


def absolute(server: LiveServer, endpoint: str) -> str:
    """The absolute URL of an endpoint without arguments."""
    with server.app.test_request_context():
        return server.absolute(url_for(endpoint))


NAMES = [t.name for t in TARGETS] + list(ANONYMOUS_ERROR_FORMS) + list(ERROR_FORMS)
NAMES += list(ERROR_PAGES)


@pytest.mark.parametrize("name", NAMES)
def test_page_passes_every_check(crawl: Crawl, name: str) -> None:
    """The page loads as HTML, passes axe and vnu, fits 390 px and keeps to the asset budget."""
    visit = crawl.visits[name]
    if visit.problems:
        pytest.fail(f"{name} ({visit.url}):\n  " + "\n  ".join(visit.problems), pytrace=False)


def test_main_pages_have_screenshots(crawl: Crawl) -> None:
    """Full-page screenshots of the main pages at both widths are saved as artifacts."""
    folder = artifacts_dir("screenshots")
    main_pages = [n for n, v in crawl.visits.items() if pages.wants_screenshot(n) and v.html_file]
    assert "main.home" in main_pages
    for name in main_pages:
        for width in (pages.WIDE, pages.NARROW):
            shot = folder / f"{safe_name(name)}-{width}.png"
            assert shot.exists() and shot.stat().st_size > 1000, shot


def test_assets_are_same_origin_and_small(crawl: Crawl, live_server: LiveServer) -> None:
    """The home page loads our own CSS and JS, under the budget but not empty."""
    home = crawl.visits["main.home"]
    assert 0 < home.asset_bytes <= pages.BUDGET_BYTES
    assert urlsplit(home.url).hostname == "127.0.0.1"
