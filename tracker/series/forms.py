"""Series form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.extensions import db
from tracker.forms import VersionedForm, ZoneField
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
        """Names are unique."""
        query = select(Series.id).where(
            func.lower(Series.name) == (field.data or "").strip().lower()
        )
        if self.current is not None:
            query = query.where(Series.id != self.current.id)
        if db.session.execute(query).first() is not None:
            raise ValidationError("Another series already has this name.")

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "name": self.name.data.strip(),
            "timezone": self.timezone.data,
            "description": self.description.data or "",
        }
