"""Meeting views."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import admin_required, editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.meetings import bp
from tracker.meetings.forms import MeetingForm, rows_for, rows_for_plan
from tracker.meetings.operations import (
    agenda_topic_ids,
    create_meeting,
    restore_meeting,
    soft_delete_meeting,
    update_meeting,
)
from tracker.meetings.queries import (
    MeetingFilter,
    latest_meeting,
    meeting_list_query,
    next_number,
    plan_next,
)
from tracker.models import (
    AgendaItem,
    Deliverable,
    Meeting,
    MeetingStatus,
    Participation,
    Series,
)
from tracker.models.base import utcnow
from tracker.models.enums import choices
from tracker.operations import Conflict
from tracker.outcomes.operations import LOCKED_MESSAGE
from tracker.outcomes.queries import (
    is_locked,
    meeting_outcomes,
    previous_record,
    record_visible,
    shown_status,
)
from tracker.polls.queries import has_poll
from tracker.progress import queries
from tracker.scheduling.helper import meeting_form_help, use_suggestion
from tracker.views import conflict_response, filter_options, int_arg, live_or_404, paginate


@bp.app_template_global()
def meeting_status(meeting: Meeting) -> MeetingStatus:
    """The status a meeting's pill shows: never "held" before the meeting has started."""
    return shown_status(meeting)


@bp.route("/")
def list() -> str:
    """All meetings, filtered by series, status, organisation, country, year and text."""
    filters = MeetingFilter.from_args(request.args)
    return render_template(
        "meetings/list.html",
        pagination=paginate(meeting_list_query(filters)),
        filter_options=filter_options(),
        statuses=choices(MeetingStatus),
    )


@bp.route("/<int:meeting_id>")
def detail(meeting_id: int) -> str:
    """One meeting: when (across zones), who, agenda, minutes and deliverables."""
    meeting = live_or_404(
        Meeting,
        meeting_id,
        allow_deleted=True,
        options=[
            selectinload(Meeting.series),
            selectinload(Meeting.participations).selectinload(Participation.organisation),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.topic),
        ],
    )
    if meeting.deleted_at is not None and not (
        current_user.is_authenticated and current_user.is_admin
    ):
        abort(404)
    participations = sorted(meeting.participations, key=lambda p: p.organisation.name.lower())
    deliverables = db.session.scalars(
        select(Deliverable)
        .where(Deliverable.meeting_id == meeting.id, Deliverable.deleted_at.is_(None))
        .order_by(
            Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title, Deliverable.id
        )
        .options(selectinload(Deliverable.lead_organisation))
    ).all()
    outcomes = meeting_outcomes(db.session, meeting)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        show_record=record_visible(outcomes.is_approved, current_user),
        participations=participations,
        zones=[p.organisation.timezone for p in participations],
        deliverables=deliverables,
        meeting_outcomes=outcomes,
        **since_summary(meeting),
        audit_events=visible_audit_for(db.session, current_user, "meeting", meeting.id),
        has_time_poll=has_poll(db.session, meeting.id),
    )


SINCE_CAP = 5


def since_summary(meeting: Meeting) -> dict[str, Any]:
    """Since the previous meeting: its decisions and actions, and deliverable changes; each
    group capped, with the full count. Nothing on a series' first meeting."""
    since = queries.since_last_meeting(db.session, meeting)
    groups = ("new", "finished", "progress_moves", "status_changes")
    total = sum(len(getattr(since, name)) for name in groups)
    capped = replace(since, **{name: getattr(since, name)[:SINCE_CAP] for name in groups})
    shown = sum(len(getattr(capped, name)) for name in groups)
    record = (
        previous_record(db.session, since.previous, current_user, SINCE_CAP)
        if since.previous is not None
        else None
    )
    return {
        "since": capped,
        "since_total": total,
        "since_more": total > shown,
        "since_record": record,
    }


def checking_slot() -> bool:
    """Whether the form was sent to check its time or take a suggestion, not to save."""
    return "check_slot" in request.form or "use_slot" in request.form


