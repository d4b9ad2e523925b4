"""Series form."""

from __future__ import annotations

from typing import Any

from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import StringField, VersionedForm, ZoneField, name_taken
from tracker.models import Series


class SeriesForm(VersionedForm):
    """Create or edit a meeting series."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    timezone = ZoneField("Default time zone")
    description = TextAreaField("Description", validators=[Length(max=20000)])

    def __init__(self, *args: Any, current: Series | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_name(self, field: StringField) -> None:
        """Names are unique, compared by name_key (case, width and invisible characters)."""
        exclude = (Series.id, self.current.id) if self.current is not None else None
        if name_taken(Series.name, field.data or "", exclude):
            raise ValidationError("Another series already has this name.")

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "name": self.name.data.strip(),
            "timezone": self.timezone.data,
            "description": self.description.data or "",
        }
