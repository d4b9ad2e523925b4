"""Outcome views: logging page, outcomes, actions, minutes, attendance, lifecycle, reports."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth.access import admin_required, editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.inputs import local_path_or
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Deliverable,
    Meeting,
    Organisation,
    OutcomeKind,
    Participation,
    Series,
    Topic,
)
from tracker.operations import Conflict, Refused
from tracker.outcomes import bp
from tracker.outcomes.forms import (
    CarryForm,
    CloseActionForm,
    LifecycleForm,
    MinutesForm,
    NotesForm,
    OutcomeForm,
    ReopenForm,
    TopicRecordForm,
    attendance_form,
)
from tracker.outcomes.operations import (
    LOCKED_MESSAGE,
    MinutesConflict,
    add_action,
    add_outcome,
    advance_meeting,
    carry_agenda_item,
    close_action,
    record_attendance,
    reopen_minutes,
    save_minutes,
    update_notes,
)
from tracker.outcomes.queries import (
    MeetingOutcomes,
    attendance_rows,
    can_edit_minutes,
    is_locked,
    latest_revision,
    meeting_outcomes,
    open_actions_query,
    organisation_attendance,
    record_visible,
    revision_text,
    revisions,
    series_matrix,
    topic_timeline,
)
from tracker.outcomes.report import minutes_template, report_markdown, word_diff
from tracker.views import conflict_response, filter_options, int_arg, live_or_404, paginate
from tracker.zones.reader import reader_zone


def meeting_loads() -> list[Any]:
    """The outcome pages show the meeting's series and agenda topics."""
    # A function, not a constant: building these options at import would configure the
    # mappers before the audit listeners are attached.
    return [
        selectinload(Meeting.series),
        selectinload(Meeting.agenda_items).selectinload(AgendaItem.topic),
    ]


def agenda_item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    """The agenda item with this id on meeting's agenda, or 404."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def outcomes_url(meeting: Meeting) -> str:
    """The logging page of meeting."""
    return url_for("outcomes.meeting", meeting_id=meeting.id)


def refuse(message: Any, back: str) -> BaseResponse:
    """Undo the attempt and show why it was refused as a message on the page it came from."""
    db.session.rollback()
    flash(str(message), "error")
    return redirect(back, 303 if request.method == "POST" else 302)


def outcome_choices(meeting: Meeting) -> tuple[list[Participation], list[Deliverable]]:
    """The participations (with people) and live deliverables an outcome form offers."""
    participations = db.session.scalars(
        select(Participation)
        .join(Organisation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Organisation.name)
        .options(selectinload(Participation.organisation).selectinload(Organisation.people))
    ).all()
    deliverables = db.session.scalars(
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None))
        .order_by(Deliverable.title, Deliverable.id)
    ).all()
    return list(participations), list(deliverables)


def topic_forms(meeting: Meeting, bound: TopicRecordForm | None = None) -> dict[int, Any]:
    """One record form per agenda topic (bound is the submitted one, with its errors)."""
    participations, deliverables = outcome_choices(meeting)
    forms: dict[int, Any] = {}
    for item in meeting.agenda_items:
        if bound is not None and bound.agenda_item.data == str(item.id):
            forms[item.id] = bound
            continue
        form = TopicRecordForm(
            formdata=None,
            prefix=f"t{item.id}",
            meeting=meeting,
            participations=participations,
            deliverables=deliverables,
        )
        form.agenda_item.data = str(item.id)
        form.notes.data = item.notes
        form.version.data = str(item.version)
        form.kind.data = OutcomeKind.DECISION.value
        forms[item.id] = form
    return forms


def render_outcomes_page(meeting: Meeting, bound: TopicRecordForm | None = None) -> str:
    """The outcomes page; editors get inline forms per topic and the attendance form."""
    outcomes = meeting_outcomes(db.session, meeting)
    editable = current_user.is_authenticated and current_user.can_edit and not outcomes.is_approved
    rows = attendance_rows(db.session, meeting) if editable else []
    return render_template(
        "outcomes/meeting.html",
        meeting=meeting,
        meeting_outcomes=outcomes,
        show_record=record_visible(outcomes.is_approved, current_user),
        topic_forms=topic_forms(meeting, bound) if editable else None,
        attendance=attendance_form(rows, meeting.version) if editable else None,
        attendance_rows=rows,
    )


@bp.route("/meetings/<int:meeting_id>/outcomes")
def meeting(meeting_id: int) -> str:
    """Everything logged about a meeting: attendance, carried actions, outcomes, lifecycle."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    return render_outcomes_page(meeting)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/record")