def helper_context(form: MeetingForm) -> dict[str, Any]:
    """The scheduling helper for the form's time and organisations."""
    return {"slot_help": meeting_form_help(form, db.session, utcnow())}


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Plan a meeting; ?after=<meeting id> or ?series=<id> prefills the next one of the series.

    &topic=<id> adds a carried-forward topic to the prefilled agenda.
    """
    form = MeetingForm()
    if request.method == "GET":
        source = db.session.get(Meeting, int_arg("after") or 0)
        if source is not None and source.deleted_at is not None:
            source = None
        series = db.session.get(Series, int_arg("series") or 0)
        if source is None and series is not None:
            source = latest_meeting(db.session, series.id)
        if source is not None:
            plan = plan_next(db.session, source, int_arg("topic"))
            form = MeetingForm(formdata=None, **rows_for_plan(plan))
        elif series is not None:
            form.series_id.data = str(series.id)
            form.timezone.data = series.timezone
            form.number.data = next_number(db.session, series.id)
    if "use_slot" in request.form:
        use_suggestion(form, request.form["use_slot"])
    if "more_rows" in request.form:
        form.add_rows()
    elif checking_slot():
        pass  # "Check this time" or a suggestion: the form again with the helper, nothing saved
    elif form.validate_on_submit():
        agenda = agenda_topic_ids(db.session, form.agenda_entries())
        meeting = create_meeting(db.session, form.values(), form.participant_values(), agenda)
        db.session.commit()
        flash(_("Meeting %(title)s was added.", title=meeting.title), "success")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None, **helper_context(form))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(meeting_id: int) -> str | Response | tuple[str, int]:
    """Change a meeting, its participants and agenda."""
    meeting = live_or_404(Meeting, meeting_id)
    if is_locked(db.session, meeting):
        flash(str(LOCKED_MESSAGE), "error")
        return redirect(
            url_for(".detail", meeting_id=meeting.id), 303 if request.method == "POST" else 302
        )
    if request.method == "GET":
        form = MeetingForm(
            obj=meeting,
            current=meeting,
            starts=meeting.local_start.replace(tzinfo=None),
            ends=meeting.local_end.replace(tzinfo=None),
            **rows_for(meeting),
        )
        form.series_id.data = str(meeting.series_id)
        form.status.data = meeting.status.value
        form.version.data = str(meeting.version)
    else:
        form = MeetingForm(current=meeting)
    if "use_slot" in request.form:
        use_suggestion(form, request.form["use_slot"])
    if "more_rows" in request.form:
        form.add_rows()
    elif checking_slot():
        pass  # "Check this time" or a suggestion: the form again with the helper, nothing saved
    elif form.validate_on_submit():
        try:
            update_meeting(
                meeting,
                form.values(),
                form.participant_values(),
                agenda_topic_ids(db.session, form.agenda_entries()),
                form.submitted_version(),
            )
            db.session.commit()
        except Conflict:
            return conflict_response(
                "meetings/form.html", form, meeting, meeting=meeting, **helper_context(form)
            )
        flash(_("Meeting %(title)s was saved.", title=meeting.title), "success")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting, **helper_context(form))


@bp.route("/<int:meeting_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(meeting_id: int) -> str | Response:
    """Confirm, then hide a meeting (soft delete: agenda, minutes and deliverables are kept)."""
    meeting = live_or_404(Meeting, meeting_id)
    if request.method == "POST":
        soft_delete_meeting(meeting, utcnow())
        db.session.commit()
        flash(
            _("Meeting %(title)s was deleted. An admin can restore it.", title=meeting.title),
            "success",
        )
        return redirect(url_for(".list"))
    return render_template("meetings/delete.html", meeting=meeting)


@bp.route("/<int:meeting_id>/restore", methods=["POST"])
@admin_required
def restore(meeting_id: int) -> Response:
    """Bring a soft-deleted meeting back."""
    meeting = live_or_404(Meeting, meeting_id, allow_deleted=True)
    restore_meeting(meeting)
    db.session.commit()
    flash(_("Meeting %(title)s was restored.", title=meeting.title), "success")
    return redirect(url_for(".detail", meeting_id=meeting.id))
