"""Helpers shared by every feature's operations. They never commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.models import Base, utcnow
from tracker.models.base import Timestamped


class Conflict(Exception):
    """The record changed since the user loaded it."""

    def __init__(self, current: Base) -> None:
        super().__init__("stale version")
        self.current = current


class Refused(ValueError):
    """An operation was refused for a reason the user should read."""


def check_version(record: Base, submitted: int | None) -> None:
    """Raise Conflict when the user edited an older version of record."""
    current = getattr(record, "version", None)
    if submitted is not None and current is not None and submitted != current:
        raise Conflict(record)


def apply_values(record: Base, values: Mapping[str, Any]) -> list[str]:
    """Set attributes from values; return the names that really changed."""
    changed = []
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed.append(key)
    return changed


def touch(record: Timestamped) -> None:
    """Mark record changed: updated_at moves now and, on flush, its version goes up.

    The one way to show that a record changed through its children or links alone (agenda,
    organisations, contributors, topics): edit forms opened before then get a conflict, and
    feeds show a new LAST-MODIFIED.
    """
    record.updated_at = utcnow()
