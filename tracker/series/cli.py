"""``flask series plan``: keep the next occurrences of every series with a rule planned."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Series, SeriesRule, utcnow
from tracker.series.operations import plan_occurrences


@click.group("series")
def series_group() -> None:
    """Meeting series."""


@series_group.command("plan")
def plan_command() -> None:
    """Plan the next occurrences of every series with a repeat rule (run it daily from cron)."""
    wanted = int(current_app.config.get("TRACKER_PLANNED_OCCURRENCES", 3))
    now = utcnow()
    total = 0
    for series in db.session.scalars(select(Series).join(SeriesRule).order_by(Series.id)):
        created = plan_occurrences(db.session, series, now, wanted)
        total += len(created)
        if created:
            click.echo(f"{series.name}: planned {len(created)} meeting(s).")
    db.session.commit()
    click.echo(f"Planned {total} meeting(s).")
