"""Time-poll forms: candidate slot rows for the organiser, answers for members, the pick."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, HiddenField, TimeField, ValidationError
from wtforms.validators import NumberRange, Optional

from tracker.forms import DateField, IntegerField
from tracker.i18n import _, _l, _lp
from tracker.inputs import parse_int
from tracker.meetings.operations import NonexistentLocalTime, local_to_utc
from tracker.models import MAX_SLOTS, MIN_SLOTS, PollAnswer, utcnow

START_ROWS = 3
EXTRA_ROWS = 2
# Rows a request may carry; more are dropped by WTForms (the page never offers more than 8).
MAX_ROWS = 2 * MAX_SLOTS
MIN_MINUTES, MAX_MINUTES = 15, 24 * 60
ASCII_DIGITS = _l("Use the digits 0 to 9.")
ANSWER_LABELS = {
    PollAnswer.YES: _lp("poll answer", "Yes"),
    PollAnswer.IF_NEED_BE: _lp("poll answer", "If need be"),
    PollAnswer.NO: _lp("poll answer", "No"),
}


class AsciiOnly:
    """A date or time field that refuses digits other than 0-9 (strptime would take them)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Refuse non-ASCII text before parsing it."""
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].isascii():
            self.data = None
            raise ValueError(str(ASCII_DIGITS))
        super().process_formdata(valuelist)  # type: ignore[misc]


class SlotDateField(AsciiOnly, DateField):
    """The date of a candidate slot."""


class SlotTimeField(AsciiOnly, TimeField):
    """The local start time of a candidate slot."""


class SlotRow(Form):
    """One candidate slot in the meeting's zone; a blank row is ignored."""

    day = SlotDateField(_l("Date"), validators=[Optional()])
    start = SlotTimeField(_l("Local time"), format=["%H:%M", "%H:%M:%S"], validators=[Optional()])
    minutes = IntegerField(
        _l("Length (minutes)"),
        validators=[
            Optional(),
            NumberRange(
                min=MIN_MINUTES,
                max=MAX_MINUTES,
                message=_l("Use %(min)s to %(max)s minutes.", min=MIN_MINUTES, max=MAX_MINUTES),
            ),
        ],
    )

    def has_errors(self) -> bool:
        """Whether any field of the row has an error (Form.errors is cached at validation)."""
        return any(f.errors for f in self)

    def is_blank(self) -> bool:
        """Whether nothing was typed in this row."""
        return not any(f.raw_data and str(f.raw_data[0]).strip() for f in (self.day, self.start))


class ProposeForm(FlaskForm):
    """The organiser's candidate slots for a meeting: 2 to 8, in the meeting's zone."""

    slots = FieldList(
        FormField(SlotRow),
        label=_l("Candidate slots"),
        min_entries=START_ROWS,
        max_entries=MAX_ROWS,
    )

    def __init__(self, *args: Any, zone: str, default_minutes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.default_minutes = default_minutes
        self.times: list[tuple[datetime, datetime]] = []
        for row in self.slots:
            if row.form.minutes.data is None and not row.form.minutes.raw_data:
                row.form.minutes.data = default_minutes

    def add_rows(self, count: int = EXTRA_ROWS) -> None:
        """Add blank rows up to MAX_SLOTS (the "More rows" button without JavaScript)."""
        for _row in range(max(0, min(count, MAX_SLOTS - len(self.slots)))):
            self.slots.append_entry()
            self.slots[-1].form.minutes.data = self.default_minutes

    @property
    def can_add_rows(self) -> bool:
        """Whether "More rows" may add another row."""
        return len(self.slots) < MAX_SLOTS

    def validate_slots(self, field: FieldList) -> None:
        """Each filled row complete, real in the zone, in the future and not repeated; 2 to 8."""
        self.times = []
        seen: dict[tuple[datetime, datetime], int] = {}
        filled = 0
        for number, entry in enumerate(field, start=1):
            row: SlotRow = entry.form
            if row.is_blank():
                continue
            filled += 1
            span = self.row_times(row)
            if span is None:
                continue
            if span in seen:
                row.day.errors.append(_("This is the same slot as row %(row)s.", row=seen[span]))
                continue
            seen[span] = number
            self.times.append(span)
        if any(entry.form.has_errors() for entry in field):
            raise ValidationError(_("Check the slots marked below."))
        if filled < MIN_SLOTS:
            raise ValidationError(_("Propose at least %(num)s slots.", num=MIN_SLOTS))
        if filled > MAX_SLOTS:
            raise ValidationError(_("Propose at most %(num)s slots.", num=MAX_SLOTS))

    def row_times(self, row: SlotRow) -> tuple[datetime, datetime] | None:
        """The row's UTC start and end, or None with errors put on its fields."""
        day: date | None = row.day.data
        start: time | None = row.start.data
        minutes: int | None = row.minutes.data
        if day is None and not row.day.errors:
            row.day.errors.append(_("Enter the date."))
        if start is None and not row.start.errors:
            row.start.errors.append(_("Enter the local start time."))
        if minutes is None and not row.minutes.errors:
            row.minutes.errors.append(_("Enter the length in minutes."))
        if day is None or start is None or minutes is None or row.has_errors():
            return None
        try:
            begins = local_to_utc(datetime.combine(day, start), self.zone)
        except NonexistentLocalTime as gap:
            row.start.errors.append(str(gap))
            return None
        if begins <= utcnow():
            row.day.errors.append(_("Choose a time in the future."))
            return None
        return begins, begins + timedelta(minutes=minutes)


class PickForm(FlaskForm):
    """The organiser's choice of one slot, with the poll version it was made on."""

    version = HiddenField()


def parse_answers(
    formdata: MultiDict[str, str], slot_ids: Iterable[int]
) -> tuple[dict[int, PollAnswer], dict[int, str]]:
    """Answers from fields slot-<id> = yes / if_need_be / no: (answers, errors by slot id).

    A slot left unanswered keeps the voter's earlier answer, if any.
    """
    answers: dict[int, PollAnswer] = {}
    errors: dict[int, str] = {}
    for slot_id in slot_ids:
        raw = formdata.get(f"slot-{slot_id}", "")
        if not raw:
            continue
        try:
            answers[slot_id] = PollAnswer(raw)
        except ValueError:
            errors[slot_id] = _("Choose yes, if need be or no.")
    return answers, errors


def submitted_slot(formdata: MultiDict[str, str]) -> int | None:
    """The slot id a pick button sent, if it is a number."""
    return parse_int(formdata.get("slot", ""))
