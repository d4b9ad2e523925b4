"""Meeting form: series and number, times in a zone, participants and agenda rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    SelectField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.extensions import db
from tracker.forms import (
    FixedOptionsSelect,
    IntegerField,
    StringField,
    VersionedForm,
    ZoneField,
    organisation_choices,
    safe_url,
    select_choices,
)
from tracker.i18n import _, _l, _lp
from tracker.inputs import MAX_YEAR, MIN_YEAR, parse_int
from tracker.meetings.operations import NonexistentLocalTime, local_to_utc
from tracker.meetings.queries import NextMeetingPlan, number_taken
from tracker.models import (
    Attendance,
    Meeting,
    MeetingStatus,
    Series,
    Topic,
    utcnow,
)
from tracker.models.enums import lazy_choices
from tracker.timefmt import is_zone

PARTICIPANT_ROWS = 6
AGENDA_ROWS = 6
EXTRA_ROWS = 3
# Browsers send and expect "2027-01-14T15:00" in <input type=datetime-local>; render that first.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class ParticipantRow(Form):
    """One participating organisation and its attendance; a blank organisation is ignored."""

    organisation = SelectField(
        _l("Organisation"), validators=[Optional()], widget=FixedOptionsSelect()
    )
    attendance = SelectField(
        _l("Attendance"),
        choices=select_choices(lazy_choices(Attendance)),
        default=Attendance.INVITED.value,
        widget=FixedOptionsSelect(),
    )


class AgendaRow(Form):
    """One agenda topic, chosen or typed as a new one, with its place; a blank row is ignored."""

    topic = SelectField(_l("Topic"), validators=[Optional()], widget=FixedOptionsSelect())
    new_topic = StringField(_l("or a new topic"), validators=[Optional(), Length(max=300)])
    order = IntegerField(
        _lp("position of an agenda item", "Order"),
        validators=[Optional(), NumberRange(min=1, max=1000, message=_l("Use 1 to 1000."))],
    )


class MeetingForm(VersionedForm):
    """Create or edit a meeting."""

    series_id = SelectField(
        _lp("the series of a meeting", "Series"),
        validators=[DataRequired(message=_l("Choose a series."))],
    )
    number = IntegerField(
        _l("Number in the series"),
        validators=[Optional(), NumberRange(min=1, max=100000, message=_l("Use a number from 1."))],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts = DateTimeLocalField(
        _l("Starts"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=_l("Enter the start date and time."))],
    )
    ends = DateTimeLocalField(
        _l("Ends"),
        format=LOCAL_FORMATS,
        validators=[InputRequired(message=_l("Enter the end date and time."))],
    )
    timezone = ZoneField(_l("Time zone"))
    location = StringField(_l("Location"), validators=[Length(max=300)])
    online_url = StringField(
        _l("Online link"),
        validators=[
            Optional(),
            Length(max=500),
            safe_url,
            URL(require_tld=False, message=_l("Enter a full web address (https://...).")),
        ],
    )
    status = SelectField(
        _l("Status"),
        choices=select_choices(lazy_choices(MeetingStatus)),
        default=MeetingStatus.PLANNED.value,
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    participants = FieldList(
        FormField(ParticipantRow),
        label=_l("Participating organisations"),
        min_entries=PARTICIPANT_ROWS,
    )
    agenda = FieldList(FormField(AgendaRow), label=_l("Agenda"), min_entries=AGENDA_ROWS)

    def __init__(self, *args: Any, current: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.editing = current is not None
        series = db.session.execute(select(Series.id, Series.name).order_by(Series.name)).all()
        self.series_id.choices = select_choices(
            [(str(i), name) for i, name in series], _("Choose a series")
        )
        self.organisation_choices = select_choices(organisation_choices(), _("(none)"))
        for row in self.participants:
            row.form.organisation.choices = self.organisation_choices
        topics = db.session.execute(select(Topic.id, Topic.title).order_by(Topic.title)).all()
        self.topic_choices = select_choices([(str(i), title) for i, title in topics], _("(none)"))
        for row in self.agenda:
            row.form.topic.choices = self.topic_choices
        for position, row in enumerate(self.agenda, start=1):
            if row.form.order.data is None and not row.form.order.raw_data:
                row.form.order.data = position

    def add_rows(self, count: int = EXTRA_ROWS) -> None:
        """Add blank organisation and agenda rows (the "More rows" button without JavaScript)."""
        for _row in range(count):
            self.participants.append_entry()
            self.participants[-1].form.organisation.choices = self.organisation_choices
            self.agenda.append_entry()
            self.agenda[-1].form.topic.choices = self.topic_choices
            self.agenda[-1].form.order.data = len(self.agenda)

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate, taking an empty time zone as the chosen series' zone."""
        if not (self.timezone.data or "").strip():
            series = db.session.get(Series, self.chosen_series_id() or 0)
            if series is not None:
                self.timezone.data = series.timezone
        return bool(super().validate(extra_validators))

    def chosen_series_id(self) -> int | None:
        """The chosen series id, if it is a number."""
        raw = self.series_id.data or ""
        return parse_int(raw)

    def start_utc(self) -> datetime | None:
        """The start as UTC, or None when it cannot be worked out yet."""
        return self.to_utc(self.starts.data)

    def end_utc(self) -> datetime | None:
        """The end as UTC, or None when it cannot be worked out yet."""
        return self.to_utc(self.ends.data)

    def to_utc(self, local: datetime | None) -> datetime | None:
        """A local wall time in the chosen zone as UTC, or None."""
        if local is None or not MIN_YEAR <= local.year <= MAX_YEAR:
            return None
        if not is_zone(self.timezone.data or ""):
            return None
        try:
            return local_to_utc(local, self.timezone.data)
        except NonexistentLocalTime:
            return None

    def validate_number(self, field: IntegerField) -> None:
        """Numbers are unique within a series."""
        series_id = self.chosen_series_id()
        if field.data is None or series_id is None:
            return
        exclude = self.current.id if self.current is not None else None
        if number_taken(db.session, series_id, field.data, exclude):
            raise ValidationError(
                _(
                    "This series already has a meeting number %(number)s (perhaps a deleted one).",
                    number=field.data,
                )
            )

    def validate_starts(self, field: DateTimeLocalField) -> None:
        """The start exists in the chosen zone."""
        self.check_exists(field.data)

    def validate_ends(self, field: DateTimeLocalField) -> None:
        """The end exists in the chosen zone and comes after the start."""
        self.check_exists(field.data)
        start, end = self.start_utc(), self.end_utc()
        if start is not None and end is not None and end <= start:
            raise ValidationError(_("The end must come after the start."))

    def check_exists(self, local: datetime | None) -> None:
        """Refuse a far-off year or a wall time the chosen zone skips (DST spring-forward gap)."""
        if local is None:
            return
        if not MIN_YEAR <= local.year <= MAX_YEAR:
            # Year 1 or 9999 would overflow when converted to UTC.
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR)
            )
        if not is_zone(self.timezone.data or ""):
            return
        try:
            local_to_utc(local, self.timezone.data)
        except NonexistentLocalTime as gap:
            raise ValidationError(str(gap)) from gap

    def validate_status(self, field: SelectField) -> None:
        """Held only once started; a held meeting cannot be cancelled or postponed."""
        status = field.data
        was_held = self.current is not None and self.current.status == MeetingStatus.HELD
        if was_held and status in (MeetingStatus.CANCELLED.value, MeetingStatus.POSTPONED.value):
            raise ValidationError(
                _("This meeting was held, so it cannot be cancelled or postponed any more.")
            )
        start = self.start_utc()
        if status == MeetingStatus.HELD.value and start is not None and start > utcnow():
            raise ValidationError(
                _(
                    "A meeting can be marked held only once it has started. Keep it planned or "
                    "confirmed until then."
                )
            )

    def validate_participants(self, field: FieldList) -> None:
        """Each organisation at most once."""
        seen: set[str] = set()
        for row in field:
            value = row.form.organisation.data
            if not value:
                continue
            if value in seen:
                row.form.organisation.errors.append(_("This organisation is already listed above."))
                raise ValidationError(_("The same organisation is listed twice."))
            seen.add(value)

    def validate_agenda(self, field: FieldList) -> None:
        """Each topic at most once, chosen or typed."""
        seen: set[str] = set()
        for row in field:
            value = row.form.topic.data or (
                "new:" + (row.form.new_topic.data or "").strip().casefold()
            )
            if value == "new:":
                continue
            if value in seen:
                row.form.topic.errors.append(_("This topic is already on the agenda above."))
                raise ValidationError(_("The same topic is on the agenda twice."))
            seen.add(value)

    def values(self) -> dict[str, Any]:
        """The cleaned meeting values for the operations (call after validation)."""
        return {
            "series_id": self.chosen_series_id(),
            "number": self.number.data,
            "title": self.title.data.strip(),
            "starts_at": self.start_utc(),
            "ends_at": self.end_utc(),
            "timezone": self.timezone.data,
            "location": (self.location.data or "").strip(),
            "online_url": (self.online_url.data or "").strip(),
            "status": MeetingStatus(self.status.data),
            "description": self.description.data or "",
        }

    def participant_values(self) -> list[tuple[int, Attendance]]:
        """(organisation id, attendance) of the non-blank rows, in order."""
        return [
            (int(row.form.organisation.data), Attendance(row.form.attendance.data))
            for row in self.participants
            if row.form.organisation.data
        ]

    def agenda_entries(self) -> list[int | str]:
        """The agenda in the order given: a topic id, or the title of a topic to create."""
        rows = []
        for index, row in enumerate(self.agenda):
            order = row.form.order.data if row.form.order.data is not None else index + 1
            if row.form.topic.data:
                rows.append((order, index, int(row.form.topic.data)))
            elif (row.form.new_topic.data or "").strip():
                rows.append((order, index, row.form.new_topic.data.strip()))
        entries: list[int | str] = [entry for _, _, entry in sorted(rows, key=lambda r: r[:2])]
        return entries