@editor_required
def record(meeting_id: int, item_id: int) -> BaseResponse | tuple[str, int]:
    """Save one topic's notes and, if text is given, one outcome or action, from the page."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    item = agenda_item_of(meeting, item_id)
    back = outcomes_url(meeting) + f"#agenda-item-{item.id}"
    if is_locked(db.session, meeting):
        return refuse(LOCKED_MESSAGE, back)
    participations, deliverables = outcome_choices(meeting)
    form = TopicRecordForm(
        prefix=f"t{item.id}",
        meeting=meeting,
        participations=participations,
        deliverables=deliverables,
    )
    form.agenda_item.data = str(item.id)
    if form.validate_on_submit():
        text = (form.text.data or "").strip()
        try:
            notes_changed = update_notes(item, form.notes.data or "", form.submitted_version())
            if text and form.is_action:
                add_action(db.session, meeting, form.action_values(), current_user)
            elif text:
                add_outcome(db.session, item, OutcomeKind(form.kind.data), text, current_user)
            db.session.flush()
        except Refused as refusal:
            db.session.rollback()
            form.text.errors = [*form.text.errors, str(refusal)]
        except (Conflict, StaleDataError):
            return notes_conflict(meeting, item, form)
        else:
            db.session.commit()
            flash(saved_message(notes_changed, form.kind.data if text else None, item), "success")
            return redirect(back)
    return render_outcomes_page(meeting, form), 400


def saved_message(notes_changed: bool, kind: str | None, item: AgendaItem) -> str:
    """What a save from the outcomes page stored: the notes, a new outcome of kind, both or
    nothing, in one whole sentence."""
    topic = item.topic.title
    if kind is None:
        if notes_changed:
            return _("Saved the notes on %(topic)s.", topic=topic)
        return _("Saved nothing new on %(topic)s.", topic=topic)
    if notes_changed:
        if kind == OutcomeKind.ACTION.value:
            return _("Saved the notes and a new action on %(topic)s.", topic=topic)
        if kind == OutcomeKind.INFORMATION.value:
            return _("Saved the notes and a new information on %(topic)s.", topic=topic)
        return _("Saved the notes and a new decision on %(topic)s.", topic=topic)
    if kind == OutcomeKind.ACTION.value:
        return _("Saved a new action on %(topic)s.", topic=topic)
    if kind == OutcomeKind.INFORMATION.value:
        return _("Saved a new information on %(topic)s.", topic=topic)
    return _("Saved a new decision on %(topic)s.", topic=topic)


def notes_conflict(meeting: Meeting, item: AgendaItem, form: TopicRecordForm) -> tuple[str, int]:
    """The outcomes page again with a 409: what the user typed kept, the other notes shown."""
    db.session.rollback()
    db.session.refresh(item)
    form.version.data = str(item.version)
    form.notes.errors = [
        _(
            "Someone else saved the notes on this topic while you were editing them. Your text "
            "is kept here; their notes now read: “%(notes)s”. Save again to keep yours, or copy "
            "from theirs.",
            notes=item.notes,
        )
    ]
    flash(
        _(
            "The notes on %(topic)s changed since you opened the page; nothing was saved.",
            topic=item.topic.title,
        ),
        "warning",
    )
    return render_outcomes_page(meeting, form), 409


@bp.route("/meetings/<int:meeting_id>/outcomes/new", methods=["GET", "POST"])
@editor_required
def create(meeting_id: int) -> str | BaseResponse:
    """Record information, a decision or an action item."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    if is_locked(db.session, meeting):
        return refuse(LOCKED_MESSAGE, outcomes_url(meeting))
    participations = db.session.scalars(
        select(Participation)
        .join(Organisation)
        .where(Participation.meeting_id == meeting.id)
        .order_by(Organisation.name)
        .options(selectinload(Participation.organisation).selectinload(Organisation.people))
    ).all()
    deliverables = db.session.scalars(
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None))
        .order_by(Deliverable.title, Deliverable.id)
    ).all()
    form = OutcomeForm(meeting=meeting, participations=participations, deliverables=deliverables)
    if request.method == "GET":
        form.agenda_item.data = request.args.get("item", "")
        form.kind.data = request.args.get("kind", OutcomeKind.DECISION.value)
    if form.validate_on_submit():
        try:
            if form.is_action:
                add_action(db.session, meeting, form.action_values(), current_user)
                message = _("The action item was recorded.")
            else:
                item = form.items[form.agenda_item.data]
                kind = OutcomeKind(form.kind.data)
                add_outcome(db.session, item, kind, form.text.data.strip(), current_user)
                if kind == OutcomeKind.INFORMATION:
                    message = _("The information was recorded.")
                else:
                    message = _("The decision was recorded.")
        except Refused as refusal:
            db.session.rollback()
            form.text.errors = [*form.text.errors, str(refusal)]
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(outcomes_url(meeting))
    return render_template("outcomes/form.html", form=form, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/notes", methods=["GET", "POST"])
@editor_required
def notes(meeting_id: int, item_id: int) -> str | BaseResponse | tuple[str, int]:
    """Write the notes of one agenda topic; a save over someone else's gets the conflict page."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    item = agenda_item_of(meeting, item_id)
    if is_locked(db.session, meeting):
        return refuse(LOCKED_MESSAGE, outcomes_url(meeting))
    form = NotesForm(obj=item)
    if form.validate_on_submit():
        try:
            if update_notes(item, form.notes.data or "", form.submitted_version()):
                db.session.commit()
                flash(_("The notes on %(topic)s were saved.", topic=item.topic.title), "success")
        except (Conflict, StaleDataError):
            return conflict_response("outcomes/notes.html", form, item, meeting=meeting, item=item)
        return redirect(outcomes_url(meeting))
    return render_template("outcomes/notes.html", form=form, meeting=meeting, item=item)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/carry", methods=["POST"])
@editor_required
def carry(meeting_id: int, item_id: int) -> BaseResponse:
    """Move or copy an agenda topic, with its open actions, to the next meeting."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    item = agenda_item_of(meeting, item_id)
    form = CarryForm()
    if not form.validate_on_submit():
        abort(400)
    move = form.mode.data == "move"
    title = item.topic.title
    try:
        target, _target_item = carry_agenda_item(db.session, item, move=move)
    except Refused as refusal:
        return refuse(str(refusal), outcomes_url(meeting) + f"#agenda-item-{item_id}")
    db.session.commit()
    if move:
        message = _(
            "%(topic)s was moved to %(meeting)s with its open actions.",
            topic=title,
            meeting=target.title,
        )
    else:
        message = _(
            "%(topic)s was copied to %(meeting)s with its open actions.",
            topic=title,
            meeting=target.title,
        )
    flash(message, "success")
    return redirect(outcomes_url(meeting))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@editor_required
def attendance(meeting_id: int) -> str | BaseResponse | tuple[str, int]:
    """Mark which organisations, and which of their people, attended."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    if is_locked(db.session, meeting):
        return refuse(LOCKED_MESSAGE, outcomes_url(meeting))
    rows = attendance_rows(db.session, meeting)
    form = attendance_form(rows, meeting.version)
    if form.validate_on_submit():
        states = {
            row.participation.organisation_id: Attendance(
                form[f"org_{row.participation.organisation_id}"].data
            )
            for row in rows
        }
        people = [int(value) for value in form.people.data or []]
        try:
            record_attendance(db.session, meeting, states, people, form.submitted_version())
            db.session.commit()
        except Refused as refusal:
            return refuse(str(refusal), outcomes_url(meeting))
        except (Conflict, StaleDataError):
            return conflict_response(
                "outcomes/attendance.html", form, meeting, meeting=meeting, rows=rows
            )
        flash(_("Attendance was saved."), "success")
        return redirect(outcomes_url(meeting))
    return render_template("outcomes/attendance.html", form=form, meeting=meeting, rows=rows)


@bp.route("/meetings/<int:meeting_id>/lifecycle", methods=["POST"])
@editor_required
def lifecycle(meeting_id: int) -> BaseResponse:
    """Take the next step: planned, confirmed, held, minutes approved."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    form = LifecycleForm()
    if not form.validate_on_submit():
        abort(400)
    two_person = bool(current_app.config.get("TRACKER_TWO_PERSON_APPROVAL", False))
    try:
        message = advance_meeting(db.session, meeting, form.step.data, current_user, two_person)
        db.session.commit()
    except Refused as refusal:
        return refuse(str(refusal), outcomes_url(meeting))
    except StaleDataError:
        return refuse(
            _("Someone else changed this meeting at the same moment. Reload it and try again."),
            outcomes_url(meeting),
        )
    flash(message, "success")
    return redirect(outcomes_url(meeting))


@bp.route("/meetings/<int:meeting_id>/reopen", methods=["GET", "POST"])
@admin_required
def reopen(meeting_id: int) -> str | BaseResponse:
    """An admin reopens approved minutes with a reason, which goes to the audit trail."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    form = ReopenForm()
    if not is_locked(db.session, meeting):
        if request.method == "POST":
            return refuse(
                _("These minutes are not approved, so there is nothing to reopen."),
                outcomes_url(meeting),
            )
        return render_template("outcomes/reopen.html", form=None, meeting=meeting)
    if form.validate_on_submit():
        try:
            reopen_minutes(db.session, meeting, current_user, form.reason.data or "")
        except Refused as refusal:
            form.reason.errors = [*form.reason.errors, str(refusal)]
        else:
            db.session.commit()
            flash(_("The minutes were reopened and are no longer approved."), "success")
            return redirect(outcomes_url(meeting))
    return render_template("outcomes/reopen.html", form=form, meeting=meeting)


@bp.route("/actions/")
def actions() -> str:
    """Open action items, filtered by owner organisation, series and overdue."""
    overdue = request.args.get("overdue") == "1"
    query = open_actions_query(
        int_arg("owner"),
        int_arg("series"),
        overdue,
        approved_only=not current_user.is_authenticated,
    )
    return render_template(
        "outcomes/actions.html",
        pagination=paginate(query),
        filter_options=filter_options(),
        overdue=overdue,
        close_form=CloseActionForm(),
    )


@bp.route("/actions/<int:action_id>/close", methods=["POST"])
@editor_required
def close(action_id: int) -> BaseResponse | tuple[str, int]:
    """Close an open action as done or dropped, then go back where the button was."""
    action = db.get_or_404(ActionItem, action_id)
    if action.meeting.deleted_at is not None:
        abort(404)  # deleted means read-only: the actions of a deleted meeting too
    form = CloseActionForm()
    back = local_path_or(form.next.data, url_for("outcomes.actions"))
    if not form.validate_on_submit():
        flash(_("Choose done or dropped to close the action."), "error")
        return redirect(back)
    try:
        close_action(action, ActionStatus(form.status.data), current_user)
    except Refused as refusal:
        flash(str(refusal), "warning")
        return redirect(back)
    db.session.commit()
    if action.status == ActionStatus.DONE:
        closed = _("The action “%(action)s” is done.", action=action.text[:60])
    else:
        closed = _("The action “%(action)s” is dropped.", action=action.text[:60])
    flash(closed, "success")
    return redirect(back)


@bp.get("/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id: int) -> str:
    """The meeting's minutes, with the edit form for those who may still change them."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    outcomes = meeting_outcomes(db.session, meeting)
    form = MinutesForm()
    form.text.data = meeting.minutes
    if not meeting.minutes and outcomes.revision_number == 0:
        form.text.data = minutes_template([entry.item.topic.title for entry in outcomes.agenda])
    form.base_revision.data = str(outcomes.revision_number)
    return render_minutes(form, meeting, outcomes)


@bp.post("/meetings/<int:meeting_id>/minutes")
@editor_required
def save(meeting_id: int) -> str | BaseResponse | tuple[str, int]:
    """Save the minutes as a new revision; never silently over someone else's save."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    form = MinutesForm()
    if "preview" in request.form and form.validate_on_submit():
        # Shown through the same Markdown sanitiser as the saved minutes; nothing is saved.
        return render_minutes(
            form, meeting, meeting_outcomes(db.session, meeting), preview=form.text.data or ""
        )
    if form.validate_on_submit():
        try:
            revision = save_minutes(
                db.session, meeting, form.text.data, form.base_number(), current_user
            )
            db.session.commit()
        except Refused as refusal:
            return refuse(str(refusal), url_for("outcomes.minutes", meeting_id=meeting.id))
        except MinutesConflict as conflict:
            return minutes_conflict(form, meeting, conflict.latest)
        except (IntegrityError, StaleDataError):
            db.session.rollback()
            return minutes_conflict(form, meeting, latest_revision(db.session, meeting))
        if revision is None:
            flash(_("The minutes did not change."), "info")
        else:
            flash(
                _("The minutes were saved as revision %(number)d.", number=revision.number),
                "success",
            )
        return redirect(url_for("outcomes.minutes", meeting_id=meeting.id))
    return render_minutes(form, meeting, meeting_outcomes(db.session, meeting))


def render_minutes(
    form: MinutesForm, meeting: Meeting, outcomes: MeetingOutcomes, **extra: Any
) -> str:
    """The minutes page: rendered minutes, and the form when the user may edit them."""
    editable = current_user.is_authenticated and can_edit_minutes(
        outcomes.is_approved, current_user
    )
    return render_template(
        "outcomes/minutes.html",
        form=form,
        meeting=meeting,
        meeting_outcomes=outcomes,
        editable=editable,
        show_record=record_visible(outcomes.is_approved, current_user),
        **extra,
    )


def minutes_conflict(form: MinutesForm, meeting: Meeting, latest: Any) -> tuple[str, int]:
    """The minutes page again with a 409: their saved text beside what the user typed."""
    db.session.rollback()
    db.session.refresh(meeting)
    theirs = getattr(latest, "text", "")
    number = getattr(latest, "number", 0)
    form.base_revision.data = str(number)
    flash(
        _(
            "Someone else saved these minutes while you were editing. Your text is kept below; "
            "compare it with theirs, merge what you need and save again."
        ),
        "warning",
    )
    return (
        render_minutes(
            form,
            meeting,
            meeting_outcomes(db.session, meeting),
            conflict=latest,
            conflict_diff=word_diff(theirs, form.text.data or ""),
        ),
        409,
    )


@bp.route("/meetings/<int:meeting_id>/minutes/revisions")
def revisions_page(meeting_id: int) -> str:
    """The minutes' revision history, and the difference between any two revisions."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    approved = is_locked(db.session, meeting)
    if not record_visible(approved, current_user):
        return render_template(
            "outcomes/revisions.html", meeting=meeting, history=[], diff=None, show_record=False
        )
    history = revisions(db.session, meeting)
    newest = history[0].number if history else 0
    old_number = int_arg("from")
    new_number = int_arg("to")
    diff = None
    if old_number is not None and new_number is not None:
        old_text = revision_text(db.session, meeting, old_number)
        new_text = revision_text(db.session, meeting, new_number)
        if old_text is None or new_text is None:
            abort(404)
        diff = word_diff(old_text, new_text)
    return render_template(
        "outcomes/revisions.html",
        meeting=meeting,
        history=history,
        diff=diff,
        old_number=old_number if old_number is not None else max(newest - 1, 0),
        new_number=new_number if new_number is not None else newest,
        show_record=True,
        approved=approved,
    )


@bp.route("/meetings/<int:meeting_id>/report")
def report(meeting_id: int) -> str:
    """A printable report: attendees, decisions, actions and minutes."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    outcomes = meeting_outcomes(db.session, meeting)
    return render_template(
        "outcomes/report.html",
        meeting=meeting,
        meeting_outcomes=outcomes,
        show_record=record_visible(outcomes.is_approved, current_user),
    )


@bp.route("/meetings/<int:meeting_id>/report.md")
def report_md(meeting_id: int) -> Response:
    """The report as a Markdown file to download."""
    meeting = live_or_404(Meeting, meeting_id, meeting_loads())
    outcomes = meeting_outcomes(db.session, meeting)
    text = report_markdown(
        outcomes, record_visible(outcomes.is_approved, current_user), reader_zone()
    )
    filename = f"meeting-{meeting.number}-report.md"
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/topics/<int:topic_id>/timeline")
def timeline(topic_id: int) -> str:
    """A topic across meetings, with the deliverables linked to it."""
    topic = db.get_or_404(Topic, topic_id)
    return render_template(
        "outcomes/timeline.html", topic=topic, timeline=topic_timeline(db.session, topic)
    )


@bp.route("/organisations/<int:organisation_id>/attendance")
def organisation(organisation_id: int) -> str:
    """An organisation's attendance record across the series."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "outcomes/organisation.html",
        organisation=organisation,
        attendance_record=organisation_attendance(db.session, organisation),
    )


@bp.route("/series/<int:series_id>/participation")
def series(series_id: int) -> str:
    """The participation matrix of a series: organisations by meetings."""
    series = db.get_or_404(Series, series_id)
    return render_template(
        "outcomes/series.html", series=series, matrix=series_matrix(db.session, series)
    )
