"""The Borderless AI meeting tracker: a Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS, INSECURE_SECRETS, Config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | None = None, **overrides: Any) -> Flask:
    """Build the app: choose config, bind extensions, register blueprints, CLI and errors."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    configure(app, config, overrides)
    register_extensions(app)
    register_input_guards(app)
    register_blueprints(app)
    register_hooks(app)
    register_cli(app)
    return app


def configure(app: Flask, config: type[Config] | str | None, overrides: dict[str, Any]) -> None:
    """Load the config class named by TRACKER_ENV (or given), then explicit overrides."""
    if config is None:
        config = os.environ.get("TRACKER_ENV", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config["ENV_NAME"] == "production":
        secret = str(app.config.get("SECRET_KEY") or "")
        if secret in INSECURE_SECRETS or len(secret) < 32:
            raise RuntimeError(
                "Refusing to start: set SECRET_KEY to a random value of at least 32 characters "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )


def register_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from tracker.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    from tracker.i18n import setup

    setup.register(app)


def register_input_guards(app: Flask) -> None:
    """Bounded <int:...> URL arguments and no NUL characters (before any route is added)."""
    from tracker import inputs

    inputs.register(app)


def register_blueprints(app: Flask) -> None:
    """Register every feature's blueprint, explicitly."""
    from tracker.admin import bp as admin_bp
    from tracker.api import bp as api_bp
    from tracker.archive import bp as archive_bp
    from tracker.auth import bp as auth_bp
    from tracker.calendar import bp as calendar_bp
    from tracker.deliverables import bp as deliverables_bp
    from tracker.i18n.routes import bp as i18n_bp
    from tracker.main import bp as main_bp
    from tracker.meetings import bp as meetings_bp
    from tracker.notify import bp as notify_bp
    from tracker.organisations import bp as organisations_bp
    from tracker.outcomes import bp as outcomes_bp
    from tracker.people import bp as people_bp
    from tracker.polls import bp as polls_bp
    from tracker.progress import bp as progress_bp
    from tracker.scheduling.routes import bp as scheduling_bp
    from tracker.search import bp as search_bp
    from tracker.series import bp as series_bp
    from tracker.styleguide import bp as styleguide_bp
    from tracker.topics import bp as topics_bp
    from tracker.zones import bp as zones_bp

    for bp in (
        main_bp,
        auth_bp,
        series_bp,
        organisations_bp,
        people_bp,
        topics_bp,
        meetings_bp,
        polls_bp,
        deliverables_bp,
        outcomes_bp,
        progress_bp,
        api_bp,
        calendar_bp,
        admin_bp,
        search_bp,
        notify_bp,
        archive_bp,
        zones_bp,
        i18n_bp,
        scheduling_bp,
        styleguide_bp,
    ):
        app.register_blueprint(bp)


def register_hooks(app: Flask) -> None:
    """Error handlers, access rules, template helpers, database tuning, what writes set off."""
    from tracker import (
        changes,
        database,
        errors,
        page_cache,
        request_log,
        security,
        static_files,
        templating,
    )
    from tracker.auth import access

    request_log.register(app)
    errors.register(app)
    access.register(app)
    templating.register(app)
    static_files.register(app)
    database.register(app)
    # After the access checks, before record_actor: a page served from the cache writes
    # nothing, so it needs no user loaded.
    page_cache.register(app)
    changes.register(app)
    security.register(app)


def register_cli(app: Flask) -> None:
    """Attach the click commands."""
    from tracker.cli import register

    register(app)
