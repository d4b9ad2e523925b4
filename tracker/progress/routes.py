"""Progress views: thin wrappers around the operations and loaders."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _, _p
from tracker.models import (
    AgendaItem,
    Deliverable,
    DeliverableStatus,
    Meeting,
    Milestone,
    Participation,
    ProgressUpdate,
    Topic,
    utc_today,
)
from tracker.models.enums import choices
from tracker.operations import Conflict, Refused
from tracker.progress import bp, operations, queries
from tracker.progress.charts import Window, timeline_window
from tracker.progress.export import deliverables_csv, meetings_csv, progress_csv
from tracker.progress.forms import (
    HealthForm,
    MilestoneForm,
    ProgressUpdateForm,
    StatusForm,
    TrackingForm,
)
from tracker.progress.percent import percent
from tracker.progress.risk import deliverable_risk
from tracker.progress.workflow import move_label, status_word
from tracker.views import filter_options, int_arg, live_or_404

ResponseLike = str | BaseResponse | tuple[str, int]


@bp.app_template_global("deliverable_risk")
def risk_global(deliverable: Deliverable) -> Any:
    """Templates: the overdue / at-risk flag of a deliverable, as of today."""
    return deliverable_risk(deliverable, utc_today())


@bp.app_template_filter("percent")
@pass_context  # never folded at compile time: `100|percent` depends on the reader's language
def percent_filter(
    context: Any, value: float | int | None, decimals: int = 0, spaced: bool = True
) -> str:
    """Templates: a percentage for people ("45 %" in English, the reader's format otherwise)."""
    return percent(value, decimals, spaced)


@bp.app_template_global("move_label")
def move_label_global(current: DeliverableStatus, target: DeliverableStatus) -> str:
    """Templates: the text of a workflow button ("Move to in review", "Drop", "Reopen as ...")."""
    return move_label(current, target)


@bp.app_template_global("status_word")
def status_word_global(status: DeliverableStatus) -> str:
    """Templates: a status as it reads inside a sentence ("in review")."""
    return status_word(status)


def acting_user() -> Any:
    """The logged-in user object (not the proxy), for the operations."""
    return current_user._get_current_object()


def progress_context(
    deliverable: Deliverable,
    progress_form: ProgressUpdateForm | None = None,
    milestone_form: MilestoneForm | None = None,
    health_form: HealthForm | None = None,
) -> dict[str, Any]:
    """What templates/progress/_deliverable_progress.html needs: the loader's data and its forms."""
    data = queries.deliverable_progress(db.session, deliverable, utc_today())
    tracking_form = TrackingForm(formdata=None, follow_milestones=data.follow_milestones)
    return {
        "progress": data,
        "progress_form": progress_form or ProgressUpdateForm(formdata=None),
        "milestone_form": milestone_form or MilestoneForm(formdata=None),
        "tracking_form": tracking_form,
        "health_form": health_form or HealthForm(formdata=None),
        "can_set_health": operations.may_set_health(acting_user(), deliverable),
    }


def back_to(deliverable: Deliverable, next_url: str | None) -> BaseResponse:
    """Redirect to the safe return path, or the deliverable's progress page."""
    return redirect(next_url or url_for(".deliverable", deliverable_id=deliverable.id))


def refused(
    message: str, deliverable: Deliverable, next_url: str | None, code: int = 409
) -> tuple[str, int]:
    """A page (409 unless told otherwise) that explains why the change was refused."""
    db.session.rollback()
    return (
        render_template(
            "progress/refused.html",
            message=message,
            deliverable=deliverable,
            back=next_url or url_for(".deliverable", deliverable_id=deliverable.id),
        ),
        code,
    )


@bp.route("/deliverables/<int:deliverable_id>/progress")
def deliverable(deliverable_id: int) -> str:
    """A deliverable's workflow, progress history with its chart, and milestones."""
    item = live_or_404(Deliverable, deliverable_id)
    return render_template("progress/deliverable.html", **progress_context(item))


@bp.route("/deliverables/<int:deliverable_id>/status", methods=["POST"])
@editor_required
def change_status(deliverable_id: int) -> ResponseLike:
    """Move a deliverable along the workflow (409 with the reason when not allowed)."""
    item = live_or_404(Deliverable, deliverable_id)
    form = StatusForm()
    if not form.validate_on_submit():
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        return refused(errors, item, None, 400)
    next_url = form.next.data or None
    try:
        operations.change_status(
            db.session,
            item,
            form.target(),
            acting_user(),
            form.note.data or "",
            form.submitted_version(),
        )
    except Conflict:
        return refused(
            _(
                "“%(title)s” was changed by someone else since you loaded the page. "
                "Reload and try again.",
                title=item.title,
            ),
            item,
            next_url,
        )
    except Refused as refusal:
        return refused(str(refusal), item, next_url)
    db.session.commit()
    flash(
        _("“%(title)s” is now %(status)s.", title=item.title, status=status_word(item.status)),
        "success",
    )
    return back_to(item, next_url)


@bp.route("/deliverables/<int:deliverable_id>/progress/updates", methods=["POST"])
@editor_required
def add_update(deliverable_id: int) -> ResponseLike:
    """Record a progress update."""
    item = live_or_404(Deliverable, deliverable_id)
    form = ProgressUpdateForm()
    if not form.validate_on_submit():
        context = progress_context(item, progress_form=form)
        return render_template("progress/deliverable.html", **context), 400
    try:
        operations.add_progress_update(
            db.session,
            item,
            form.percent.data,
            form.note.data,
            acting_user(),
            form.recorded_on.data,
        )
    except Refused as refusal:
        db.session.rollback()
        form.percent.errors = [*form.percent.errors, str(refusal)]
        context = progress_context(item, progress_form=form)
        return render_template("progress/deliverable.html", **context), 409
    db.session.commit()
    flash(
        _(
            "Progress of “%(title)s” is now %(percent)s.",
            title=item.title,
            percent=percent(item.progress),
        ),
        "success",
    )
    return back_to(item, None)


@bp.route("/deliverables/<int:deliverable_id>/health", methods=["POST"])
@login_required
def set_health(deliverable_id: int) -> ResponseLike:
    """The lead or an organiser says how the deliverable is going, and why."""
    item = live_or_404(Deliverable, deliverable_id)
    if not operations.may_set_health(acting_user(), item):
        abort(403)
    form = HealthForm()
    if not form.validate_on_submit():
        context = progress_context(item, health_form=form)
        return render_template("progress/deliverable.html", **context), 400
    try:
        operations.set_health(db.session, item, form.value(), form.reason.data, acting_user())
    except Refused as refusal:
        db.session.rollback()
        form.health.errors = [*form.health.errors, str(refusal)]
        context = progress_context(item, health_form=form)
        return render_template("progress/deliverable.html", **context), 409
    db.session.commit()
    flash(_("Health of “%(title)s” recorded.", title=item.title), "success")
    return back_to(item, None)


@bp.route("/deliverables/<int:deliverable_id>/milestones", methods=["POST"])
@editor_required
def add_milestone(deliverable_id: int) -> ResponseLike:
    """Add a milestone to a deliverable."""
    item = live_or_404(Deliverable, deliverable_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        context = progress_context(item, milestone_form=form)
        return render_template("progress/deliverable.html", **context), 400
    milestone = operations.add_milestone(
        db.session, item, form.title.data, form.due_date.data, acting_user()
    )
    db.session.commit()
    flash(_("Milestone “%(title)s” was added.", title=milestone.title), "success")
    return back_to(item, None)


def deliverable_milestone(deliverable_id: int, milestone_id: int) -> tuple[Deliverable, Milestone]:
    """A live deliverable and one of its milestones, or 404."""
    item = live_or_404(Deliverable, deliverable_id)
    milestone = db.get_or_404(Milestone, milestone_id)
    if milestone.deliverable_id != item.id:
        abort(404)
    return item, milestone


@bp.route(
    "/deliverables/<int:deliverable_id>/milestones/<int:milestone_id>/toggle", methods=["POST"]
)
@editor_required
def toggle_milestone(deliverable_id: int, milestone_id: int) -> ResponseLike:
    """Mark a milestone done, or not done again."""
    item, milestone = deliverable_milestone(deliverable_id, milestone_id)
    operations.toggle_milestone(db.session, milestone, acting_user())
    db.session.commit()
    if milestone.done:
        flash(_("Milestone “%(title)s” is done.", title=milestone.title), "success")
    else:
        flash(_("Milestone “%(title)s” is not done.", title=milestone.title), "success")
    return back_to(item, None)


@bp.route(
    "/deliverables/<int:deliverable_id>/milestones/<int:milestone_id>/delete", methods=["POST"]
)
@editor_required
def delete_milestone(deliverable_id: int, milestone_id: int) -> ResponseLike:
    """Remove a milestone."""
    item, milestone = deliverable_milestone(deliverable_id, milestone_id)
    title = milestone.title
    operations.delete_milestone(db.session, milestone, acting_user())
    db.session.commit()
    flash(_("Milestone “%(title)s” was removed.", title=title), "success")
    return back_to(item, None)


@bp.route("/deliverables/<int:deliverable_id>/tracking", methods=["POST"])
@editor_required
def set_tracking(deliverable_id: int) -> ResponseLike:
    """Switch between progress by hand and progress following the milestones."""
    item = live_or_404(Deliverable, deliverable_id)
    form = TrackingForm()
    if not form.validate_on_submit():
        abort(400)
    operations.set_follow_milestones(db.session, item, form.follow_milestones.data, acting_user())
    db.session.commit()
    if form.follow_milestones.data:
        flash(_("Progress of “%(title)s” follows its milestones.", title=item.title), "success")
    else:
        flash(_("Progress of “%(title)s” is set by hand.", title=item.title), "success")
    return back_to(item, None)


@bp.route("/deliverables/board")
def board() -> str:
    """One column per status; cards move with a small form each (no JavaScript needed)."""
    organisation_id = int_arg("organisation")
    columns = queries.board(db.session, utc_today(), organisation_id)
    return render_template(
        "progress/board.html",
        columns=columns,
        filter_options=filter_options(),
        statuses=choices(DeliverableStatus),
    )


def status_arg() -> DeliverableStatus | None:
    """The ?status= filter, if it names a status."""
    raw = request.args.get("status", "")
    return DeliverableStatus(raw) if raw in DeliverableStatus._value2member_map_ else None


@bp.route("/deliverables/timeline")
def timeline() -> str:
    """Start-to-due bars, milestones, today; a window of time; by organisation, topic, status."""
    today = utc_today()
    window = timeline_window(request.args.get("window", ""), date_arg("start"), today)
    chart, deliverables, milestones = queries.timeline_for(
        db.session, today, int_arg("organisation"), int_arg("topic"), status_arg(), window
    )
    topics = db.session.execute(select(Topic.id, Topic.title).order_by(Topic.title)).all()
    return render_template(
        "progress/timeline.html",
        chart=chart,
        deliverables=deliverables,
        milestones=milestones,
        window=window,
        window_links=window_links(window),
        filter_options=filter_options(),
        topics=[(str(i), t) for i, t in topics],
        statuses=choices(DeliverableStatus),
    )


def date_arg(name: str) -> date | None:
    """A YYYY-MM-DD query argument as a date, or None when missing or not a date."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def window_links(window: Window) -> list[tuple[str, str, bool]]:
    """(text, url, current) for earlier, later, and each window length, keeping the filters."""
    args = {k: v for k, v in request.args.items() if k not in ("window", "start")}

    def link(span: str, start: date | None = None) -> str:
        values: dict[str, Any] = dict(args, window=span)
        if start is not None:
            values["start"] = start.isoformat()
        return url_for(".timeline", **values)

    links = []
    if window.first is not None:
        links.append((_("← Earlier"), link(window.span, window.shifted(-1)), False))
        links.append((_("Later →"), link(window.span, window.shifted(1)), False))
    links += [
        (_("3 months back, 12 ahead"), link("default"), window.span == "default"),
        (_p("time window", "Quarter"), link("quarter"), window.span == "quarter"),
        (_p("time window", "Year"), link("year"), window.span == "year"),
        (_p("time window", "All"), link("all"), window.span == "all"),
    ]
    return links


@bp.route("/dashboard")
def dashboard() -> str:
    """Deliverables by status and lead organisation, overdue and at risk, overall progress."""
    return render_template(
        "progress/dashboard.html", data=queries.dashboard(db.session, utc_today())
    )


@bp.route("/meetings/<int:meeting_id>/since-last")
def since_last_meeting(meeting_id: int) -> str:
    """What changed on deliverables between the previous meeting of the series and this one."""
    meeting = live_or_404(Meeting, meeting_id)
    return render_template(
        "progress/since_last_meeting.html", since=queries.since_last_meeting(db.session, meeting)
    )


def csv_response(text: str, filename: str) -> Response:
    """A CSV download (UTF-8 with a BOM so spreadsheets read accents right)."""
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/deliverables/export.csv")
def export_deliverables() -> Response:
    """Every live deliverable, one row each."""
    deliverables = db.session.scalars(
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None))
        .order_by(Deliverable.id)
        .options(
            selectinload(Deliverable.lead_organisation),
            selectinload(Deliverable.owner),
            selectinload(Deliverable.health_set_by),
            selectinload(Deliverable.contributors),
            selectinload(Deliverable.topics),
        )
    )
    return csv_response(deliverables_csv(deliverables, utc_today()), "deliverables.csv")


@bp.route("/deliverables/progress.csv")
def export_progress() -> Response:
    """Every progress update of live deliverables, one row each, by effective date."""
    updates = db.session.scalars(
        select(ProgressUpdate)
        .join(Deliverable)
        .where(Deliverable.deleted_at.is_(None))
        .order_by(ProgressUpdate.deliverable_id, *queries.EFFECTIVE_ORDER)
        .options(selectinload(ProgressUpdate.deliverable), selectinload(ProgressUpdate.user))
    )
    return csv_response(progress_csv(updates), "deliverable-progress.csv")


@bp.route("/meetings/export.csv")
def export_meetings() -> Response:
    """Every live meeting, one row each, with UTC instants and the meeting's zone."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.deleted_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
        .options(
            selectinload(Meeting.series),
            selectinload(Meeting.participations).selectinload(Participation.organisation),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.topic),
        )
    )
    return csv_response(meetings_csv(meetings), "meetings.csv")
