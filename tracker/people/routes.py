"""People views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.inputs import parse_int
from tracker.models import Organisation, Person
from tracker.people import bp
from tracker.people.forms import PersonForm
from tracker.people.operations import create_person, delete_person, update_person
from tracker.people.queries import reference_text, references
from tracker.views import confirm_and_delete, filter_options, int_arg, paginate, save_edit


@bp.route("/")
def list() -> str:
    """All people, filtered by organisation, country and text."""
    query = (
        select(Person)
        .join(Person.organisation)
        .order_by(Person.name, Person.id)
        .options(selectinload(Person.organisation))
    )
    organisation_id = int_arg("organisation")
    country = request.args.get("country", "").upper()
    q = request.args.get("q", "").strip()
    if organisation_id:
        query = query.where(Person.organisation_id == organisation_id)
    if country:
        query = query.where(Organisation.country == country)
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(Person.name.ilike(like), Person.email.ilike(like), Person.role.ilike(like))
        )
    return render_template(
        "people/list.html", pagination=paginate(query), filter_options=filter_options()
    )


@bp.route("/<int:person_id>")
def detail(person_id: int) -> str:
    """One person and their organisation."""
    person = db.get_or_404(Person, person_id)
    return render_template(
        "people/detail.html",
        person=person,
        audit_events=visible_audit_for(db.session, current_user, "person", person.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Add a person."""
    form = PersonForm()
    if request.method == "GET" and parse_int(request.args.get("organisation", "")) is not None:
        form.organisation_id.data = request.args["organisation"]
    if form.validate_on_submit():
        person = create_person(db.session, form.values())
        db.session.commit()
        flash(_("%(name)s was added.", name=person.name), "success")
        return redirect(url_for(".detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(person_id: int) -> str | Response | tuple[str, int]:
    """Change a person."""
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person, current=person)
    if request.method == "GET":
        form.organisation_id.data = str(person.organisation_id)
    return save_edit(
        "people/form.html",
        form,
        person,
        "person",
        lambda: update_person(person, form.values(), form.submitted_version()),
        lambda: _("%(name)s was saved.", name=person.name),
    )


@bp.route("/<int:person_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(person_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a person that nothing refers to."""
    person = db.get_or_404(Person, person_id)
    return confirm_and_delete(
        "people/delete.html",
        {"person": person, "reference_text": reference_text},
        lambda: references(db.session, person),
        lambda: delete_person(db.session, person),
        _("%(name)s was deleted.", name=person.name),
    )
