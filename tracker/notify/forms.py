"""Forms for notification preferences and the account's profile."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.forms import StringField, select_choices
from tracker.i18n import LANGUAGES, _, _l
from tracker.notify.kinds import KINDS
from tracker.timefmt import is_zone, zone_choices


class PreferencesForm(FlaskForm):
    """One checkbox per kind of message."""

    submit = SubmitField(_l("Save my choices"))


for _kind in KINDS:
    setattr(PreferencesForm, _kind.key, BooleanField(_kind.label))


def valid_optional_zone(form: FlaskForm, field: Field) -> None:
    """Empty, or a real IANA zone name."""
    value = (field.data or "").strip()
    if value and not is_zone(value):
        raise ValidationError(_("Enter a real IANA time zone, such as Europe/Sofia or Asia/Tokyo."))


class ProfileForm(FlaskForm):
    """The name others see, the zone times are shown in and the interface language."""

    name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=200)])
    timezone = SelectField(
        _l("Home time zone"),
        validators=[Optional(), Length(max=64), valid_optional_zone],
        choices=select_choices(zone_choices(), _l("Each meeting's own zone")),
        validate_choice=False,
    )
    language = SelectField(
        _l("Language"),
        choices=select_choices(list(LANGUAGES.items()), _l("My browser's language")),
        default="",
        validate_choice=True,
    )
    submit = SubmitField(_l("Save profile"))
