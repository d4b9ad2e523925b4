"""`flask archive export` and `flask archive import`: the archive on the command line."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db


@click.group("archive")
def archive_group() -> None:
    """Export the whole initiative (HTML to read, JSON to move), or import a JSON export."""


@archive_group.command("export")
@click.option(
    "--html",
    "html_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the browsable static website into this (new or empty) directory.",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every record of every table to this JSON file.",
)
@click.option(
    "--with-secrets",
    is_flag=True,
    help="Include password hashes, session and calendar feed tokens in the JSON export.",
)
@with_appcontext
def export_command(html_dir: Path | None, json_file: Path | None, with_secrets: bool) -> None:
    """Write the HTML archive (--html DIR) and/or the full JSON export (--json FILE)."""
    if html_dir is None and json_file is None:
        raise click.UsageError("Give --html DIR, --json FILE or both.")
    if with_secrets and json_file is None:
        raise click.UsageError("--with-secrets only applies to --json.")
    if json_file is not None:
        export_json_file(json_file, with_secrets)
    if html_dir is not None:
        export_html_dir(html_dir)


def export_json_file(path: Path, with_secrets: bool) -> None:
    """Stream the JSON export into path, refusing to overwrite a file."""
    from tracker.archive.export import export_json

    if path.exists():
        raise click.ClickException(f"{path} exists already; choose a new file name.")
    started = time.perf_counter()
    with db.engine.connect() as connection, path.open("w", encoding="utf-8", newline="\n") as out:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        rows = export_json(connection, out, with_secrets=with_secrets)
    secrets = "with secrets" if with_secrets else "without secrets"
    click.echo(
        f"Exported {rows} rows {secrets} to {path} in {time.perf_counter() - started:.1f} s."
    )


def export_html_dir(path: Path) -> None:
    """Write the static archive into path (which must be new or empty)."""
    from tracker.archive.html import DirectoryTarget, write_archive
    from tracker.archive.queries import load_archive
    from tracker.archive.routes import archive_lang

    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path} is not empty; choose a new directory.")
    started = time.perf_counter()
    data = load_archive(db.session)
    pages = write_archive(data, current_app.jinja_env, DirectoryTarget(path), archive_lang())
    click.echo(f"Wrote {pages} files to {path} in {time.perf_counter() - started:.1f} s.")


@archive_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(source: Path) -> None:
    """Load a JSON export into this (empty) database; all or nothing."""
    from tracker.archive.importer import ImportRefused, import_json
    from tracker.search.indexing import rebuild

    started = time.perf_counter()
    try:
        with source.open("rb") as stream:
            report = import_json(db.engine, stream)
    except ImportRefused as error:
        raise click.ClickException(f"{error} Nothing was imported.") from error
    # The search index is derived, not exported: build it from the imported records.
    documents = rebuild(db.session.connection())
    db.session.commit()
    note = (
        ""
        if report.secrets
        else " Passwords were not in the file: create an admin (flask user create) who sets"
        " new passwords for the others."
    )
    click.echo(
        f"Imported {report.total} rows into {len(report.rows)} tables "
        f"and indexed {documents} search documents "
        f"in {time.perf_counter() - started:.1f} s.{note}"
    )
