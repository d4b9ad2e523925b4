"""The browsable HTML archive: links resolve offline, valid HTML, only public records."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.archive_data import (
    APPROVED_MINUTES,
    DELETED_DELIVERABLE,
    DELETED_TITLE,
    DRAFT_MINUTES,
    EMAIL,
    Initiative,
    fill_initiative,
)
from tests.browser.pages import run_vnu
from tests.conftest import login_as
from tracker.archive.html import DirectoryTarget, write_archive
from tracker.archive.queries import load_archive
from tracker.extensions import db
from tracker.models import User

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class LinkParser(HTMLParser):
    """Collects every href and src of a page, and its element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note links and ids."""
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value is not None:
                self.ids.add(value)


def parse(path: Path) -> LinkParser:
    """The links and ids of one page."""
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(root: Path) -> tuple[list[str], set[Path]]:
    """Every link that does not resolve to a file (and id) under root, and the pages reached
    by following links from index.html."""
    broken: list[str] = []
    pages = {p: parse(p) for p in root.rglob("*.html")}
    for page, parsed in pages.items():
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("/"):
                broken.append(f"{page.relative_to(root)}: not relative: {link}")
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file() or root.resolve() not in target.parents:
                broken.append(f"{page.relative_to(root)}: {link}")
            elif parts.fragment and parts.fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(root)}: no #{parts.fragment} in {link}")
    reached: set[Path] = set()
    queue = [(root / "index.html").resolve()]
    while queue:
        page = queue.pop()
        if page in reached or page.suffix != ".html" or not page.is_file():
            continue
        reached.add(page)
        for link in pages[page].links:
            path = urlsplit(link).path
            if path:
                queue.append((page.parent / path).resolve())
    return broken, reached


@pytest.fixture
def initiative(app: Flask) -> Initiative:
    """The test initiative, committed."""
    data = fill_initiative(app.config["SECRET_KEY"])
    db.session.commit()
    return data


@pytest.fixture
def site(app: Flask, initiative: Initiative, tmp_path: Path) -> Path:
    """The HTML archive of the test initiative, written by the CLI."""
    target = tmp_path / "site"
    result = app.test_cli_runner().invoke(args=["archive", "export", "--html", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    return target


def all_text(root: Path) -> str:
    """Every file of the site as one string."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.html")))


def test_every_link_resolves_offline_and_every_page_is_reachable(site: Path) -> None:
    """All links are relative and point at files (and ids) of the site; none is orphaned."""
    broken, reached = broken_links(site)
    assert broken == []
    pages = {p.resolve() for p in site.rglob("*.html")}
    assert reached == pages
    assert len(pages) == 15  # 1 index, 1 series, 3 meetings, 3+3+2 lists and details, 2


def test_the_archive_has_every_part(site: Path, initiative: Initiative) -> None:
    """Index, series, meetings, topics, organisations, deliverables, decisions and actions."""
    for path in (
        "index.html",
        f"series/{initiative.series.id}.html",
        f"meetings/{initiative.held.id}.html",
        f"topics/{initiative.topics[0].id}.html",
        "topics/index.html",
        f"organisations/{initiative.organisations[0].id}.html",
        "organisations/index.html",
        f"deliverables/{initiative.deliverable.id}.html",
        "deliverables/index.html",
        "decisions.html",
        "actions.html",
        "assets/tokens.css",
        "assets/app.css",
    ):
        assert (site / path).is_file(), path
    meeting = (site / f"meetings/{initiative.held.id}.html").read_text()
    assert "Adopt the data-space roadmap." in meeting
    assert "Circulate the roadmap draft." in meeting
    assert "Attended" in meeting and "Apologised" in meeting and "Ana Petrova" in meeting
    series = (site / f"series/{initiative.series.id}.html").read_text()
    assert series.index("Kick-off") < series.index("Spring review") < series.index("Autumn")
    topic = (site / f"topics/{initiative.topics[0].id}.html").read_text()
    assert topic.index("Kick-off") < topic.index("Spring review")
    assert "Adopt the data-space roadmap." in (site / "decisions.html").read_text()
    assert "Circulate the roadmap draft." in (site / "actions.html").read_text()
    organisation = (site / f"organisations/{initiative.organisations[1].id}.html").read_text()
    assert "attended 0 of 1" in organisation


