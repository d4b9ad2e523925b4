"""Topic form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.extensions import db
from tracker.forms import VersionedForm, select_choices
from tracker.models import Topic, TopicStatus
from tracker.models.enums import choices


class TopicForm(VersionedForm):
    """Create or edit a discussion topic."""

    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    description = TextAreaField("Description", validators=[Length(max=20000)])
    status = SelectField("Status", choices=select_choices(choices(TopicStatus)))

    def __init__(self, *args: Any, current: Topic | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_title(self, field: StringField) -> None:
        """Titles are unique, ignoring case."""
        if not field.data:
            return
        query = select(Topic.id).where(func.lower(Topic.title) == field.data.strip().lower())
        if self.current is not None:
            query = query.where(Topic.id != self.current.id)
        if db.session.execute(query).first() is not None:
            raise ValidationError("Another topic already has this title.")

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "title": self.title.data.strip(),
            "description": self.description.data or "",
            "status": TopicStatus(self.status.data),
        }
