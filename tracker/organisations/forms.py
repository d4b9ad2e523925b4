"""Organisation form."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from wtforms import SelectField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import (
    CountryField,
    StringField,
    URLField,
    VersionedForm,
    ZoneField,
    name_taken,
    optional_url,
    safe_url,
    select_choices,
)
from tracker.i18n import _, _l
from tracker.models import Organisation, OrganisationKind
from tracker.models.enums import lazy_choices
from tracker.scheduling.checks import DEFAULT_WORK_END, DEFAULT_WORK_START


class WorkTimeField(TimeField):
    """A local clock time such as 09:00; not sent at all keeps the current (or default) one."""

    data: time | None

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format=["%H:%M", "%H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse HH:MM, with an error in words for a blank or malformed time."""
        if not valuelist:
            return
        text = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        for pattern in self.strptime_format:
            try:
                self.data = datetime.strptime(text, pattern).time()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_("Enter a time of day such as 09:00."))


class OrganisationForm(VersionedForm):
    """Create or edit an organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=40)])
    country = CountryField()
    kind = SelectField(_l("Kind"), choices=select_choices(lazy_choices(OrganisationKind)))
    website = URLField(_l("Website"), validators=[*optional_url(), safe_url, Length(max=500)])
    timezone = ZoneField(_l("Home time zone"))
    work_start = WorkTimeField(_l("Working hours start"), default=DEFAULT_WORK_START)
    work_end = WorkTimeField(_l("Working hours end"), default=DEFAULT_WORK_END)
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])

    def __init__(self, *args: Any, current: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def unique(self, column: Any, value: str) -> bool:
        """Whether no other organisation uses value in column (compared by name_key)."""
        exclude = (Organisation.id, self.current.id) if self.current is not None else None
        return not name_taken(column, value, exclude)

    def validate_name(self, field: StringField) -> None:
        """Names are unique."""
        if field.data and not self.unique(Organisation.name, field.data):
            raise ValidationError(_("Another organisation already has this name."))

    def validate_short_name(self, field: StringField) -> None:
        """Short names are unique."""
        if field.data and not self.unique(Organisation.short_name, field.data):
            raise ValidationError(_("Another organisation already has this short name."))

    def validate_work_end(self, field: TimeField) -> None:
        """Working hours end after they start, on the same day."""
        start = self.work_start.data
        if start is not None and field.data is not None and field.data <= start:
            raise ValidationError(_("Working hours must end after they start."))

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "name": self.name.data.strip(),
            "short_name": self.short_name.data.strip(),
            "country": self.country.data.upper(),
            "kind": OrganisationKind(self.kind.data),
            "website": self.website.data or "",
            "timezone": self.timezone.data,
            "work_start": self.work_start.data,
            "work_end": self.work_end.data,
            "description": self.description.data or "",
        }
