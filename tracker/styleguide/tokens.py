"""The design tokens and icon names, read from the files that define them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from flask_babel.speaklater import LazyString

from tracker.i18n import _l

TOKEN = re.compile(r"--([a-z0-9-]+):\s*([^;]+);")
SYMBOL = re.compile(r'<symbol id="([a-z0-9-]+)"')
GROUPS = (
    ("space", _l("Spacing")),
    ("text", _l("Type scale")),
    ("radius", _l("Radii")),
    ("shadow", _l("Elevation")),
)


@dataclass(frozen=True)
class Token:
    """One custom property of tokens.css (the light value)."""

    name: str
    value: str


def static_text(*parts: str) -> str:
    """A text file from tracker/static."""
    return resources.files("tracker").joinpath("static", *parts).read_text(encoding="utf-8")


@cache
def light_tokens() -> tuple[Token, ...]:
    """Every token of the light scheme (the first :root block), in file order."""
    css = static_text("css", "tokens.css")
    block = css[css.index(":root") : css.index("}", css.index(":root"))]
    return tuple(Token(name, value.strip()) for name, value in TOKEN.findall(block))


def token_groups() -> list[tuple[str, LazyString, list[Token]]]:
    """Tokens by kind (its prefix, its heading): spacing, type, radii, elevation, then colours
    (all the rest)."""
    tokens = light_tokens()
    groups: list[tuple[str, LazyString, list[Token]]] = []
    taken: set[str] = set()
    for prefix, title in GROUPS:
        found = [t for t in tokens if t.name.startswith(prefix)]
        taken.update(t.name for t in found)
        groups.append((prefix, title, found))
    colours = [t for t in tokens if t.name not in taken and t.value.startswith(("#", "rgb"))]
    groups.append(("colour", _l("Colours"), colours))
    return groups


@cache
def icon_names() -> tuple[str, ...]:
    """The ids of the symbols in static/icons.svg."""
    return tuple(SYMBOL.findall(static_text("icons.svg")))
