"""Plain-dict forms of the models for the JSON API (no Flask). Shapes match openapi.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tracker.models import (
    Deliverable,
    DeliverableStatusChange,
    Meeting,
    Milestone,
    Organisation,
    ProgressUpdate,
    Topic,
)
from tracker.progress.risk import deliverable_risk


def instant(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def day(value: date | None) -> str | None:
    """A date as ISO 8601."""
    return value.isoformat() if value else None


def organisation_ref(organisation: Organisation) -> dict[str, Any]:
    """A short reference to an organisation."""
    return {"id": organisation.id, "short_name": organisation.short_name}


def organisation(o: Organisation) -> dict[str, Any]:
    """An organisation."""
    return {
        "id": o.id,
        "name": o.name,
        "short_name": o.short_name,
        "country": o.country,
        "kind": o.kind.value,
        "website": o.website,
        "timezone": o.timezone,
        "description": o.description,
    }


def topic(t: Topic) -> dict[str, Any]:
    """A discussion topic."""
    return {"id": t.id, "title": t.title, "description": t.description, "status": t.status.value}


def meeting(m: Meeting) -> dict[str, Any]:
    """A meeting; instants in UTC, with the IANA zone it was planned in."""
    return {
        "id": m.id,
        "uid": m.uid,
        "series": {"id": m.series.id, "name": m.series.name},
        "number": m.number,
        "title": m.title,
        "status": m.status.value,
        "starts_at": instant(m.starts_at),
        "ends_at": instant(m.ends_at),
        "timezone": m.timezone,
        "location": m.location,
        "online_url": m.online_url,
        "description": m.description,
        "organisations": [
            {**organisation_ref(p.organisation), "attendance": p.attendance.value}
            for p in m.participations
        ],
        "agenda": [{"id": a.topic.id, "title": a.topic.title} for a in m.agenda_items],
    }


def deliverable(d: Deliverable, today: date) -> dict[str, Any]:
    """A deliverable as listed."""
    return {
        "id": d.id,
        "title": d.title,
        "kind": d.kind.value,
        "status": d.status.value,
        "progress": d.progress,
        "lead_organisation": organisation_ref(d.lead_organisation),
        "start_date": day(d.start_date),
        "due_date": day(d.due_date),
        "flag": deliverable_risk(d, today).flag or None,
        "flag_reasons": list(deliverable_risk(d, today).reasons),
        "owner": {"id": d.owner.id, "name": d.owner.name} if d.owner else None,
        "health": d.health.value if d.health else None,
        "meeting_id": d.meeting_id,
    }


def progress_update(u: ProgressUpdate) -> dict[str, Any]:
    """One progress update."""
    return {
        "recorded_on": day(u.recorded_on),
        "previous_percent": u.previous_percent,
        "percent": u.percent,
        "note": u.note,
        "created_at": instant(u.created_at),
    }


def status_change(c: DeliverableStatusChange) -> dict[str, Any]:
    """One status change."""
    return {
        "from": c.from_status.value,
        "to": c.to_status.value,
        "at": instant(c.at),
        "note": c.note,
    }


def milestone(m: Milestone) -> dict[str, Any]:
    """One milestone."""
    return {
        "id": m.id,
        "title": m.title,
        "due_date": day(m.due_date),
        "done": m.done,
        "done_at": instant(m.done_at),
    }


def deliverable_detail(
    d: Deliverable,
    today: date,
    updates: list[ProgressUpdate],
    changes: list[DeliverableStatusChange],
    milestones: list[Milestone],
) -> dict[str, Any]:
    """A deliverable with its description, contributors, topics and full history."""
    return {
        **deliverable(d, today),
        "description": d.description,
        "document_url": d.document_url,
        "contributors": [organisation_ref(o) for o in d.contributors],
        "topics": [{"id": t.id, "title": t.title} for t in d.topics],
        "progress_history": [progress_update(u) for u in updates],
        "status_history": [status_change(c) for c in changes],
        "milestones": [milestone(m) for m in milestones],
    }
