"""Series form and the series rule form."""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField, TextAreaField, TimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tracker.forms import (
    DateField,
    IntegerField,
    StringField,
    VersionedForm,
    ZoneField,
    name_taken,
    select_choices,
)
from tracker.i18n import _, _l
from tracker.models import Frequency, Series, SeriesRule
from tracker.recurrence import POSITION_NAMES, weekday_names
from tracker.timefmt import is_zone, zone_choices


class SeriesForm(VersionedForm):
    """Create or edit a meeting series."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    timezone = ZoneField(_l("Default time zone"))
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])

    def __init__(self, *args: Any, current: Series | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_name(self, field: StringField) -> None:
        """Names are unique, compared by name_key (case, width and invisible characters)."""
        exclude = (Series.id, self.current.id) if self.current is not None else None
        if name_taken(Series.name, field.data or "", exclude):
            raise ValidationError(_("Another series already has this name."))

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "name": self.name.data.strip(),
            "timezone": self.timezone.data,
            "description": self.description.data or "",
        }


class LocalTimeField(TimeField):
    """A wall-clock time typed as HH:MM in ASCII digits (strptime would take any digits)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Refuse non-ASCII input before parsing it."""
        if valuelist and not (isinstance(valuelist[0], str) and valuelist[0].isascii()):
            self.data = None
            raise ValueError(_("Enter a time such as 15:00."))
        super().process_formdata(valuelist)


def optional_zone(form: Any, field: SelectField) -> None:
    """Empty (the series' zone) or a real IANA zone name."""
    if field.data and not is_zone(field.data):
        raise ValidationError(_("Choose a real IANA time zone, such as Europe/Sofia, or none."))


FREQUENCIES = [
    (Frequency.WEEKLY.value, _l("Every N weeks, on the weekday of the first date")),
    (Frequency.MONTHLY_DAY.value, _l("Every N months, on a day of the month")),
    (
        Frequency.MONTHLY_WEEKDAY.value,
        _l("Every N months, on a weekday (such as the third Wednesday)"),
    ),
]
ENDS = [
    ("never", _l("No end")),
    ("until", _l("On a date")),
    ("count", _l("After a number of meetings")),
]
SCOPES = [
    ("only", _l("This meeting only")),
    ("following", _l("This and all following meetings")),
]


class SeriesRuleForm(VersionedForm):
    """Set or change when a series repeats; from an occurrence, also which meetings change."""

    scope = RadioField(_l("Change"), choices=select_choices(SCOPES), validators=[Optional()])
    frequency = RadioField(
        _l("Repeats"),
        choices=select_choices(FREQUENCIES),
        default=Frequency.WEEKLY.value,
        validators=[DataRequired(message=_l("Choose how the series repeats."))],
    )
    interval = IntegerField(
        _l("Every how many weeks or months"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter a number from 1 to 52.")),
            NumberRange(min=1, max=52, message=_l("Enter a number from 1 to 52.")),
        ],
    )
    first_day = DateField(_l("First date"), validators=[InputRequired(message=_l("Enter a date."))])
    month_day = IntegerField(
        _l("Day of the month"),
        validators=[
            Optional(),
            NumberRange(min=1, max=31, message=_l("Enter a day from 1 to 31.")),
        ],
    )
    position = SelectField(
        _l("Which one"),
        choices=select_choices([(str(k), v) for k, v in POSITION_NAMES.items()]),
        default="1",
    )
    weekday = SelectField(
        _l("Weekday"),
        choices=select_choices([(str(i), str(i)) for i in range(7)]),
        default="0",
    )
    start_time = LocalTimeField(
        _l("Starts at (local time)"),
        validators=[InputRequired(message=_l("Enter a time such as 15:00."))],
    )
    length_minutes = IntegerField(
        _l("Length in minutes"),
        default=90,
        validators=[
            InputRequired(message=_l("Enter a length from 5 to 1440 minutes.")),
            NumberRange(min=5, max=1440, message=_l("Enter a length from 5 to 1440 minutes.")),
        ],
    )
    timezone = ZoneField(
        _l("Time zone"),
        validators=[optional_zone],
        choices=select_choices(zone_choices(), _l("The series' own zone")),
    )
    end = RadioField(_l("Ends"), choices=select_choices(ENDS), default="never")
    until = DateField(_l("Last date"), validators=[Optional()])
    count = IntegerField(
        _l("Number of meetings"),
        validators=[
            Optional(),
            NumberRange(min=1, max=500, message=_l("Enter 1 to 500 meetings.")),
        ],
    )

    def __init__(self, *args: Any, from_meeting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.from_meeting = from_meeting
        self.weekday.choices = select_choices(
            [(str(i), name) for i, name in enumerate(weekday_names())]
        )

    def validate_position(self, field: SelectField) -> None:
        """A position from the list."""
        if field.data not in {str(k) for k in POSITION_NAMES}:
            raise ValidationError(_("Choose first to fifth, or last."))

    def validate_weekday(self, field: SelectField) -> None:
        """A weekday from the list."""
        if field.data not in {str(i) for i in range(7)}:
            raise ValidationError(_("Choose a weekday."))

    def validate_month_day(self, field: IntegerField) -> None:
        """Monthly by day of month needs the day."""
        monthly_day = self.frequency.data == Frequency.MONTHLY_DAY.value
        if monthly_day and field.data is None and not field.errors:
            raise ValidationError(_("Enter a day from 1 to 31."))

    def validate(self, extra_validators: Any = None) -> bool:
        """The field checks, then the choices that depend on others: from an occurrence, which
        meetings change; the end's date or number when one is chosen.

        Here rather than in validate_<field>: Optional() stops those on an empty field, which
        is just the case to catch.
        """
        valid = super().validate(extra_validators)
        until, count, scope = self.until, self.count, self.scope
        if self.from_meeting and scope.data not in ("only", "following") and not scope.errors:
            scope.errors.append(_("Choose which meetings change."))
        if self.end.data == "until" and not until.errors:
            if until.data is None:
                until.errors.append(_("Enter the last date."))
            elif self.first_day.data is not None and until.data < self.first_day.data:
                until.errors.append(_("The last date must not be before the first date."))
        if self.end.data == "count" and count.data is None and not count.errors:
            count.errors.append(_("Enter 1 to 500 meetings."))
        return valid and not until.errors and not count.errors and not scope.errors

    def values(self) -> dict[str, Any]:
        """The cleaned rule values for the operations (call after validation)."""
        frequency = Frequency(self.frequency.data)
        monthly_weekday = frequency == Frequency.MONTHLY_WEEKDAY
        return {
            "frequency": frequency,
            "interval": self.interval.data,
            "first_day": self.first_day.data,
            "month_day": self.month_day.data if frequency == Frequency.MONTHLY_DAY else None,
            "weekday": int(self.weekday.data) if monthly_weekday else None,
            "position": int(self.position.data) if monthly_weekday else None,
            "start_time": self.start_time.data,
            "length_minutes": self.length_minutes.data,
            "timezone": self.timezone.data or "",
            "until": self.until.data if self.end.data == "until" else None,
            "count": self.count.data if self.end.data == "count" else None,
        }


def rule_form_data(rule: SeriesRule) -> dict[str, Any]:
    """Form data showing an existing rule."""
    end = "until" if rule.until is not None else "count" if rule.count is not None else "never"
    return {
        "frequency": rule.frequency.value,
        "interval": rule.interval,
        "first_day": rule.first_day,
        "month_day": rule.month_day,
        "weekday": str(rule.weekday if rule.weekday is not None else 0),
        "position": str(rule.position if rule.position is not None else 1),
        "start_time": rule.start_time,
        "length_minutes": rule.length_minutes,
        "timezone": rule.timezone,
        "end": end,
        "until": rule.until,
        "count": rule.count,
    }
