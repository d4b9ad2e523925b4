"""Series views."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import recurrence
from tracker.audit import visible_audit_for
from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.models import Meeting, Series, utcnow
from tracker.operations import Conflict, Refused
from tracker.outcomes.queries import series_matrix
from tracker.scheduling.helper import rule_checks
from tracker.series import bp
from tracker.series.forms import SeriesForm, SeriesRuleForm, rule_form_data
from tracker.series.operations import (
    create_series,
    delete_series,
    move_following,
    move_this_only,
    plan_occurrences,
    save_rule,
    skip_occurrence,
    update_series,
)
from tracker.series.queries import meeting_count, movable_ids
from tracker.views import (
    conflict_response,
    int_arg,
    live_or_404,
    paginate,
    refused_response,
    save_edit,
)
from tracker.zones.reader import reader_zone


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
    now = utcnow()
    return render_template(
        "series/detail.html",
        series=series,
        meetings=meetings,
        rule_text=recurrence.describe(series.rule) if series.rule is not None else None,
        movable=movable_ids(db.session, meetings, now),
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
            _(
                'Series %(name)s was added. Next, plan its first meeting with "Plan a meeting".',
                name=series.name,
            ),
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
        lambda: _("Series %(name)s was saved.", name=series.name),
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
        flash(_("Series %(name)s was deleted.", name=series.name), "success")
        return redirect(url_for(".list"))
    return render_template(
        "series/delete.html", series=series, count=meeting_count(db.session, series), refusal=None
    )


def planned_occurrences() -> int:
    """How many upcoming occurrences a series with a rule keeps planned."""
    return int(current_app.config.get("TRACKER_PLANNED_OCCURRENCES", 3))


@bp.route("/<int:series_id>/rule", methods=["GET", "POST"])
@editor_required
def rule(series_id: int) -> str | Response | tuple[str, int]:
    """Set or change when a series repeats; ?meeting=<id> changes it from that occurrence on,
    or that meeting only."""
    series = db.get_or_404(Series, series_id)
    meeting = None
    if int_arg("meeting") is not None:
        meeting = live_or_404(Meeting, int_arg("meeting") or 0)
        if meeting.series_id != series.id or meeting.occurrence is None:
            abort(404)
    existing = series.rule
    if request.method == "GET":
        data: dict[str, Any] = (
            rule_form_data(existing) if existing is not None else {"timezone": ""}
        )
        if meeting is not None:
            data["first_day"] = meeting.local_start.date()
            data["start_time"] = meeting.local_start.time()
            data["length_minutes"] = int(
                (meeting.ends_at - meeting.starts_at).total_seconds() // 60
            )
            data["scope"] = "following"
        form = SeriesRuleForm(formdata=None, data=data, from_meeting=meeting is not None)
        form.version.data = str(existing.version) if existing is not None else ""
    else:
        form = SeriesRuleForm(from_meeting=meeting is not None)
    context: dict[str, Any] = {"series": series, "meeting": meeting}
    if request.method == "POST" and "check" in request.form:
        # "Check these times": the helper's table for the next meetings; nothing is saved.
        if form.validate():
            context["checks"] = rule_checks(
                db.session, series, form.values(), reader_zone(), utcnow()
            )
        return render_template("series/rule.html", form=form, refusal=None, **context)
    if form.validate_on_submit():
        now, wanted = utcnow(), planned_occurrences()
        try:
            if meeting is not None and form.scope.data == "only":
                when: tuple[date, time, int] = (
                    form.first_day.data,
                    form.start_time.data,  # type: ignore[assignment]
                    form.length_minutes.data,
                )
                move_this_only(db.session, meeting, when, None, now)
                plan_occurrences(db.session, series, now, wanted)
            elif existing is not None:
                move_following(
                    db.session,
                    series,
                    form.values(),
                    form.submitted_version(),
                    now,
                    wanted,
                    since=meeting,
                )
            else:
                save_rule(db.session, series, form.values(), None)
                plan_occurrences(db.session, series, now, wanted)
            db.session.commit()
        except Conflict as conflict:
            return conflict_response("series/rule.html", form, conflict.current, **context)
        except Refused as refusal:
            return refused_response("series/rule.html", str(refusal), form=form, **context)
        if meeting is not None and form.scope.data == "only":
            flash(
                _("%(title)s was moved; the rest of the series stays.", title=meeting.title),
                "success",
            )
        else:
            flash(
                _("The meetings of %(name)s were planned from its rule.", name=series.name),
                "success",
            )
        return redirect(url_for(".detail", series_id=series.id))
    return render_template("series/rule.html", form=form, refusal=None, **context)


@bp.route("/<int:series_id>/rule/check")
@editor_required
def rule_check(series_id: int) -> tuple[str, int]:
    """The helper's tables for the next meetings of the rule in the query string (an HTML
    fragment the rule form's script fetches as the organiser types); 400 for an incomplete rule,
    200 with what to enter when nothing was sent."""
    series = db.get_or_404(Series, series_id)
    form = SeriesRuleForm(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        # Nothing entered yet is not bad input: the answer then says what to enter.
        return render_template(
            "series/_rule_checks.html", checks=None
        ), 400 if request.args else 200
    checks = rule_checks(db.session, series, form.values(), reader_zone(), utcnow())
    return render_template("series/_rule_checks.html", checks=checks), 200


@bp.route("/<int:series_id>/meetings/<int:meeting_id>/skip", methods=["POST"])
@editor_required
def skip(series_id: int, meeting_id: int) -> Response | tuple[str, int]:
    """Skip one occurrence: cancel it (it is never planned again) and plan the next one."""
    series = db.get_or_404(Series, series_id)
    meeting = live_or_404(Meeting, meeting_id)
    if meeting.series_id != series.id or meeting.occurrence is None:
        abort(404)
    try:
        skip_occurrence(db.session, meeting, utcnow(), planned_occurrences())
    except Refused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for(".detail", series_id=series.id), 303)
    db.session.commit()
    flash(_("%(title)s was skipped (cancelled).", title=meeting.title), "success")
    return redirect(url_for(".detail", series_id=series.id), 303)