def test_only_what_an_anonymous_reader_may_see(site: Path, initiative: Initiative) -> None:
    """Approved minutes only, no e-mail address anywhere, nothing soft-deleted."""
    text = all_text(site)
    held = (site / f"meetings/{initiative.held.id}.html").read_text()
    assert "the <strong>plenary</strong> agreed" in held
    assert APPROVED_MINUTES.split("**")[0] in held
    assert DRAFT_MINUTES not in text
    assert "First draft of the kick-off minutes." not in text
    assert "No approved minutes" in (site / f"meetings/{initiative.draft.id}.html").read_text()
    # Outcomes, notes and actions of a meeting without approved minutes are drafts too.
    assert "Decision in draft meeting." not in text
    assert "in preparation" in (site / f"meetings/{initiative.draft.id}.html").read_text()
    assert EMAIL not in text and "admin@example.org" not in text
    assert EMAIL_PATTERN.findall(text) == []
    assert DELETED_TITLE not in text and DELETED_DELIVERABLE not in text
    assert not (site / f"meetings/{initiative.deleted.id}.html").exists()
    assert not (site / f"deliverables/{initiative.deleted_deliverable.id}.html").exists()
    assert "argon2" not in text and "audit" not in text.lower()


def svg(html: str) -> str:
    """The progress chart's SVG element in a page."""
    match = re.search(r'<svg class="progress-chart".*?</svg>', html, re.S)
    assert match is not None
    return match.group(0)


def test_progress_chart_is_the_same_svg_as_the_app_draws(
    site: Path, initiative: Initiative, client: FlaskClient
) -> None:
    """The deliverable page carries the very SVG chart the tracker shows."""
    page = (site / f"deliverables/{initiative.deliverable.id}.html").read_text()
    response = client.get(f"/deliverables/{initiative.deliverable.id}")
    assert response.status_code == 200
    assert svg(page) == svg(response.get_data(as_text=True))
    assert "20 %" in svg(page) and "45 %" in svg(page)


@pytest.mark.sqlite_only
@pytest.mark.slow
def test_the_archive_passes_the_nu_checker(site: Path, node_modules: Path) -> None:
    """Every page of the archive is valid HTML for the Nu checker."""
    pages = sorted(site.rglob("*.html"))
    errors = run_vnu(node_modules / "vnu-jar" / "build" / "dist" / "vnu.jar", pages)
    assert {name: problems for name, problems in errors.items() if problems} == {}


def test_admin_downloads_the_archive_as_a_zip(
    client: FlaskClient, initiative: Initiative, tmp_path: Path
) -> None:
    """The admin page offers the zip; its pages are the same site, and its links resolve."""
    login_as(client, initiative.admin)
    page = client.get("/admin/archive/")
    assert page.status_code == 200
    assert 'href="/admin/archive/archive.zip"' in page.get_data(as_text=True)
    response = client.get("/admin/archive/archive.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive_zip:
        names = archive_zip.namelist()
        assert all(name.startswith("tracker-archive-") for name in names)
        archive_zip.extractall(tmp_path / "unzipped")
    (folder,) = (tmp_path / "unzipped").iterdir()
    broken, reached = broken_links(folder)
    assert broken == []
    assert (folder / f"meetings/{initiative.held.id}.html").resolve() in reached
    assert DRAFT_MINUTES not in all_text(folder)


@pytest.mark.parametrize("role", ["anonymous", "viewer", "organiser"])
def test_only_admins_get_the_archive(
    client: FlaskClient, initiative: Initiative, role: str
) -> None:
    """Others are sent to log in (anonymous) or refused (403)."""
    if role != "anonymous":
        from tests import factories

        login_as(client, factories.make_user(role))
    for path in ("/admin/archive/", "/admin/archive/archive.zip"):
        response = client.get(path)
        assert response.status_code == (302 if role == "anonymous" else 403), path


def test_the_writer_works_without_flask_on_an_empty_database(app: Flask, tmp_path: Path) -> None:
    """An empty tracker gives a small, valid site that says so."""
    files = write_archive(load_archive(db.session), app.jinja_env, DirectoryTarget(tmp_path))
    assert files == 4 + 6  # stylesheets (tokens first); index, three lists, decisions, actions
    assert "No meeting series." in (tmp_path / "index.html").read_text()
    assert broken_links(tmp_path)[0] == []


def test_cli_refuses_a_directory_that_holds_files(app: Flask, tmp_path: Path) -> None:
    """The export never mixes into an existing folder."""
    (tmp_path / "old.txt").write_text("keep me")
    result = app.test_cli_runner().invoke(args=["archive", "export", "--html", str(tmp_path)])
    assert result.exit_code == 1 and "is not empty" in result.output
    assert db.session.query(User).count() == 0


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_every_page_fits_a_390_px_phone_from_the_file_system(site: Path, browser: Any) -> None:
    """Opened from file:// in Chromium at 390 px, no page scrolls sideways."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        wide = {}
        for path in sorted(site.rglob("*.html")):
            page.goto(path.resolve().as_uri())
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[str(path.relative_to(site))] = width
    finally:
        page.close()
    assert wide == {}