def rows_for_plan(plan: NextMeetingPlan) -> dict[str, Any]:
    """Form data planning the next meeting: its fields, organisations and agenda rows."""
    blank_participant = {"organisation": "", "attendance": Attendance.INVITED.value}
    participants = [
        {"organisation": str(i), "attendance": Attendance.INVITED.value}
        for i in plan.organisation_ids
    ]
    agenda: list[dict[str, Any]] = [
        {"topic": str(i), "order": n} for n, i in enumerate(plan.topic_ids, start=1)
    ]
    participants += [blank_participant] * max(EXTRA_ROWS, PARTICIPANT_ROWS - len(participants))
    agenda += [{"topic": ""}] * max(EXTRA_ROWS, AGENDA_ROWS - len(agenda))
    return {
        "series_id": str(plan.series.id),
        "number": plan.number,
        "title": plan.title,
        "starts": plan.starts,
        "ends": plan.ends,
        "timezone": plan.timezone,
        "location": plan.location,
        "online_url": plan.online_url,
        "participants": participants,
        "agenda": agenda,
    }


def rows_for(meeting: Meeting) -> dict[str, list[dict[str, Any]]]:
    """Form data for a meeting's existing participants and agenda, plus a few blank rows."""
    participants = [
        {"organisation": str(p.organisation_id), "attendance": p.attendance.value}
        for p in meeting.participations
    ]
    agenda: list[dict[str, Any]] = [
        {"topic": str(item.topic_id), "order": n}
        for n, item in enumerate(meeting.agenda_items, start=1)
    ]
    blank_participant = {"organisation": "", "attendance": Attendance.INVITED.value}
    participants += [blank_participant] * max(EXTRA_ROWS, PARTICIPANT_ROWS - len(participants))
    agenda += [{"topic": ""}] * max(EXTRA_ROWS, AGENDA_ROWS - len(agenda))
    return {"participants": participants, "agenda": agenda}
