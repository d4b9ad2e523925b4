"""A sample form for the style page: one field of each kind, one of them in error."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from tracker.forms import StringField, select_choices
from tracker.i18n import _l


class SampleForm(FlaskForm):
    """Fields as every form shows them; title is required and left empty to show an error."""

    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter a title."))])
    kind = SelectField(
        _l("Kind"), choices=select_choices([("paper", _l("Paper")), ("tool", _l("Tool"))])
    )
    notes = TextAreaField(_l("Notes"))
    public = BooleanField(_l("Show to readers"))
    size = RadioField(
        _l("Size"), choices=select_choices([("s", _l("Small")), ("l", _l("Large"))]), default="s"
    )
