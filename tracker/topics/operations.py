"""Topic operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import AgendaItem, Topic, deliverable_topic
from tracker.operations import Refused, apply_values, check_version


def create_topic(session: Session, values: Mapping[str, Any]) -> Topic:
    """Add a topic."""
    topic = Topic(**values)
    session.add(topic)
    session.flush()
    return topic


def update_topic(topic: Topic, values: Mapping[str, Any], version: int | None) -> list[str]:
    """Change a topic; Conflict if someone saved it in between."""
    check_version(topic, version)
    return apply_values(topic, values)


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


def delete_topic(session: Session, topic: Topic) -> None:
    """Delete a topic that no agenda or deliverable refers to; Refused otherwise."""
    refs = references(session, topic)
    if refs:
        listed = ", ".join(f"{count} {kind}" for kind, count in refs.items())
        raise Refused(
            f"{topic.title} cannot be deleted: it is still on {listed}. "
            "Remove it from those first, or mark it concluded instead."
        )
    session.delete(topic)
    session.flush()
