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
from sqlalchemy.orm import Session

from tracker.inputs import parse_int
from tracker.models import Base
from tracker.models.enums import label
from tracker.timefmt import human_date

PERCENT_FIELDS = {"progress", "percent", "previous_percent"}
FIELD_LABELS = {
    "lead_organisation_id": "Lead organisation",
    "owner_person_id": "Owner",
    "owner_organisation_id": "Owner organisation",
    "health_set_by_id": "Health set by",
    "health_reason": "Health reason",
    "health_set_at": "Health set at",
    "document_url": "Document link",
    "online_url": "Online link",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "timezone": "Time zone",
    "deleted_at": "Deleted",
    "done_at": "Done at",
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
        return FIELD_LABELS[name]
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
    if name in PERCENT_FIELDS:
        return f"{raw} %"
    number = parse_int(raw)
    if col is not None and col.foreign_keys and number is not None:
        target = next(iter(col.foreign_keys)).column.table.name
        target_model = model_for(target)
        record = session.get(target_model, number) if target_model is not None else None
        return record_name(record) if record is not None else f"(removed, #{raw})"
    if col is not None and isinstance(col.type, sa.Enum) and col.type.enum_class is not None:
        enum_class = col.type.enum_class
        if issubclass(enum_class, StrEnum) and raw in enum_class._value2member_map_:
            return label(enum_class(raw))
    if col is not None and isinstance(col.type, sa.Boolean | sa.types.Boolean):
        return "yes" if raw in ("True", "true", "1") else "no"
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
