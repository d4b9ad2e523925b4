"""Forms of the progress feature: status moves, progress updates, milestones, tracking mode."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.forms import DateField, IntegerField, StringField, select_choices
from tracker.i18n import _, _l
from tracker.inputs import is_local_path, parse_int
from tracker.models import DeliverableHealth, DeliverableStatus, utc_today
from tracker.models.enums import lazy_choices


def safe_next(form: FlaskForm, field: HiddenField) -> None:
    """Only a path on this site may be the page to return to."""
    if field.data and not is_local_path(field.data):
        raise ValidationError(_("Unsafe return address."))


class StatusForm(FlaskForm):
    """Move a deliverable to another status."""

    status = SelectField(_l("Move to"), choices=select_choices(lazy_choices(DeliverableStatus)))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    version = HiddenField()
    next = HiddenField(validators=[safe_next])

    def submitted_version(self) -> int | None:
        """The deliverable version the form was rendered from, if sent."""
        raw = self.version.data
        return parse_int(raw) if raw else None

    def target(self) -> DeliverableStatus:
        """The chosen status."""
        return DeliverableStatus(self.status.data)


class ProgressUpdateForm(FlaskForm):
    """Record a new progress percentage."""

    percent = IntegerField(
        _l("Progress (%)"),
        validators=[
            InputRequired(_l("Enter a percentage.")),
            NumberRange(0, 100, _l("Enter a whole number from 0 to 100.")),
        ],
    )
    recorded_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    note = StringField(
        _l("What changed"),
        validators=[DataRequired(_l("Say briefly what changed.")), Length(max=300)],
    )

    def validate_recorded_on(self, field: DateField) -> None:
        """Updates describe the past or today."""
        if field.data and field.data > utc_today():
            raise ValidationError(_("The date cannot be in the future."))


class MilestoneForm(FlaskForm):
    """Add a milestone."""

    title = StringField(_l("Milestone"), validators=[DataRequired(), Length(max=300)])
    due_date = DateField(_l("Due date"), validators=[Optional()])


class TrackingForm(FlaskForm):
    """Choose whether progress follows the milestones."""

    follow_milestones = BooleanField(_l("Progress follows the milestones (done ÷ total)"))


class HealthForm(FlaskForm):
    """Say whether a deliverable is on track, at risk or off track, and why."""

    health = SelectField(
        _l("Health"),
        choices=select_choices(
            [
                (DeliverableHealth.ON_TRACK.value, _l("On track")),
                (DeliverableHealth.AT_RISK.value, _l("At risk")),
                (DeliverableHealth.OFF_TRACK.value, _l("Off track")),
            ]
        ),
    )
    reason = StringField(
        _l("Why"),
        validators=[DataRequired(_l("Say briefly why, in a sentence.")), Length(max=300)],
    )

    def value(self) -> DeliverableHealth:
        """The chosen health."""
        return DeliverableHealth(self.health.data)
