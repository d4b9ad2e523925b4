"""The tracker plus one trivial route, for benchmarks only (never part of the app)."""

from __future__ import annotations

from flask import Flask

from tracker import create_app


def create_bench_app() -> Flask:
    """The production app with /_bench/trivial, the baseline every page is compared with."""
    app = create_app()

    @app.route("/_bench/trivial")
    def trivial() -> str:
        return "ok"

    return app
