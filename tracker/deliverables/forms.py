"""Deliverable form."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from wtforms import SelectField, SelectMultipleField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.extensions import db
from tracker.forms import (
    DateField,
    IntegerField,
    StringField,
    URLField,
    VersionedForm,
    optional_url,
    organisation_choices,
    safe_url,
    select_choices,
)
from tracker.i18n import _, _l
from tracker.inputs import parse_int
from tracker.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Meeting,
    Organisation,
    Person,
    Series,
    Topic,
)
from tracker.models.enums import lazy_choices
from tracker.timefmt import day_month_year


def person_choices() -> list[tuple[str, str]]:
    """(id, "Name (Org)") pairs of every person, by name."""
    rows = db.session.execute(
        select(Person.id, Person.name, Organisation.short_name)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .order_by(Person.name, Person.id)
    ).all()
    return [(str(i), f"{name} ({org})") for i, name, org in rows]


def topic_choices() -> list[tuple[str, str]]:
    """(id, title) pairs of every topic, by title."""
    rows = db.session.execute(select(Topic.id, Topic.title).order_by(Topic.title)).all()
    return [(str(i), title) for i, title in rows]


def meeting_choices(keep: int | None = None) -> list[tuple[str, str]]:
    """(id, label) pairs of the meetings not deleted (plus keep), newest first."""
    rows = db.session.execute(
        select(Meeting.id, Meeting.number, Meeting.title, Meeting.starts_at, Series.name)
        .join(Series)
        .where(or_(Meeting.deleted_at.is_(None), Meeting.id == keep))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    ).all()
    return [
        (str(i), f"{series} #{number}: {title} ({day_month_year(starts)})")
        for i, number, title, starts, series in rows
    ]


def ids(values: list[str] | None) -> list[int]:
    """The integer ids among submitted values."""
    return sorted({n for n in map(parse_int, values or []) if n is not None})


class DeliverableForm(VersionedForm):
    """Create or edit a deliverable."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=select_choices(lazy_choices(DeliverableKind)))
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    lead_organisation_id = SelectField(_l("Lead organisation"), validators=[DataRequired()])
    owner_person_id = SelectField(_l("Owner (a person)"), validate_choice=False, default="")
    contributor_ids = SelectMultipleField(
        _l("Contributing organisations"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    start_date = DateField(_l("Start date"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=select_choices(lazy_choices(DeliverableStatus)))
    progress = IntegerField(
        _l("Progress (%)"),
        default=0,
        validators=[
            InputRequired(message=_l("Enter the progress as a whole number from 0 to 100.")),
            NumberRange(0, 100, message=_l("Progress must be between 0 and 100.")),
        ],
    )
    topic_ids = SelectMultipleField(
        _l("Linked topics"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    meeting_id = SelectField(_l("Came from meeting"))
    document_url = URLField(
        _l("Document link"), validators=[*optional_url(), safe_url, Length(max=500)]
    )

    def __init__(self, *args: Any, current: Deliverable | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        organisations = organisation_choices()
        self.lead_organisation_id.choices = select_choices(
            organisations, _("Choose an organisation")
        )
        self.contributor_ids.choices = select_choices(organisations)
        self.owner_person_id.choices = select_choices(person_choices(), _("No owner named"))
        self.topic_ids.choices = select_choices(topic_choices())
        keep = current.meeting_id if current is not None else None
        self.meeting_id.choices = select_choices(meeting_choices(keep), _("No meeting"))

    def validate_contributor_ids(self, field: SelectMultipleField) -> None:
        """The lead organisation is not also a contributor."""
        if self.lead_organisation_id.data and self.lead_organisation_id.data in (field.data or []):
            raise ValidationError(_("The lead organisation cannot also be a contributor."))

    def validate_owner_person_id(self, field: SelectField) -> None:
        """Blank, or one of the people offered."""
        if field.data and field.data not in {c.value for c in field.choices or []}:
            raise ValidationError(_("Choose a person from the list."))

    def validate_due_date(self, field: DateField) -> None:
        """Due on or after the start."""
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The due date must be on or after the start date."))

    def load(self, deliverable: Deliverable) -> None:
        """Fill the select fields from a saved deliverable (GET of the edit page)."""
        self.kind.data = deliverable.kind.value
        self.status.data = deliverable.status.value
        self.lead_organisation_id.data = str(deliverable.lead_organisation_id)
        self.owner_person_id.data = str(deliverable.owner_person_id or "")
        self.contributor_ids.data = [str(o.id) for o in deliverable.contributors]
        self.topic_ids.data = [str(t.id) for t in deliverable.topics]
        self.meeting_id.data = str(deliverable.meeting_id or "")
        self.version.data = str(deliverable.version)

    def contributor_id_list(self) -> list[int]:
        """The chosen contributors' ids."""
        return ids(self.contributor_ids.data)

    def topic_id_list(self) -> list[int]:
        """The chosen topics' ids."""
        return ids(self.topic_ids.data)

    def values(self) -> dict[str, Any]:
        """The cleaned scalar values for the operations."""
        meeting = self.meeting_id.data
        return {
            "title": self.title.data.strip(),
            "kind": DeliverableKind(self.kind.data),
            "description": self.description.data or "",
            "lead_organisation_id": int(self.lead_organisation_id.data),
            "owner_person_id": parse_int(self.owner_person_id.data or "") or None,
            "start_date": self.start_date.data,
            "due_date": self.due_date.data,
            "status": DeliverableStatus(self.status.data),
            "progress": int(self.progress.data),
            "meeting_id": parse_int(meeting) if meeting else None,
            "document_url": self.document_url.data or "",
        }
