"""Issue 22: every page in German and in Serbian, in Chromium: no sideways scrolling at 390 px
(long German compounds, Serbian Cyrillic), axe-core finds nothing serious, and the Nu checker
finds the HTML valid. The English crawl (test_pages.py) runs these checks and more; this one
repeats the language-sensitive ones in the two languages with the longest words.

With TRACKER_README_SCREENSHOTS=1 it also takes the README's meeting page in Bulgarian and
Serbian.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import url_for

from tests.browser import pages
from tests.browser.conftest import LiveServer, artifacts_dir, log_in, new_context, safe_name
from tracker import create_app
from tracker.i18n.locale import LANGUAGE_COOKIE

# Its own group: it runs beside the English crawl, on another worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-languages")]

LANGUAGES = ("de", "sr")
TARGETS = [t for t in pages.targets(create_app("testing")) if not t.anonymous]
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "tracker" / "static" / "screenshots"


@dataclass
class LanguageCrawl:
    """Problems by (language, page name)."""

    problems: dict[tuple[str, str], list[str]] = field(default_factory=dict)


def set_language(context: Any, server: LiveServer, code: str) -> None:
    context.add_cookies([{"name": LANGUAGE_COOKIE, "value": code, "url": server.url}])


def readme_screenshots(context: Any, page: Any, server: LiveServer) -> None:
    """The meeting page in Bulgarian and Serbian, wide and narrow, for README.md."""
    with server.app.test_request_context():
        meeting = url_for("meetings.detail", meeting_id=server.ids["meeting"])
    for code in ("bg", "sr"):
        set_language(context, server, code)
        for width, height in ((pages.WIDE, 800), (pages.NARROW, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(server.absolute(meeting))
            page.screenshot(path=str(README_SCREENSHOTS / f"meeting-{code}-{width}.png"))


@pytest.fixture(scope="session")
def language_crawl(
    browser: Any, live_server: LiveServer, node_modules: Path
) -> Iterator[LanguageCrawl]:
    """Every page (as the admin) in each language at 390 px: overflow and axe; then vnu."""
    context = new_context(browser, viewport={"width": pages.NARROW, "height": 844})
    page = context.new_page()
    axe = node_modules / "axe-core" / "axe.min.js"
    html_dir = artifacts_dir("html-languages")
    result = LanguageCrawl()
    files: dict[Path, tuple[str, str]] = {}
    try:
        log_in(page, live_server)
        for code in LANGUAGES:
            set_language(context, live_server, code)
            for target in TARGETS:
                problems = result.problems.setdefault((code, target.name), [])
                path = pages.build_path(live_server.app, target, live_server.ids)
                response = page.goto(live_server.absolute(path))
                if response is None or response.status != 200:
                    problems.append(f"{path}: HTTP {response and response.status}")
                    continue
                if page.locator("html").get_attribute("lang") != code:
                    problems.append(f"{path}: <html lang> is not {code}")
                problems += pages.overflow_problems(page)
                problems += pages.serious(pages.run_axe(page, axe))
                html_file = html_dir / f"{code}-{safe_name(target.name)}.html"
                html_file.write_bytes(response.body())
                files[html_file] = (code, target.name)
        vnu = pages.run_vnu(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar", list(files))
        for html_file, key in files.items():
            result.problems[key] += vnu.get(html_file.name, [])
        if os.environ.get("TRACKER_README_SCREENSHOTS") == "1":
            readme_screenshots(context, page, live_server)
        yield result
    finally:
        context.close()


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("name", [t.name for t in TARGETS])
def test_page_fits_and_passes_axe_and_vnu_in_language(
    language_crawl: LanguageCrawl, code: str, name: str
) -> None:
    assert language_crawl.problems[(code, name)] == []
