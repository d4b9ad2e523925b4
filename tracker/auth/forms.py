"""Login and password forms."""

from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from tracker.auth.passwords import password_problem
from tracker.forms import EmailField
from tracker.i18n import _l


def acceptable_password(form: FlaskForm, field: PasswordField) -> None:
    """At least 8 characters, not a common password, not the email's name; no composition
    rules. The email is the form's own field, or the logged-in user's for their account."""
    email_field = getattr(form, "email", None)
    email = str(email_field.data or "") if email_field is not None else ""
    if not email and current_user.is_authenticated and "current_password" in form:
        email = current_user.email
    problem = password_problem(field.data or "", email)
    if problem:
        raise ValidationError(problem)


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(FlaskForm):
    """One's own new password, confirmed by the current one."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1000)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1000), acceptable_password]
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))
