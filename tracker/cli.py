"""Command-line commands: create users and load the demo initiative."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import click
from flask import Flask

from tracker.archive.cli import archive_group
from tracker.auth.operations import AccountError, create_user
from tracker.extensions import db
from tracker.i18n import _, _n
from tracker.i18n.cli import i18n_group
from tracker.models import Role
from tracker.notify.cli import notify_group
from tracker.search.cli import search_group
from tracker.series.cli import series_group


def read_password() -> str:
    """Prompt without echo on a terminal; read one line from stdin otherwise."""
    if sys.stdin.isatty():
        return str(click.prompt(_("Password"), hide_input=True, confirmation_prompt=True, type=str))
    return sys.stdin.readline().rstrip("\r\n")


@click.group("user")
def user_group() -> None:
    """Manage user accounts."""


@user_group.command("create")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ORGANISER.value,
    show_default=True,
)
@click.option("--name", default="", help="Display name, shown beside what the user does.")
def user_create(email: str, role: str, name: str) -> None:
    """Create a user; the display name and password are asked for, or read from stdin."""
    if not name.strip() and sys.stdin.isatty():
        name = str(click.prompt(_("Display name"), type=str))
    password = read_password()
    try:
        user = create_user(db.session, email, password, Role(role), name=name)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(_("Created %(role)s %(email)s.", role=user.role.value, email=user.email))
    if not user.name:
        click.echo(_("No display name given: set one with --name or on the account page."))


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database holds no series.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the Borderless AI Initiative demo data (safe to run twice)."""
    from tracker.demo import database_is_empty, seed_demo

    if if_empty and not database_is_empty(db.session):
        click.echo(_("The database already holds data; demo data not loaded."))
        return
    counts = seed_demo(db.session)
    db.session.commit()
    added = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or _("nothing new")
    click.echo(_("Demo data loaded: %(added)s.", added=added))


@click.command("generate-data")
@click.option("--years", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
def generate_data_command(years: int, seed: int) -> None:
    """Generate a large, deterministic data set (10 years: ~500 meetings, 5,000 deliverables)."""
    from tracker.scale import NotEmpty, generate
    from tracker.search.indexing import rebuild

    started = time.perf_counter()
    try:
        counts = generate(db.session, years, seed)
    except NotEmpty as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    # The rows went in as bulk inserts, past the flush that keeps the search index current.
    counts["search documents"] = rebuild(db.session.connection())
    db.session.commit()
    added = ", ".join(f"{n} {what}" for what, n in counts.items())
    seconds = time.perf_counter() - started
    click.echo(_("Generated %(added)s in %(seconds).1f s.", added=added, seconds=seconds))


@click.command("check-deploy")
def check_deploy_command() -> None:
    """Check the configuration is safe for a public deployment (like Django's check --deploy)."""
    from flask import current_app

    from tracker.maintenance import deploy_problems, deploy_warnings

    for warning in deploy_warnings(current_app.config):
        click.echo(_("WARNING: %(warning)s", warning=warning), err=True)
    problems = deploy_problems(current_app.config)
    for problem in problems:
        click.echo(_("UNSAFE: %(problem)s", problem=problem), err=True)
    if problems:
        raise click.ClickException(
            _n(
                "%(num)d problem(s) found; fix them before going live.",
                "%(num)d problem(s) found; fix them before going live.",
                len(problems),
            )
        )
    click.echo(_("The deployment configuration passed every check."))


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(destination: Path) -> None:
    """Write a consistent copy of the database to DESTINATION while the app keeps running."""
    from flask import current_app

    from tracker.maintenance import PG_DUMP_STEPS, backup_sqlite, sqlite_path

    source = sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if source is None:
        click.echo(str(PG_DUMP_STEPS))
        raise click.ClickException(_("This command copies SQLite only; follow the steps above."))
    try:
        pages = backup_sqlite(source, destination)
    except (FileExistsError, RuntimeError, sqlite3.Error) as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        _n(
            "Backed up %(source)s to %(destination)s (%(num)d pages, integrity ok).",
            "Backed up %(source)s to %(destination)s (%(num)d pages, integrity ok).",
            pages,
            source=source,
            destination=destination,
        )
    )


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(user_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(generate_data_command)
    app.cli.add_command(check_deploy_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(search_group)
    app.cli.add_command(notify_group)
    app.cli.add_command(archive_group)
    app.cli.add_command(series_group)
    app.cli.add_command(i18n_group)
