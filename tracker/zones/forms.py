"""The zone choice form for readers without an account setting."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectField
from wtforms.validators import ValidationError

from tracker.forms import select_choices
from tracker.i18n import _, _l
from tracker.timefmt import is_zone, zone_choices
from tracker.zones.reader import NO_CONVERSION


def zone_or_none(form: FlaskForm, field: Field) -> None:
    """The field holds a real IANA zone name or the "no conversion" choice."""
    if field.data != NO_CONVERSION and not is_zone(field.data or ""):
        raise ValidationError(_("Choose a real IANA time zone, such as Europe/Sofia."))


class ZoneChoiceForm(FlaskForm):
    """Which zone to show times in beside each meeting's own."""

    zone = SelectField(
        _l("Your time zone"),
        validators=[zone_or_none],
        choices=[
            *select_choices([(NO_CONVERSION, _l("None: each time in its meeting's zone only"))]),
            *select_choices(zone_choices()),
        ],
        validate_choice=False,
    )
    next = HiddenField()
