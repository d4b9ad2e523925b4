"""Admin views: users, the audit trail and deleted records."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.admin import bp
from tracker.admin.forms import (
    ActiveForm,
    PasswordResetForm,
    PersonLinkForm,
    RoleForm,
    UserCreateForm,
)
from tracker.admin.operations import (
    change_role,
    link_person,
    reset_password,
    set_active,
)
from tracker.admin.queries import deleted_records
from tracker.audit import AuditFilter, audit_choices, audit_query
from tracker.auth.access import admin_required
from tracker.auth.operations import AccountError, create_user
from tracker.extensions import db
from tracker.i18n import _
from tracker.inputs import parse_int
from tracker.models import Role, User
from tracker.operations import Refused
from tracker.templating import enum_label
from tracker.views import paginate


def role_changed(email: str, role: Role) -> str:
    """What the role form says after a change: one whole sentence per role."""
    if role == Role.ADMIN:
        return _("%(email)s is now admin.", email=email)
    if role == Role.ORGANISER:
        return _("%(email)s is now organiser.", email=email)
    return _("%(email)s is now viewer.", email=email)


def acting_admin() -> User:
    """The logged-in admin as a model in this session."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    return user


@bp.route("/")
@admin_required
def users() -> str:
    """Every account with its role and state."""
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("admin/users.html", users=accounts)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def create() -> str | Response:
    """Add an account."""
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db.session,
                form.email.data or "",
                form.password.data or "",
                Role(form.role.data),
                name=(form.name.data or "").strip(),
            )
        except AccountError as error:
            db.session.rollback()
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("User %(email)s was created.", email=user.email), "success")
            return redirect(url_for(".user", user_id=user.id))
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>")
@admin_required
def user(user_id: int) -> str:
    """One account: change its role, deactivate it or reset its password."""
    account = db.get_or_404(User, user_id)
    role_form = RoleForm(role=account.role.value)
    return render_template(
        "admin/user.html",
        account=account,
        role_form=role_form,
        active_form=ActiveForm(active="1" if not account.active else "0"),
        password_form=PasswordResetForm(),
        person_form=person_form_for(account),
    )


def person_form_for(account: User, formdata: object = None) -> PersonLinkForm:
    """The person-link form with every person offered, the current link chosen."""
    from tracker.deliverables.forms import person_choices
    from tracker.forms import select_choices

    form = (
        PersonLinkForm(formdata=None, person_id=str(account.person_id or ""))
        if formdata is None
        else PersonLinkForm()
    )
    form.person_id.choices = select_choices(person_choices(), _("No person"))
    return form


@bp.route("/users/<int:user_id>/person", methods=["POST"])
@admin_required
def person(user_id: int) -> Response:
    """Link an account to a person (their organisation follows), or unlink it."""
    account = db.get_or_404(User, user_id)
    form = person_form_for(account, request.form)
    if form.validate_on_submit():
        raw = form.person_id.data or ""
        try:
            link_person(db.session, account, parse_int(raw) if raw else None)
        except Refused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            if account.person:
                message = _(
                    "%(email)s is linked to %(person)s.",
                    email=account.email,
                    person=account.person.name,
                )
            else:
                message = _("%(email)s is linked to no person.", email=account.email)
            flash(message, "success")
    else:
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for(".user", user_id=account.id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def role(user_id: int) -> Response:
    """Give an account another role."""
    account = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            change_role(db.session, account, Role(form.role.data), acting_admin())
        except Refused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(role_changed(account.email, account.role), "success")
    else:
        flash(_("Choose one of the roles."), "error")
    return redirect(url_for(".user", user_id=account.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def active(user_id: int) -> Response:
    """Deactivate an account (its sessions and feeds stop at once) or reactivate it."""
    account = db.get_or_404(User, user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            set_active(db.session, account, form.active.data == "1", acting_admin())
        except Refused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            if account.active:
                flash(_("%(email)s is active.", email=account.email), "success")
            else:
                flash(_("%(email)s is deactivated.", email=account.email), "success")
    return redirect(url_for(".user", user_id=account.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def password(user_id: int) -> str | Response:
    """Set a new password for an account; its sessions end."""
    account = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_password(account, form.password.data or "")
        except AccountError as error:
            db.session.rollback()
            form.password.errors = [str(error)]
            return render_template("admin/password.html", account=account, form=form)
        db.session.commit()
        flash(
            _("The password of %(email)s was reset; their sessions ended.", email=account.email),
            "success",
        )
        return redirect(url_for(".user", user_id=account.id))
    return render_template("admin/password.html", account=account, form=form)


@bp.route("/audit")
@admin_required
def audit() -> str:
    """The audit trail, filtered by record type, record, user and action."""
    filters = AuditFilter.from_args(request.args)
    entities, actions = audit_choices(db.session)
    accounts = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template(
        "admin/audit.html",
        pagination=paginate(audit_query(filters)),
        filters=filters,
        entity_options=[(e, enum_label(e)) for e in entities],
        action_options=[(a, enum_label(a)) for a in actions],
        user_options=[(str(u.id), u.email) for u in accounts],
    )


@bp.route("/deleted")
@admin_required
def deleted() -> str:
    """Soft-deleted meetings and deliverables, with restore buttons."""
    views = current_app.view_functions
    return render_template(
        "admin/deleted.html",
        records=deleted_records(db.session),
        can_restore_meetings="meetings.restore" in views,
        can_restore_deliverables="deliverables.restore" in views,
    )
