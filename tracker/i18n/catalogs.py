"""Compiled catalogs: each tracker/translations/<lang>/LC_MESSAGES/messages.po is compiled to
its .mo when the app starts and the .mo is missing or older (no separate build step)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def stale(po: Path, mo: Path) -> bool:
    """Whether mo must be (re)built from po."""
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalog(po: Path, mo: Path) -> None:
    """Compile one catalog, atomically (workers may start at the same time)."""
    with po.open("rb") as source:
        catalog = read_po(source)
    mo.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every stale catalog under directory; the .mo files written."""
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if stale(po, mo):
            compile_catalog(po, mo)
            written.append(mo)
    return written
