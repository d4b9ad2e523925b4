"""Percentages for people: Babel's format for the reader's language, English as it always was.

English pages have always written a percentage "45 %" (with a space) on the progress pages and
"45%" on the deliverable pages; they stay byte-identical. Every other language gets
flask_babel.format_percent, so German reads "45 %" and Bulgarian "45%".
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_percent, get_locale


def percent(value: float | int | None, decimals: int = 0, spaced: bool = True) -> str:
    """A percentage (45 means 45 %) as text, with `decimals` digits after the point."""
    if value is None:
        return ""
    locale = get_locale()
    if locale is None or locale.language == "en":
        number = f"{value:.{decimals}f}" if decimals else str(value)
        return f"{number} %" if spaced else f"{number}%"
    pattern = locale.percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return format_percent(Decimal(str(value)) / 100, pattern)
