"""The audit trail in words: field labels, names instead of ids, enum labels, local times.

Events store plain strings (see tracker.audit); this turns them into what a reader sees:
"Lead organisation: AI Serbia → AI Austria", "Progress: 15 % → 25 %".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from tracker.i18n import _, _l, _lp
from tracker.inputs import parse_int
from tracker.models import Base
from tracker.models.enums import label
from tracker.timefmt import human_date

# Words the trail stores in place of a value (tracker.audit.PASSWORD_CHANGED), shown translated.
STORED_WORDS: dict[str, LazyString] = {"(hidden)": _l("(hidden)"), "(changed)": _l("(changed)")}
PERCENT_FIELDS = {"progress", "percent", "previous_percent"}
# Every column a reader may see in the trail; others fall back to their name, capitalised.
FIELD_LABELS: dict[str, LazyString] = {
    "active": _l("Active"),
    "address": _lp("network address", "Address"),
    "after_approval": _l("After approval"),
    "agenda_item_id": _l("Agenda item"),
    "answer": _l("Answer"),
    "answered_at": _l("Answered at"),
    "approved_at": _l("Approved at"),
    "approved_by_id": _l("Approved by"),
    "at": _lp("audit field", "At"),
    "attendance": _l("Attendance"),
    "author_id": _l("Author"),
    "body": _lp("audit field", "Body"),
    "chosen": _l("Chosen"),
    "closed_at": _l("Closed at"),
    "closed_by_id": _l("Closed by"),
    "count": _lp("audit field", "Count"),
    "country": _l("Country"),
    "created_by_id": _l("Created by"),
    "deleted_at": _l("Deleted"),
    "deliverable_id": _l("Deliverable"),
    "description": _l("Description"),
    "document_url": _l("Document link"),
    "done": _lp("audit field", "Done"),
    "done_at": _l("Done at"),
    "due_date": _l("Due date"),
    "email": _l("Email"),
    "enabled": _l("Enabled"),
    "ends_at": _l("Ends"),
    "first_day": _l("First day"),
    "follow_milestones": _l("Follow milestones"),
    "frequency": _l("Frequency"),
    "from_status": _l("From status"),
    "health": _l("Health"),
    "health_reason": _l("Health reason"),
    "health_set_at": _l("Health set at"),
    "health_set_by_id": _l("Health set by"),
    "interval": _l("Interval"),
    "kind": _l("Kind"),
    "language": _l("Language"),
    "last_visit_at": _l("Last visit at"),
    "lead_organisation_id": _l("Lead organisation"),
    "length_minutes": _l("Length minutes"),
    "location": _l("Location"),
    "meeting_id": _l("Meeting"),
    "members_only": _l("Members only"),
    "minutes": _lp("meeting record", "Minutes"),
    "minutes_approved": _l("Minutes approved"),
    "minutes_revision": _l("Minutes revision"),
    "month_day": _l("Month day"),
    "name": _l("Name"),
    "note": _l("Note"),
    "notes": _l("Notes"),
    "number": _l("Number"),
    "occurrence": _l("Occurrence"),
    "on_date": _l("On date"),
    "online_url": _l("Online link"),
    "organisation_id": _l("Organisation"),
    "owner_organisation_id": _l("Owner organisation"),
    "owner_person_id": _l("Owner"),
    "password": _l("Password"),
    "percent": _l("Percent"),
    "person_id": _l("Person"),
    "poll_id": _l("Poll"),
    "position": _lp("audit field", "Position"),
    "previous_percent": _l("Previous percent"),
    "previous_visit_at": _l("Previous visit at"),
    "progress": _l("Progress"),
    "reason": _l("Reason"),
    "recipient": _l("Recipient"),
    "recipient_name": _l("Recipient name"),
    "recorded_on": _l("Recorded on"),
    "reply_to": _l("Reply to"),
    "revision_number": _l("Revision number"),
    "role": _l("Role"),
    "sent_at": _l("Sent at"),
    "series_id": _lp("audit field", "Series"),
    "short_name": _l("Short name"),
    "slot_id": _l("Slot"),
    "start_date": _l("Start date"),
    "start_time": _l("Start time"),
    "starts_at": _l("Starts"),
    "status": _l("Status"),
    "subject": _l("Subject"),
    "text": _lp("audit field", "Text"),
    "timezone": _l("Time zone"),
    "title": _l("Title"),
    "to_status": _l("To status"),
    "topic_id": _l("Topic"),
    "until": _l("Until"),
    "user_id": _l("User"),
    "website": _l("Website"),
    "weekday": _l("Weekday"),
    "work_end": _l("Work end"),
    "work_start": _l("Work start"),
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its label and old and new values in words (None: blank)."""

    field: str
    old: str | None
    new: str | None


def model_for(entity: str) -> type[Any] | None:
    """The mapped class whose table is entity."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == entity:
            return mapper.class_
    return None


def field_label(name: str) -> str:
    """Lead organisation for lead_organisation_id, Start date for start_date."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if name.endswith("_id"):
        name = name[:-3]
    return name.replace("_", " ").capitalize()


def record_name(record: Any) -> str:
    """A record's name for people: its name, short name, title or e-mail."""
    for attr in ("short_name", "name", "title", "email"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    return f"#{getattr(record, 'id', '?')}"


def readable_value(
    session: Session, model: type[Any] | None, name: str, raw: str | None, when: Any
) -> str | None:
    """One stored value in words."""
    if raw is None or raw == "":
        return None
    column = getattr(model, "__table__", None)
    col = column.c.get(name) if column is not None else None
    if name == "password" and raw in STORED_WORDS:
        return str(STORED_WORDS[raw])
    if name == "minutes_approved" and raw in ("yes", "no"):
        return _("yes") if raw == "yes" else _("no")
    if name in PERCENT_FIELDS:
        return f"{raw} %"  # a number: no words to translate
    number = parse_int(raw)
    if col is not None and col.foreign_keys and number is not None:
        target = next(iter(col.foreign_keys)).column.table.name
        target_model = model_for(target)
        record = session.get(target_model, number) if target_model is not None else None
        return record_name(record) if record is not None else _("(removed, #%(id)s)", id=raw)
    if col is not None and isinstance(col.type, sa.Enum) and col.type.enum_class is not None:
        enum_class = col.type.enum_class
        if issubclass(enum_class, StrEnum) and raw in enum_class._value2member_map_:
            return label(enum_class(raw))
    if col is not None and isinstance(col.type, sa.Boolean | sa.types.Boolean):
        return _("yes") if raw in ("True", "true", "1") else _("no")
    if len(raw) >= 10 and raw[4:5] == "-" and raw[7:8] == "-":
        try:
            if len(raw) == 10:
                return human_date(date.fromisoformat(raw))
            return str(when(datetime.fromisoformat(raw)))
        except ValueError:
            return raw
    return raw


def readable_changes(
    session: Session, entity: str, changes: dict[str, list[str | None]] | None, when: Any
) -> list[ChangeLine]:
    """The changes of one event in words, by field label."""
    if not changes:
        return []
    model = model_for(entity)
    lines = [
        ChangeLine(
            field_label(name),
            readable_value(session, model, name, pair[0], when),
            readable_value(session, model, name, pair[1], when),
        )
        for name, pair in changes.items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]
    return sorted(lines, key=lambda line: line.field)


def entity_label(entity: str) -> str:
    """Deliverable for deliverable, Progress update for progress_update."""
    return entity.replace("_", " ").capitalize()
