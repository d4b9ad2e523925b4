"""Topic reads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.i18n import _n
from tracker.models import AgendaItem, Topic, deliverable_topic


def references(session: Session, topic: Topic) -> dict[str, int]:
    """What still refers to the topic, by kind, counting only non-zero ones."""
    counts = {
        "meeting agendas": session.scalar(
            select(func.count()).select_from(AgendaItem).where(AgendaItem.topic_id == topic.id)
        ),
        "deliverables": session.scalar(
            select(func.count())
            .select_from(deliverable_topic)
            .where(deliverable_topic.c.topic_id == topic.id)
        ),
    }
    return {key: int(value or 0) for key, value in counts.items() if value}


def reference_text(kind: str, count: int) -> str:
    """One line of what refers to a topic, e.g. "2 meeting agendas", in the reader's language
    (the English singular stays as it was: "1 meeting agendas")."""
    if kind == "meeting agendas":
        return _n("%(num)d meeting agendas", "%(num)d meeting agendas", count)
    if kind == "deliverables":
        return _n("%(num)d deliverables", "%(num)d deliverables", count)
    return f"{count} {kind}"
