"""A sample form for the style page: one field of each kind, one of them in error."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired

from tracker.forms import StringField, select_choices


class SampleForm(FlaskForm):
    """Fields as every form shows them; title is required and left empty to show an error."""

    title = StringField("Title", validators=[DataRequired(message="Enter a title.")])
    kind = SelectField("Kind", choices=select_choices([("paper", "Paper"), ("tool", "Tool")]))
    notes = TextAreaField("Notes")
    public = BooleanField("Show to readers")
    size = RadioField("Size", choices=select_choices([("s", "Small"), ("l", "Large")]), default="s")
