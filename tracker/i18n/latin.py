"""Serbian in Latin script, transliterated from the Cyrillic catalog (the two are one language:
the mapping is one to one, so sr_Latn is generated, never translated by hand)."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog

LETTERS = dict(
    zip(
        "абвгдђежзијклљмнњопрстћуфхцчџш",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "đ",
            "e",
            "ž",
            "z",
            "i",
            "j",
            "k",
            "l",
            "lj",
            "m",
            "n",
            "nj",
            "o",
            "p",
            "r",
            "s",
            "t",
            "ć",
            "u",
            "f",
            "h",
            "c",
            "č",
            "dž",
            "š",
        ],
        strict=True,
    )
)
# HTML tags and %(name)s placeholders stay as they are (they are ASCII anyway; kept explicit).
UNTOUCHED = re.compile(r"(<[^>]*>|%\([^)]*\)[a-z]|%%)")


def letter(char: str, following: str) -> str:
    """One Cyrillic letter in Latin; a capital digraph is Lj before a small letter, LJ before a
    capital (ЉУБА -> LJUBA, Љуба -> Ljuba)."""
    small = LETTERS.get(char.lower())
    if small is None:
        return char
    if not char.isupper():
        return small
    if len(small) > 1 and following.isupper():
        return small.upper()
    return small[0].upper() + small[1:]


def to_latin(text: str) -> str:
    """Serbian Cyrillic text in Latin script."""
    parts = UNTOUCHED.split(text)
    for index in range(0, len(parts), 2):
        part = parts[index]
        parts[index] = "".join(
            letter(char, part[position + 1 : position + 2]) for position, char in enumerate(part)
        )
    return "".join(parts)


def latin_catalog(cyrillic: Catalog) -> Catalog:
    """The sr_Latn catalog for the sr one: the same messages, every msgstr transliterated."""
    latin = Catalog(locale="sr_Latn", project=cyrillic.project, version=cyrillic.version)
    for message in cyrillic:
        if not message.id:
            continue
        if isinstance(message.string, (list, tuple)):
            string: str | tuple[str, ...] = tuple(to_latin(s) for s in message.string)
        else:
            string = to_latin(message.string or "")
        latin.add(
            message.id,
            string,
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
            context=message.context,
        )
    return latin
