"""Organisation views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.models import (
    Deliverable,
    Meeting,
    Organisation,
    OrganisationKind,
    Participation,
    deliverable_contributor,
)
from tracker.models.enums import choices
from tracker.organisations import bp
from tracker.organisations.forms import OrganisationForm
from tracker.organisations.operations import (
    create_organisation,
    delete_organisation,
    update_organisation,
)
from tracker.organisations.queries import reference_text, references
from tracker.outcomes.queries import organisation_attendance
from tracker.views import confirm_and_delete, filter_options, int_arg, paginate, save_edit


@bp.route("/")
def list() -> str:
    """All organisations, filtered by country, kind, series, year and text."""
    query = select(Organisation).order_by(Organisation.name)
    country = request.args.get("country", "").upper()
    kind = request.args.get("kind", "")
    q = request.args.get("q", "").strip()
    series_id = int_arg("series")
    year = int_arg("year")
    if country:
        query = query.where(Organisation.country == country)
    if kind in OrganisationKind._value2member_map_:
        query = query.where(Organisation.kind == OrganisationKind(kind))
    if q:
        like = f"%{q}%"
        query = query.where(or_(Organisation.name.ilike(like), Organisation.short_name.ilike(like)))
    if series_id or year:
        sub = (
            select(Participation.organisation_id).join(Meeting).where(Meeting.deleted_at.is_(None))
        )
        if series_id:
            sub = sub.where(Meeting.series_id == series_id)
        if year:
            sub = sub.where(extract("year", Meeting.starts_at) == year)
        query = query.where(Organisation.id.in_(sub))
    pagination = paginate(query)
    return render_template(
        "organisations/list.html",
        pagination=pagination,
        filter_options=filter_options(choices(OrganisationKind)),
    )


@bp.route("/<int:organisation_id>")
def detail(organisation_id: int) -> str:
    """One organisation with its people, meetings and deliverables."""
    organisation = db.get_or_404(Organisation, organisation_id)
    meetings = db.session.scalars(
        select(Meeting)
        .join(Participation)
        .where(Participation.organisation_id == organisation.id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .options(selectinload(Meeting.series))
    ).all()
    deliverables = db.session.scalars(
        select(Deliverable)
        .where(
            Deliverable.deleted_at.is_(None),
            or_(
                Deliverable.lead_organisation_id == organisation.id,
                Deliverable.id.in_(
                    select(deliverable_contributor.c.deliverable_id).where(
                        deliverable_contributor.c.organisation_id == organisation.id
                    )
                ),
            ),
        )
        .order_by(Deliverable.due_date.is_(None), Deliverable.due_date, Deliverable.id)
        .options(selectinload(Deliverable.lead_organisation))
    ).all()
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        meetings=meetings,
        deliverables=deliverables,
        attendance_record=organisation_attendance(db.session, organisation),
        audit_events=visible_audit_for(db.session, current_user, "organisation", organisation.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Add an organisation."""
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = create_organisation(db.session, form.values())
        db.session.commit()
        flash(
            _(
                "Organisation %(name)s was added. Next, add its representatives "
                "on the People page or invite it to a meeting.",
                name=organisation.name,
            ),
            "success",
        )
        return redirect(url_for(".detail", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(organisation_id: int) -> str | Response | tuple[str, int]:
    """Change an organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(obj=organisation, current=organisation)
    if request.method == "GET":
        form.kind.data = organisation.kind.value
    return save_edit(
        "organisations/form.html",
        form,
        organisation,
        "organisation",
        lambda: update_organisation(organisation, form.values(), form.submitted_version()),
        lambda: _("Organisation %(name)s was saved.", name=organisation.name),
    )


@bp.route("/<int:organisation_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(organisation_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete an organisation that nothing refers to."""
    organisation = db.get_or_404(Organisation, organisation_id)
    return confirm_and_delete(
        "organisations/delete.html",
        {"organisation": organisation, "reference_text": reference_text},
        lambda: references(db.session, organisation),
        lambda: delete_organisation(db.session, organisation),
        _(
            "Organisation %(name)s was deleted. It cannot be restored; "
            "add it again if that was a mistake.",
            name=organisation.name,
        ),
    )
