"""Issue 22: every page in every language, with nothing left in English by accident.

Each HTML page of the app (the browser suite's page table, logged in as an admin so edit forms
and admin pages show) is rendered in English and in each other language. A text a person reads
(text nodes, title, alt, aria-label, placeholder, button values) fails when
- it is an English msgid whose translation differs (a string marked but shown untranslated), or
- it reads the same as on the English page and still has an English word that is neither data
  from the database, nor a word the language's own catalog uses, nor a name (cities, brands):
  text that was never marked at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel import Locale
from flask import Flask
from flask.testing import FlaskClient

from tests.browser import pages
from tests.browser.conftest import ADMIN_EMAIL, seed
from tests.conftest import login_as
from tracker import create_app
from tracker.extensions import db
from tracker.i18n import LANGUAGES
from tracker.i18n.cli import catalog_path, read_catalog
from tracker.i18n.locale import LANGUAGE_COOKIE
from tracker.models import User
from tracker.timefmt import all_zones, format_locale

# Renders only: the SQL is the same as in every other page test.
pytestmark = [pytest.mark.sqlite_only, pytest.mark.slow]

OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]
READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
CODE = re.compile(r"<code>.*?</code>", re.S)
# E-mail addresses, colours (#0b5cad) and sizes (0.5rem) are not words.
NOT_WORDS = re.compile(
    r"\S+@\S+|#[0-9a-fA-F]{3,8}\b|\d[\w.]*|\b(?:rgba?|hsla?|var)\([^)]*\)?|--[\w-]+"
)
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdf]|%%|<[^>]*>")
# Names that read the same in every language: products, formats, the initiative's own.
NAMES = {
    "Borderless",
    "tracker",
    "Google",
    "Calendar",
    "Outlook",
    "Apple",
    "Thunderbird",
    "iCal",
    "iCalendar",
    "CalDAV",
    "webcal",
    "CSV",
    "JSON",
    "API",
    "IANA",
    "Markdown",
    "HTTPS",
    "HTML",
    "UTC",
    "OpenAPI",
    "Nextcloud",
    "Fastmail",
    "Proton",
    "Yahoo",
    "GMT",
    "English",
    "Srpski",
    "Svenska",
    "Deutsch",
    "Sofia",
    "ICS",
    "SMTP",
    "Initiative",
    "Ada",
    "Admin",
    "Olga",
    "Android",
}


# Bookkeeping columns: their words (record kinds, actions) are codes the pages label.
NOT_CONTENT = {
    "audit_event.entity",
    "audit_event.action",
    "search_document.kind",
    "outbox_message.kind",
    "change_counter.name",
    "login_attempt.action",
}


class Texts(HTMLParser):
    """The texts a person reads on a page, one per text node or read attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "code", "pre") or (
            # Zone names in a select and language names in the picker are names.
            tag == "option" and ("/" in (values.get("value") or "") or values.get("lang"))
        ):
            self.skip += 1
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.texts.append(" ".join(str(values[name]).split()))
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag in ("script", "style", "code", "pre", "option"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skip:
            self.texts.append(text)


def texts(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return parser.texts


@cache
def catalog_words(code: str) -> frozenset[str]:
    """Every word the language's own translations use (some read as in English: Status)."""
    found: set[str] = set()
    for message in read_catalog(catalog_path(code), code):
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for form in forms:
            prose = CODE.sub(" ", form or "")  # identifiers quoted in <code> are not words
            found.update(WORD.findall(PLACEHOLDER.sub(" ", prose)))
    return frozenset(found)


@cache
def catalog_strings(code: str) -> frozenset[str]:
    """Every translation in the language's catalog, as a whole ("Filter" is German too)."""
    found = set()
    for message in read_catalog(catalog_path(code), code):
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for form in forms:
            # Whole, and each piece between its tags and placeholders.
            for piece in [form or "", *PLACEHOLDER.split(form or "")]:
                if piece.strip():
                    found.add(" ".join(piece.split()))
    return frozenset(found)


@cache
def translated_msgids(code: str) -> frozenset[str]:
    """English msgids (without placeholders) whose translation in code reads differently."""
    found = set()
    for message in read_catalog(catalog_path(code), code):
        plain = message.id and isinstance(message.id, str) and "%(" not in message.id
        if plain and message.string and message.string != message.id and WORD.search(message.id):
            found.add(" ".join(PLACEHOLDER.sub(" ", message.id).split()))
    return frozenset(found)


@cache
def calendar_words(code: str) -> frozenset[str]:
    """The locale's own month and weekday names (German "Aug", "Jun" read as in English)."""
    locale = Locale.parse(format_locale(code))
    names: list[str] = []
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                names += width.values()
    names += locale.territories.values()  # country names: "Peru (PE)" in German too
    return frozenset(w for name in names for w in WORD.findall(name))


@cache
def zone_words() -> frozenset[str]:
    return frozenset(w for zone in all_zones() for w in WORD.findall(zone.replace("_", " ")))


class Site:
    """The seeded app, a logged-in admin client and each page's English texts."""

    def __init__(self, app: Flask, ids: dict[str, int]) -> None:
        self.app = app
        self.paths = [
            pages.build_path(app, target, ids)
            for target in pages.targets(app)
            if not target.anonymous
        ]
        with app.app_context():
            admin = db.session.scalars(sa.select(User).filter_by(email=ADMIN_EMAIL)).one()
            values = set(self.data_strings())
            self.data = "\x00".join(values)
            # Longest first, so a title is removed before a word inside it.
            self.values = sorted((v for v in values if len(v) >= 3), key=len, reverse=True)
            self.client: FlaskClient = app.test_client()
            login_as(self.client, admin)
            db.session.remove()
        self.english = {path: set(self.texts(path, "en")) for path in self.paths}

    @staticmethod
    def data_strings() -> Iterator[str]:
        """Every text stored in the database (names, titles, notes): data, not interface."""
        for table in db.metadata.sorted_tables:
            columns = [
                c
                for c in table.columns
                if isinstance(c.type, sa.String | sa.Text)
                and not isinstance(c.type, sa.Enum)
                and f"{table.name}.{c.name}" not in NOT_CONTENT
            ]
            if columns:
                for row in db.session.execute(sa.select(*columns)):
                    yield from (" ".join(str(v).split()) for v in row if v)

    def texts(self, path: str, code: str) -> list[str]:
        self.client.set_cookie(LANGUAGE_COOKIE, code)
        response = self.client.get(path)
        assert response.status_code == 200, f"{path} in {code}: {response.status_code}"
        return texts(response.get_data(as_text=True))

    def is_data(self, text: str) -> bool:
        return text in self.data

    def english_left(self, text: str, code: str) -> list[str]:
        """The English words of a text that is neither data nor a name nor the language's."""
        rest = NOT_WORDS.sub(" ", text)
        if self.is_data(text):
            return []
        for value in self.values:
            if value in rest:
                rest = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", rest)
        allowed = catalog_words(code) | calendar_words(code) | zone_words() | NAMES
        return [w for w in WORD.findall(rest) if w not in allowed and w.strip("'’-") not in allowed]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder: Path = tmp_path_factory.mktemp("languages")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'languages.sqlite3'}",
        TRACKER_RATE_LIMITS=False,
    )
    return Site(app, seed(app))


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_page_is_in_the_language(site: Site, code: str):
    problems = []
    for path in site.paths:
        english = site.english[path]
        for text in site.texts(path, code):
            if (
                text in translated_msgids(code)
                and text not in catalog_strings(code)
                and not site.is_data(text)
            ):
                problems.append(f"{path}: untranslated {text!r}")
            elif text in english:
                left = site.english_left(text, code)
                if left:
                    problems.append(f"{path}: English {left} in {text!r}")
    report = sorted(set(problems))
    folder = Path(__file__).resolve().parent.parent / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / f"languages-{code}.txt").write_text("\n".join(report), encoding="utf-8")
    assert report == []


def test_the_scan_sees_untranslated_text(site: Site):
    """The detector itself: an English sentence on a German page is reported, data is not."""
    left = site.english_left("Add a meeting to this series", "de")
    assert left == ["Add", "meeting", "this", "series"]
    some_data = next(v for v in site.values if WORD.search(v) and len(v) > 12)
    assert site.english_left(some_data, "de") == []
    assert "Save changes" in translated_msgids("de") or "Save" in translated_msgids("de")
