"""Forms for logging outcomes: they validate and never save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from tracker.forms import DateField, VersionedForm, select_choices
from tracker.i18n import _, _l, _lp, _p
from tracker.inputs import parse_int
from tracker.models import (
    ActionStatus,
    Attendance,
    Deliverable,
    Meeting,
    OutcomeKind,
    Participation,
    Person,
)
from tracker.models.enums import choices, lazy_choices
from tracker.outcomes.queries import STEPS

TEXT_MAX = 1000
NOTES_MAX = 20000
MINUTES_MAX = 100_000


class DueDateField(DateField):
    """A date field whose parse error says what to type."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse YYYY-MM-DD (blank is no date), with a clear message when it is not a date."""
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None  # type: ignore[assignment]
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter the due date as a date, such as 2026-12-31.")) from error


class OutcomeForm(FlaskForm):
    """Record information, a decision or an action item from a meeting."""

    agenda_item = SelectField(_l("Agenda topic"), validate_choice=False)
    kind = SelectField(_l("Kind of outcome"), choices=select_choices(lazy_choices(OutcomeKind)))
    text = TextAreaField(
        _l("Text"),
        validators=[
            DataRequired(_l("Write what was said, decided or agreed.")),
            Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters.")),
        ],
    )
    owner_organisation = SelectField(_l("Owner organisation (actions)"), validate_choice=False)
    owner_person = SelectField(_l("Owner person (optional)"), validate_choice=False)
    due_date = DueDateField(_l("Due date (actions)"), validators=[])
    deliverable = SelectField(_l("Linked deliverable (optional)"), validate_choice=False)

    def __init__(
        self,
        *args: Any,
        meeting: Meeting,
        participations: Sequence[Participation],
        deliverables: Sequence[Deliverable],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.items = {str(item.id): item for item in meeting.agenda_items}
        self.organisations = {str(p.organisation_id): p.organisation for p in participations}
        self.people: dict[str, Person] = {
            str(person.id): person for p in participations for person in p.organisation.people
        }
        self.deliverables = {str(d.id): d for d in deliverables}
        self.agenda_item.choices = select_choices(
            [(key, item.topic.title) for key, item in self.items.items()],
            _("No agenda topic (actions only)"),
        )
        self.owner_organisation.choices = select_choices(
            [(key, o.name) for key, o in self.organisations.items()], _("Choose an organisation")
        )
        self.owner_person.choices = select_choices(
            [
                (key, f"{person.name} ({person.organisation.short_name})")
                for key, person in self.people.items()
            ],
            _("Nobody in particular"),
        )
        self.deliverable.choices = select_choices(
            [(key, d.title) for key, d in self.deliverables.items()], _p("no deliverable", "None")
        )

    @property
    def is_action(self) -> bool:
        """Whether the user is recording an action item."""
        return self.kind.data == OutcomeKind.ACTION.value

    def validate_kind(self, field: SelectField) -> None:
        """One of the three kinds."""
        if field.data not in OutcomeKind._value2member_map_:
            raise ValidationError(_("Choose information, decision or action."))

    def validate_agenda_item(self, field: SelectField) -> None:
        """Information and decisions belong to an agenda topic of this meeting."""
        if field.data and field.data not in self.items:
            raise ValidationError(_("Choose a topic on this meeting's agenda."))
        if not field.data and not self.is_action:
            raise ValidationError(_("Choose the agenda topic this outcome belongs to."))

    def validate_owner_organisation(self, field: SelectField) -> None:
        """Actions have an owner organisation that takes part in the meeting."""
        if not self.is_action:
            return
        if not field.data:
            raise ValidationError(_("Choose the organisation that owns this action."))
        if field.data not in self.organisations:
            raise ValidationError(
                _(
                    "This organisation does not take part in this meeting. "
                    "Choose one of the meeting's organisations."
                )
            )

    def validate_owner_person(self, field: SelectField) -> None:
        """The owner person, if any, belongs to the owner organisation."""
        if not self.is_action or not field.data:
            return
        person = self.people.get(field.data)
        if person is None or str(person.organisation_id) != self.owner_organisation.data:
            raise ValidationError(_("Choose a person of the owner organisation, or nobody."))

    def validate_due_date(self, field: DateField) -> None:
        """Actions have a due date."""
        if self.is_action and field.data is None and not field.errors:
            raise ValidationError(_("Give the action a due date."))

    def validate_deliverable(self, field: SelectField) -> None:
        """The linked deliverable exists and is not deleted."""
        if field.data and field.data not in self.deliverables:
            raise ValidationError(_("Choose an existing deliverable, or none."))

    def action_values(self) -> dict[str, Any]:
        """The cleaned values of an action item for the operations."""
        return {
            "text": self.text.data.strip(),
            "agenda_item_id": int(self.agenda_item.data) if self.agenda_item.data else None,
            "owner_organisation_id": int(self.owner_organisation.data),
            "owner_person_id": int(self.owner_person.data) if self.owner_person.data else None,
            "due_date": self.due_date.data,
            "deliverable_id": int(self.deliverable.data) if self.deliverable.data else None,
        }


class TopicRecordForm(OutcomeForm):
    """One agenda topic on the outcomes page: its notes and, optionally, one new outcome."""

    notes = TextAreaField(
        _l("Notes (Markdown)"),
        validators=[Length(max=NOTES_MAX, message=_l("Keep the notes under %(max)d characters."))],
    )
    text = TextAreaField(
        _l("Outcome (leave empty to save only the notes)"),
        validators=[Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters."))],
    )
    # The agenda item's version the notes were loaded from: a stale save is a conflict.
    version = HiddenField()

    def validate_notes(self, field: TextAreaField) -> None:
        """Notes are saved only over the version they were loaded from."""
        if self.submitted_version() is None:
            raise ValidationError(_("This form lost track of the notes' version; reload the page."))

    def submitted_version(self) -> int | None:
        """The agenda item's version the user started from, if the form carried one."""
        raw = self.version.raw_data[0] if self.version.raw_data else self.version.data
        return parse_int(raw) if raw else None

    def validate_owner_organisation(self, field: SelectField) -> None:
        """An action needs an owner taking part in the meeting (only when text is given)."""
        if (self.text.data or "").strip():
            super().validate_owner_organisation(field)

    def validate_due_date(self, field: DateField) -> None:
        """An action needs a due date (only when text is given)."""
        if (self.text.data or "").strip():
            super().validate_due_date(field)


class NotesForm(VersionedForm):
    """The notes of one agenda topic, with the version of the item they were loaded from."""

    notes = TextAreaField(
        _l("Notes (Markdown)"),
        validators=[Length(max=NOTES_MAX, message=_l("Keep the notes under %(max)d characters."))],
    )


class MinutesForm(FlaskForm):
    """The meeting's minutes in Markdown, with the revision the user started from."""

    text = TextAreaField(
        _l("Minutes (Markdown)"),
        validators=[
            DataRequired(_l("Write the minutes before saving.")),
            Length(max=MINUTES_MAX, message=_l("Keep the minutes under %(max)d characters.")),
        ],
    )
    base_revision = HiddenField()

    def base_number(self) -> int:
        """The revision number the user started from (0 before the first save)."""
        number = parse_int(self.base_revision.data or "0")
        return -1 if number is None else number


class CloseActionForm(FlaskForm):
    """Close an open action as done or dropped."""

    status = SelectField(
        _l("Close as"),
        choices=select_choices(
            [
                (ActionStatus.DONE.value, _lp("action status", "Done")),
                (ActionStatus.DROPPED.value, _lp("action status", "Dropped")),
            ]
        ),
    )
    next = HiddenField()


class LifecycleForm(FlaskForm):
    """Take the next lifecycle step of a meeting."""

    step = SelectField(_l("Step"), choices=select_choices(list(STEPS.items())))


class ReopenForm(FlaskForm):
    """An admin reopens approved minutes, saying why."""

    reason = TextAreaField(
        _l("Reason for reopening"),
        validators=[
            DataRequired(_l("Say why the approved minutes are reopened.")),
            Length(max=400, message=_l("Keep the reason under %(max)d characters.")),
        ],
    )


class CarryForm(FlaskForm):
    """Move or copy an agenda topic to the next meeting of the series."""

    mode = SelectField(
        _l("Carry"),
        choices=select_choices(
            [("copy", _lp("carry a topic", "Copy")), ("move", _lp("carry a topic", "Move"))]
        ),
    )


def attendance_form(rows: list[Any], version: int) -> VersionedForm:
    """A form with one attendance select per organisation and the people who attended,
    carrying the meeting's version."""

    class AttendanceForm(VersionedForm):
        """Who attended: per organisation a state, and the people present; the version is the
        meeting's, so that two people saving attendance at once do not overwrite each other."""

        people = SelectMultipleField(_l("People present"), validate_choice=True)

    for row in rows:
        organisation = row.participation.organisation
        setattr(
            AttendanceForm,
            f"org_{organisation.id}",
            SelectField(
                organisation.name,
                choices=select_choices(choices(Attendance)),
                default=row.participation.attendance.value,
            ),
        )
    form = AttendanceForm()
    form.editing = True
    form.people.choices = select_choices([(str(p.id), p.name) for row in rows for p in row.people])
    if not form.is_submitted():
        form.people.data = [str(p.id) for row in rows for p in row.present]
        form.version.data = str(version)
    return form
