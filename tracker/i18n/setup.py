"""Flask-Babel for this app: the language selector, the catalogs and <html lang>."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_babel import refresh

from tracker.extensions import babel
from tracker.i18n import LANGUAGES
from tracker.i18n.catalogs import compile_catalogs
from tracker.i18n.locale import html_lang, select_language


def register(app: Flask) -> None:
    """Compile stale catalogs, bind Flask-Babel and give templates the language."""
    compile_catalogs()
    babel.init_app(app, locale_selector=select_language)
    # {% trans %} blocks collapse their whitespace, as pybabel extracts them (babel.cfg).
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    @app.before_request
    def language_per_request() -> None:
        # Flask-Babel keeps the locale on g, which lives as long as the app context: drop it,
        # so a request never reads in the previous one's language (tests share one context).
        refresh()

    @app.context_processor
    def language_for_templates() -> dict[str, Any]:
        code = select_language()
        return {"language": code, "html_lang": html_lang(code), "languages": LANGUAGES}

    @app.after_request
    def vary_by_language(response: Response) -> Response:
        # The same page reads in another language for another browser or picker cookie
        # (feeds and downloads say for themselves what they vary by).
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
