"""A bare Flask hello-world app: the floor the search bench compares with."""

from __future__ import annotations

from flask import Flask


def create_hello_app() -> Flask:
    """One route answering "Hello, World!"; nothing else."""
    app = Flask(__name__)

    @app.route("/")
    def hello() -> str:
        return "Hello, World!"

    @app.route("/healthz")
    def healthz() -> str:
        return "ok"

    return app
