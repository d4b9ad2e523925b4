"""Series views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.models import Meeting, Series
from tracker.operations import Refused
from tracker.outcomes.queries import series_matrix
from tracker.series import bp
from tracker.series.forms import SeriesForm
from tracker.series.operations import create_series, delete_series, update_series
from tracker.series.queries import meeting_count
from tracker.views import paginate, refused_response, save_edit


@bp.route("/")
def list() -> str:
    """All series, filtered by name."""
    query = select(Series).order_by(Series.name)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Series.name.ilike(f"%{q}%"))
    return render_template("series/list.html", pagination=paginate(query))


@bp.route("/<int:series_id>")
def detail(series_id: int) -> str:
    """One series with its meetings."""
    series = db.get_or_404(Series, series_id)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.number)
    ).all()
    return render_template(
        "series/detail.html",
        series=series,
        meetings=meetings,
        matrix=series_matrix(db.session, series),
        audit_events=visible_audit_for(db.session, current_user, "series", series.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Add a series."""
    form = SeriesForm()
    if request.method == "GET":
        form.timezone.data = "Europe/Sofia"
    if form.validate_on_submit():
        series = create_series(db.session, form.values())
        db.session.commit()
        flash(
            f'Series {series.name} was added. Next, plan its first meeting with "Plan a meeting".',
            "success",
        )
        return redirect(url_for(".detail", series_id=series.id))
    return render_template("series/form.html", form=form, series=None)


@bp.route("/<int:series_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(series_id: int) -> str | Response | tuple[str, int]:
    """Change a series."""
    series = db.get_or_404(Series, series_id)
    form = SeriesForm(obj=series, current=series)
    return save_edit(
        "series/form.html",
        form,
        series,
        "series",
        lambda: update_series(series, form.values(), form.submitted_version()),
        lambda: f"Series {series.name} was saved.",
    )


@bp.route("/<int:series_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(series_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a series that has no meetings."""
    series = db.get_or_404(Series, series_id)
    if request.method == "POST":
        try:
            delete_series(db.session, series)
        except Refused as refusal:
            return refused_response(
                "series/delete.html",
                str(refusal),
                series=series,
                count=meeting_count(db.session, series),
            )
        db.session.commit()
        flash(f"Series {series.name} was deleted.", "success")
        return redirect(url_for(".list"))
    return render_template(
        "series/delete.html", series=series, count=meeting_count(db.session, series), refusal=None
    )
