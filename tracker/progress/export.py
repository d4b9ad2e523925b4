"""CSV exports of deliverables, their progress history and meetings, guarded against formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from enum import Enum

from tracker.models import Deliverable, Meeting, ProgressUpdate
from tracker.progress.risk import deliverable_risk

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

DELIVERABLE_COLUMNS = (
    "id",
    "title",
    "kind",
    "status",
    "progress_percent",
    "lead_organisation",
    "contributors",
    "topics",
    "start_date",
    "due_date",
    "flag",
    "meeting_id",
    "document_url",
    "created_at_utc",
    "updated_at_utc",
    "owner",
    "flag_reasons",
    "health",
    "health_reason",
    "health_set_by",
    "health_set_at_utc",
)

PROGRESS_COLUMNS = (
    "deliverable_id",
    "deliverable_title",
    "recorded_on",
    "previous_percent",
    "percent",
    "note",
    "by",
    "created_at_utc",
)

MEETING_COLUMNS = (
    "id",
    "uid",
    "series",
    "number",
    "title",
    "status",
    "starts_at_utc",
    "ends_at_utc",
    "timezone",
    "local_start",
    "location",
    "online_url",
    "organisations",
    "topics",
)


def cell(value: object) -> str | int:
    """A CSV cell: text that could run as a spreadsheet formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def utc_iso(value: datetime) -> str:
    """An instant in UTC, ISO 8601 with a Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a header row; every cell passes through cell()."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


def deliverables_csv(deliverables: Iterable[Deliverable], today: date) -> str:
    """One row per deliverable."""
    return to_csv(
        DELIVERABLE_COLUMNS,
        (
            (
                d.id,
                d.title,
                d.kind,
                d.status,
                d.progress,
                d.lead_organisation.short_name,
                "; ".join(o.short_name for o in d.contributors),
                "; ".join(t.title for t in d.topics),
                d.start_date,
                d.due_date,
                deliverable_risk(d, today).flag or "on_track",
                d.meeting_id,
                d.document_url,
                d.created_at,
                d.updated_at,
                d.owner.name if d.owner else "",
                "; ".join(deliverable_risk(d, today).reasons),
                d.health,
                d.health_reason,
                d.health_set_by.name if d.health_set_by else "",
                d.health_set_at,
            )
            for d in deliverables
        ),
    )


def progress_csv(updates: Iterable[ProgressUpdate]) -> str:
    """One row per progress update."""
    return to_csv(
        PROGRESS_COLUMNS,
        (
            (
                u.deliverable_id,
                u.deliverable.title,
                u.recorded_on,
                u.previous_percent,
                u.percent,
                u.note,
                u.user.display_name if u.user else "",
                u.created_at,
            )
            for u in updates
        ),
    )


def meetings_csv(meetings: Iterable[Meeting]) -> str:
    """One row per meeting; instants in UTC with the IANA zone beside them."""
    return to_csv(
        MEETING_COLUMNS,
        (
            (
                m.id,
                m.uid,
                m.series.name,
                m.number,
                m.title,
                m.status,
                m.starts_at,
                m.ends_at,
                m.timezone,
                m.local_start.isoformat(),
                m.location,
                m.online_url,
                "; ".join(p.organisation.short_name for p in m.participations),
                "; ".join(a.topic.title for a in m.agenda_items),
            )
            for m in meetings
        ),
    )
