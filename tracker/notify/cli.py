"""`flask notify send|worker|preview`: deliver the outbox, forever or once, or print it."""

from __future__ import annotations

import time
from typing import Any, cast

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.models import OutboxMessage, OutboxStatus, utcnow
from tracker.notify.scheduled import queue_scheduled
from tracker.notify.sender import MailSettings, RetryPolicy, build_email, send_pending


def run_once() -> tuple[int, int, int, int]:
    """Queue what the clock calls for, then deliver: (queued, sent, retried, failed)."""
    queued = queue_scheduled(db.session, utcnow(), current_app.config)
    db.session.commit()
    settings = MailSettings.from_config(current_app.config)
    report = send_pending(db.session, settings, RetryPolicy.from_config(current_app.config))
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    return queued, report.sent, report.retried, report.failed


@click.group("notify")
def notify_group() -> None:
    """E-mail notifications: send the outbox, run a sender, preview what waits."""


@notify_group.command("send")
@with_appcontext
def send_command() -> None:
    """Queue scheduled messages and deliver everything due, once (for cron or a timer)."""
    if not MailSettings.from_config(current_app.config).configured:
        queued = queue_scheduled(db.session, utcnow(), current_app.config)
        db.session.commit()
        click.echo(f"{queued} queued; MAIL_SERVER is not set, so messages stay in the outbox.")
        return
    queued, sent, retried, failed = run_once()
    click.echo(f"{queued} queued, {sent} sent, {retried} to retry, {failed} failed.")


@notify_group.command("worker")
@click.option("--interval", default=60, show_default=True, help="Seconds between runs.")
@click.option(
    "--iterations",
    default=0,
    show_default=True,
    help="Stop after this many runs (0: run until stopped).",
)
@with_appcontext
def worker_command(interval: int, iterations: int) -> None:
    """Keep sending: run `send` every interval seconds until stopped (or --iterations runs)."""
    done = 0
    while True:
        queued, sent, retried, failed = run_once()
        if queued or sent or retried or failed:
            click.echo(f"{queued} queued, {sent} sent, {retried} to retry, {failed} failed.")
        cast(Any, db.session).remove()
        done += 1
        if iterations and done >= iterations:
            return
        time.sleep(max(interval, 1))


@notify_group.command("preview")
@click.option("--limit", default=20, show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Also show sent and failed messages.")
@with_appcontext
def preview_command(limit: int, show_all: bool) -> None:
    """Print waiting messages as they would go out, headers and both parts."""
    statement = sa.select(OutboxMessage).order_by(OutboxMessage.id).limit(limit)
    if not show_all:
        statement = statement.where(OutboxMessage.status == OutboxStatus.PENDING)
    sender = MailSettings.from_config(current_app.config).sender
    rows = db.session.scalars(statement).all()
    if not rows:
        click.echo("The outbox has no waiting messages.")
    for row in rows:
        click.echo(f"=== #{row.id} {row.kind} {row.status.value} ===")
        click.echo(build_email(row, sender).as_string())
