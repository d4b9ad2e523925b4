"""Person form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from tracker.extensions import db
from tracker.forms import (
    EmailField,
    StringField,
    VersionedForm,
    organisation_choices,
    select_choices,
)
from tracker.i18n import _, _l, _lp
from tracker.models import Person


class PersonForm(VersionedForm):
    """Create or edit a representative."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )
    organisation_id = SelectField(_l("Organisation"), validators=[DataRequired()])
    role = StringField(_lp("job", "Role"), validators=[Length(max=200)])

    def __init__(self, *args: Any, current: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.organisation_id.choices = select_choices(
            organisation_choices(), _("Choose an organisation")
        )

    def validate_email(self, field: EmailField) -> None:
        """Email addresses are unique, ignoring case."""
        if not field.data:
            return
        query = select(Person.id).where(func.lower(Person.email) == field.data.strip().lower())
        if self.current is not None:
            query = query.where(Person.id != self.current.id)
        if db.session.execute(query).first() is not None:
            raise ValidationError(_("Another person already has this email address."))

    def values(self) -> dict[str, Any]:
        """The cleaned values for the operations."""
        email = (self.email.data or "").strip()
        return {
            "name": self.name.data.strip(),
            "email": email or None,
            "organisation_id": int(self.organisation_id.data),
            "role": (self.role.data or "").strip(),
        }
