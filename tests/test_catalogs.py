"""Issue 22: five complete catalogs (plus English), kept in step with the code.

Every marked string of the code is in messages.pot, every catalog translates every message
(with all its plural forms, the same placeholders and the same HTML tags), Serbian Latin is the
transliteration of Serbian Cyrillic, and the compiled .mo files are built at app start.
"""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from tracker.i18n import LANGUAGES
from tracker.i18n.catalogs import TRANSLATIONS, compile_catalogs
from tracker.i18n.cli import (
    IGNORE_DIRS,
    KEYWORDS,
    TEMPLATE,
    catalog_path,
    read_catalog,
    untranslated,
)
from tracker.i18n.latin import to_latin

# Files only: no database.
pytestmark = pytest.mark.sqlite_only

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdf]|%%")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# The client apps' own product and menu names, quoted as the app shows them.
APP_NAMES = {
    "Subscribe from web",
    "Internet Calendars",
    "Apple Calendar (Mac)",
    "Apple Calendar (Mac, iPhone, iPad)",
}
PLURALS = {"en": 2, "bg": 2, "de": 2, "sv": 2, "sr": 3, "sr_Latn": 3}


def catalog(code: str) -> Catalog:
    return read_catalog(catalog_path(code), code)


def strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def keywords() -> dict[str, tuple[int, ...] | None]:
    from babel.messages.extract import DEFAULT_KEYWORDS

    found = dict(DEFAULT_KEYWORDS)
    for spec in KEYWORDS:
        name, _, positions = spec.partition(":")
        found[name] = (
            tuple((int(p[:-1]), "c") if p.endswith("c") else int(p) for p in positions.split(","))
            if positions
            else None
        )
    return found


def test_the_template_holds_every_marked_string_of_the_code():
    """messages.pot is what `flask i18n update` would extract today (run it after marking)."""
    root = TRANSLATIONS.parent.parent
    with (TRANSLATIONS / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    extracted = {
        (context, message if isinstance(message, str) else message[0])
        for _, _, message, _, context in extract_from_dir(
            root,
            method_map,
            options_map,
            keywords=keywords(),
            directory_filter=lambda path: (
                not any(fnmatch(Path(path).name, pattern) for pattern in IGNORE_DIRS.split())
            ),
        )
    }
    template = read_catalog(TEMPLATE)
    in_template = {(m.context, ids(m)[0]) for m in template if m.id}
    assert extracted - in_template == set(), "run `flask i18n update` and translate"
    assert in_template - extracted == set(), "run `flask i18n update`: stale messages"
    assert len(in_template) > 1000


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_catalog_is_complete(code):
    found = catalog(code)
    assert untranslated(found) == []
    template = {(m.context, ids(m)[0]) for m in read_catalog(TEMPLATE) if m.id}
    assert {(m.context, ids(m)[0]) for m in found if m.id} == template
    assert found.num_plurals == PLURALS[code]


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_translations_keep_placeholders_and_tags(code):
    problems = []
    for message in catalog(code):
        if not message.id:
            continue
        source = ids(message)
        wanted = sorted(PLACEHOLDER.findall(source[-1]))
        tags = sorted(TAG.findall(source[0]))
        for text in strings(message):
            have = sorted(PLACEHOLDER.findall(text))
            # A plural form may leave the number out ("one meeting"), never add or rename.
            if not set(have) <= set(wanted) or (len(source) == 1 and have != wanted):
                problems.append(f"{source[0]!r}: placeholders {have} != {wanted}")
            if sorted(TAG.findall(text)) != tags:
                problems.append(f"{source[0]!r}: tags differ in {text!r}")
    assert problems == []


def test_serbian_latin_is_the_cyrillic_transliterated():
    cyrillic = {(m.context, ids(m)[0]): strings(m) for m in catalog("sr") if m.id}
    latin = {(m.context, ids(m)[0]): strings(m) for m in catalog("sr_Latn") if m.id}
    assert latin == {key: [to_latin(s) for s in forms] for key, forms in cyrillic.items()}
    assert not any(re.search("[\u0400-\u04ff]", s) for forms in latin.values() for s in forms)


def test_english_translates_each_message_as_itself():
    for message in catalog("en"):
        if message.id:
            assert strings(message) == ids(message)


@pytest.mark.parametrize("code", ["bg", "sr"])
def test_cyrillic_languages_are_in_cyrillic(code):
    """A message left in English (copied over) would show up here: Cyrillic catalogs must
    have Cyrillic letters in every message that has a letter outside placeholders and tags."""
    english = []
    for message in catalog(code):
        if not message.id:
            continue
        for text in strings(message):
            if text in APP_NAMES:
                continue
            bare = TAG.sub("", PLACEHOLDER.sub("", re.sub(r"<[^>]*>", "", text)))
            if re.search("[A-Za-z]{3,}", bare) and not re.search("[\u0400-\u04ff]", bare):
                english.append(text)
    assert english == []


def test_compiled_catalogs_are_built_when_stale(tmp_path: Path):
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalog_path("de").read_bytes())
    assert compile_catalogs(tmp_path) == [po.with_suffix(".mo")]
    assert compile_catalogs(tmp_path) == []  # up to date: nothing rebuilt
    assert po.with_suffix(".mo").stat().st_size > 1000
