"""flask i18n: extract the marked strings, update every catalog, and check they are complete."""

from __future__ import annotations

from contextlib import chdir
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

from tracker.i18n import LANGUAGES
from tracker.i18n.catalogs import TRANSLATIONS
from tracker.i18n.latin import latin_catalog

ROOT = TRANSLATIONS.parent.parent
TEMPLATE = TRANSLATIONS / "messages.pot"
KEYWORDS = ["_l", "_n:1,2", "_p:1c,2", "_lp:1c,2"]
# pybabel skips folders starting with "_" by default: templates/_macros and _partials count.
IGNORE_DIRS = ".* node_modules __pycache__"
# Translated by hand; sr_Latn is generated from sr, and en from the template (msgstr = msgid).
TRANSLATED = [code for code in LANGUAGES if code not in ("en", "sr_Latn")]


def catalog_path(code: str) -> Path:
    """A language's .po file."""
    return TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """A .po or .pot file."""
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def write_catalog(path: Path, catalog: Catalog) -> None:
    """Write a .po file (no line wrapping, so diffs show whole messages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        write_po(target, catalog, width=0)


def english_catalog(template: Catalog) -> Catalog:
    """The en catalog: every message translated as itself (plurals: singular, plural)."""
    english = Catalog(locale="en", project=template.project, version=template.version)
    for message in template:
        if message.id:
            string = message.id if isinstance(message.id, str) else tuple(message.id)
            english.add(
                message.id,
                string,
                locations=message.locations,
                flags=message.flags - {"fuzzy"},
                auto_comments=message.auto_comments,
                context=message.context,
            )
    return english


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids of catalog without a (complete, non-fuzzy) translation."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if (
            message.fuzzy
            or not all(strings)
            or len(strings) < (catalog.num_plurals if message.pluralizable else 1)
        ):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@click.group("i18n")
def i18n_group() -> None:
    """Translations: extract, update and check the catalogs in tracker/translations/."""


@i18n_group.command("update")
def update_command() -> None:
    """Extract every marked string into messages.pot, merge it into each language's catalog,
    and regenerate the English and Serbian Latin catalogs."""
    cli = CommandLineInterface()
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    mapping = str(TRANSLATIONS / "babel.cfg")
    output = ["--ignore-dirs", IGNORE_DIRS, "--no-wrap", "-o", str(TEMPLATE), "."]
    with chdir(ROOT):  # locations in the catalogs relative to the repository
        cli.run(["pybabel", "-q", "extract", "-F", mapping, *keywords, *output])
    for code in TRANSLATED:
        action = "update" if catalog_path(code).exists() else "init"
        args = ["pybabel", "-q", action, "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", code]
        cli.run([*args, "--no-wrap"] + (["--no-fuzzy-matching"] if action == "update" else []))
    write_catalog(catalog_path("en"), english_catalog(read_catalog(TEMPLATE)))
    write_catalog(catalog_path("sr_Latn"), latin_catalog(read_catalog(catalog_path("sr"), "sr")))
    click.echo(f"Updated {TEMPLATE.relative_to(ROOT)} and {len(LANGUAGES)} catalogs.")


@i18n_group.command("check")
def check_command() -> None:
    """Fail when a catalog has an untranslated or fuzzy message."""
    failed = False
    for code in LANGUAGES:
        missing = untranslated(read_catalog(catalog_path(code), code))
        if missing:
            failed = True
            click.echo(f"{code}: {len(missing)} untranslated, first: {missing[0]!r}")
    if failed:
        raise SystemExit(1)
    click.echo("Every catalog is complete.")
