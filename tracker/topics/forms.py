"""Topic form."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import StringField, VersionedForm, name_taken, select_choices
from tracker.i18n import _, _l
from tracker.models import Topic, TopicStatus
from tracker.models.enums import lazy_choices


class TopicForm(VersionedForm):
    """Create or edit a discussion topic."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    status = SelectField(_l("Status"), choices=select_choices(lazy_choices(TopicStatus)))

    def __init__(self, *args: Any, current: Topic | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_title(self, field: StringField) -> None:
        """Titles are unique, compared by name_key (case, width and invisible characters)."""
        if not field.data:
            return
        exclude = (Topic.id, self.current.id) if self.current is not None else None
        if name_taken(Topic.title, field.data, exclude):
            raise ValidationError(_("Another topic already has this title."))

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        return {
            "title": self.title.data.strip(),
            "description": self.description.data or "",
            "status": TopicStatus(self.status.data),
        }
