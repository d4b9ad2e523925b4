"""Deliverable views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import admin_required, editor_required
from tracker.deliverables import bp
from tracker.deliverables.forms import DeliverableForm
from tracker.deliverables.operations import (
    FieldRefused,
    create_deliverable,
    restore_deliverable,
    soft_delete_deliverable,
    update_deliverable,
)
from tracker.deliverables.queries import (
    DeliverableFilter,
    deliverable_list_query,
    due_years,
    organisations_by_id,
    owner_choices,
    topics_by_id,
)
from tracker.extensions import db
from tracker.i18n import _
from tracker.inputs import parse_int
from tracker.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    utc_today,
)
from tracker.models.enums import choices
from tracker.operations import Conflict
from tracker.progress.routes import progress_context
from tracker.views import conflict_response, filter_options, live_or_404, paginate


def is_admin() -> bool:
    """Whether the reader is a logged-in admin (who may see deleted deliverables)."""
    return bool(current_user.is_authenticated and current_user.is_admin)


@bp.route("/")
def list() -> str:
    """Deliverables, filtered by series, status, organisation, country, year, kind, overdue."""
    filters = DeliverableFilter.from_args(request.args, may_see_deleted=is_admin())
    query = deliverable_list_query(filters, utc_today())
    options = filter_options(choices(DeliverableKind))
    options.years = due_years(db.session)
    return render_template(
        "deliverables/list.html",
        owners=owner_choices(db.session),
        pagination=paginate(query),
        filter_options=options,
        statuses=choices(DeliverableStatus),
        deleted=filters.deleted,
    )


@bp.route("/<int:deliverable_id>")
def detail(deliverable_id: int) -> str:
    """One deliverable with its lead, contributors, topics and origin meeting."""
    deliverable = live_or_404(Deliverable, deliverable_id, allow_deleted=is_admin())
    return render_template(
        "deliverables/detail.html",
        deliverable=deliverable,
        audit_events=visible_audit_for(db.session, current_user, "deliverable", deliverable.id),
        **progress_context(deliverable),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Add a deliverable."""
    form = DeliverableForm()
    if request.method == "GET":
        if parse_int(request.args.get("meeting", "")) is not None:
            form.meeting_id.data = request.args["meeting"]
        if parse_int(request.args.get("lead", "")) is not None:
            form.lead_organisation_id.data = request.args["lead"]
    if form.validate_on_submit():
        try:
            deliverable = create_deliverable(
                db.session,
                form.values(),
                organisations_by_id(db.session, form.contributor_id_list()),
                topics_by_id(db.session, form.topic_id_list()),
                current_user,
            )
        except FieldRefused as refusal:
            db.session.rollback()
            form[refusal.field].errors = [str(refusal)]
        else:
            db.session.commit()
            flash(_("Deliverable %(title)s was added.", title=deliverable.title), "success")
            return redirect(url_for(".detail", deliverable_id=deliverable.id))
    return render_template("deliverables/form.html", form=form, deliverable=None)


@bp.route("/<int:deliverable_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(deliverable_id: int) -> str | Response | tuple[str, int]:
    """Change a deliverable."""
    deliverable = live_or_404(Deliverable, deliverable_id)
    form = DeliverableForm(obj=deliverable, current=deliverable)
    if request.method == "GET":
        form.load(deliverable)
    if form.validate_on_submit():
        try:
            update_deliverable(
                db.session,
                deliverable,
                form.values(),
                organisations_by_id(db.session, form.contributor_id_list()),
                topics_by_id(db.session, form.topic_id_list()),
                form.submitted_version(),
                current_user,
            )
            db.session.commit()
        except Conflict:
            return conflict_response(
                "deliverables/form.html", form, deliverable, deliverable=deliverable
            )
        except FieldRefused as refusal:
            db.session.rollback()
            form[refusal.field].errors = [str(refusal)]
        else:
            flash(_("Deliverable %(title)s was saved.", title=deliverable.title), "success")
            return redirect(url_for(".detail", deliverable_id=deliverable.id))
    return render_template("deliverables/form.html", form=form, deliverable=deliverable)


@bp.route("/<int:deliverable_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(deliverable_id: int) -> str | Response:
    """Confirm, then hide a deliverable (an admin can restore it)."""
    deliverable = live_or_404(Deliverable, deliverable_id)
    if request.method == "POST":
        soft_delete_deliverable(deliverable)
        db.session.commit()
        flash(
            _(
                "Deliverable %(title)s was deleted. An admin can restore it.",
                title=deliverable.title,
            ),
            "success",
        )
        return redirect(url_for(".list"))
    return render_template("deliverables/delete.html", deliverable=deliverable)


@bp.route("/<int:deliverable_id>/restore", methods=["POST"])
@admin_required
def restore(deliverable_id: int) -> Response:
    """Bring back a soft-deleted deliverable."""
    deliverable = live_or_404(Deliverable, deliverable_id, allow_deleted=True)
    if deliverable.deleted_at is None:
        flash(_("Deliverable %(title)s is not deleted.", title=deliverable.title), "warning")
    else:
        restore_deliverable(deliverable)
        db.session.commit()
        flash(_("Deliverable %(title)s was restored.", title=deliverable.title), "success")
    return redirect(url_for(".detail", deliverable_id=deliverable.id))
