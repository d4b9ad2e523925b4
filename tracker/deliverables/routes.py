"""Deliverable views."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import admin_required, editor_required
from tracker.deliverables import bp
from tracker.deliverables.forms import DeliverableForm
from tracker.deliverables.operations import (
    FieldRefused,
    create_deliverable,
    organisations_by_id,
    restore_deliverable,
    soft_delete_deliverable,
    topics_by_id,
    update_deliverable,
)
from tracker.extensions import db
from tracker.inputs import parse_int
from tracker.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Meeting,
    Organisation,
    deliverable_contributor,
)
from tracker.models.enums import choices
from tracker.operations import Conflict
from tracker.progress.routes import progress_context
from tracker.views import conflict_response, filter_options, int_arg, paginate

DONE = (DeliverableStatus.PUBLISHED, DeliverableStatus.DROPPED)


def get_deliverable(deliverable_id: int, allow_deleted: bool = False) -> Deliverable:
    """The deliverable, or 404 when unknown or soft-deleted (unless allowed)."""
    deliverable = db.get_or_404(Deliverable, deliverable_id)
    if deliverable.deleted_at is not None and not allow_deleted:
        abort(404)
    return deliverable


def show_deleted() -> bool:
    """Whether an admin asked to see the deleted deliverables."""
    return request.args.get("deleted") == "1" and bool(
        current_user.is_authenticated and current_user.is_admin
    )


@bp.route("/")
def list() -> str:
    """Deliverables, filtered by series, status, organisation, country, year, kind, overdue."""
    deleted = show_deleted()
    query = (
        select(Deliverable)
        .join(Deliverable.lead_organisation)
        .where(Deliverable.deleted_at.is_not(None) if deleted else Deliverable.deleted_at.is_(None))
        .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.title)
        .options(selectinload(Deliverable.lead_organisation))
    )
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    country = request.args.get("country", "").upper()
    q = request.args.get("q", "").strip()
    series_id = int_arg("series")
    organisation_id = int_arg("organisation")
    year = int_arg("year")
    if status in DeliverableStatus._value2member_map_:
        query = query.where(Deliverable.status == DeliverableStatus(status))
    if kind in DeliverableKind._value2member_map_:
        query = query.where(Deliverable.kind == DeliverableKind(kind))
    if country:
        query = query.where(Organisation.country == country)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Deliverable.title.ilike(like), Deliverable.description.ilike(like)))
    if series_id:
        query = query.where(
            Deliverable.meeting_id.in_(select(Meeting.id).where(Meeting.series_id == series_id))
        )
    if organisation_id:
        query = query.where(
            or_(
                Deliverable.lead_organisation_id == organisation_id,
                Deliverable.id.in_(
                    select(deliverable_contributor.c.deliverable_id).where(
                        deliverable_contributor.c.organisation_id == organisation_id
                    )
                ),
            )
        )
    if year:
        query = query.where(extract("year", Deliverable.due_date) == year)
    if request.args.get("overdue") == "1":
        query = query.where(Deliverable.due_date < date.today(), Deliverable.status.not_in(DONE))
    options = filter_options(choices(DeliverableKind))
    due_dates = db.session.scalars(
        select(Deliverable.due_date).where(Deliverable.due_date.is_not(None)).distinct()
    )
    options.years = [
        (str(y), str(y)) for y in sorted({d.year for d in due_dates if d}, reverse=True)
    ]
    return render_template(
        "deliverables/list.html",
        pagination=paginate(query),
        filter_options=options,
        statuses=choices(DeliverableStatus),
        deleted=deleted,
    )


@bp.route("/<int:deliverable_id>")
def detail(deliverable_id: int) -> str:
    """One deliverable with its lead, contributors, topics and origin meeting."""
    allow = bool(current_user.is_authenticated and current_user.is_admin)
    deliverable = get_deliverable(deliverable_id, allow_deleted=allow)
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
            flash(f"Deliverable {deliverable.title} was added.", "success")
            return redirect(url_for(".detail", deliverable_id=deliverable.id))
    return render_template("deliverables/form.html", form=form, deliverable=None)


@bp.route("/<int:deliverable_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(deliverable_id: int) -> str | Response | tuple[str, int]:
    """Change a deliverable."""
    deliverable = get_deliverable(deliverable_id)
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
            flash(f"Deliverable {deliverable.title} was saved.", "success")
            return redirect(url_for(".detail", deliverable_id=deliverable.id))
    return render_template("deliverables/form.html", form=form, deliverable=deliverable)


@bp.route("/<int:deliverable_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(deliverable_id: int) -> str | Response:
    """Confirm, then hide a deliverable (an admin can restore it)."""
    deliverable = get_deliverable(deliverable_id)
    if request.method == "POST":
        soft_delete_deliverable(deliverable)
        db.session.commit()
        flash(f"Deliverable {deliverable.title} was deleted. An admin can restore it.", "success")
        return redirect(url_for(".list"))
    return render_template("deliverables/delete.html", deliverable=deliverable)


@bp.route("/<int:deliverable_id>/restore", methods=["POST"])
@admin_required
def restore(deliverable_id: int) -> Response:
    """Bring back a soft-deleted deliverable."""
    deliverable = get_deliverable(deliverable_id, allow_deleted=True)
    if deliverable.deleted_at is None:
        flash(f"Deliverable {deliverable.title} is not deleted.", "warning")
    else:
        restore_deliverable(deliverable)
        db.session.commit()
        flash(f"Deliverable {deliverable.title} was restored.", "success")
    return redirect(url_for(".detail", deliverable_id=deliverable.id))
