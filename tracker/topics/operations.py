"""Topic operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.models import Topic
from tracker.operations import Refused, apply_values, check_version
from tracker.topics.queries import reference_text, references


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


def delete_topic(session: Session, topic: Topic) -> None:
    """Delete a topic that no agenda or deliverable refers to; Refused otherwise."""
    refs = references(session, topic)
    if refs:
        listed = ", ".join(reference_text(kind, count) for kind, count in refs.items())
        raise Refused(
            _(
                "%(name)s cannot be deleted: it is still on %(listed)s. "
                "Remove it from those first, or mark it concluded instead.",
                name=topic.title,
                listed=listed,
            )
        )
    session.delete(topic)
    session.flush()
