"""Admin forms: new users, roles and password resets."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, Length

from tracker.auth.forms import acceptable_password
from tracker.forms import EmailField, StringField, select_choices
from tracker.i18n import _, _l
from tracker.models import Role
from tracker.models.enums import lazy_choices


class UserCreateForm(FlaskForm):
    """A new account with a first password the admin hands over."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=select_choices(lazy_choices(Role)))
    password = PasswordField(
        _l("First password"), validators=[DataRequired(), Length(max=1000), acceptable_password]
    )
    submit = SubmitField(_l("Create user"))


class RoleForm(FlaskForm):
    """Another role for a user."""

    role = SelectField(_l("Role"), choices=select_choices(lazy_choices(Role)))
    submit = SubmitField(_l("Change role"))


class ActiveForm(FlaskForm):
    """Deactivate or reactivate a user."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])
    submit = SubmitField(_l("Apply"))


class PasswordResetForm(FlaskForm):
    """A new password for someone else's account."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1000), acceptable_password]
    )
    submit = SubmitField(_l("Reset password"))


class PersonLinkForm(FlaskForm):
    """Link an account to a person (and so to an organisation)."""

    person_id = SelectField(_l("Person"), validate_choice=False, default="")
    submit = SubmitField(_l("Save link"))

    def validate_person_id(self, field: SelectField) -> None:
        """Blank, or one of the people offered."""
        from wtforms.validators import ValidationError

        if field.data and field.data not in {c.value for c in field.choices or []}:
            raise ValidationError(_("Choose a person from the list."))
