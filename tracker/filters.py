"""The filter pattern of list views: a small frozen dataclass with a from_args() that reads the
query string, and a query function in the feature's queries module that turns it into SQL.

audit.AuditFilter, meetings.queries.MeetingFilter and deliverables.queries.DeliverableFilter
follow it. The readers below take the arguments explicitly, so filters parse without a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from tracker.inputs import parse_int

E = TypeVar("E", bound=StrEnum)


def int_value(args: Mapping[str, str], name: str) -> int | None:
    """An integer argument, or None when absent, not a number or out of range."""
    return parse_int(args.get(name, ""))


def text_value(args: Mapping[str, str], name: str) -> str:
    """A text argument without surrounding spaces; empty when absent."""
    return args.get(name, "").strip()


def enum_value(args: Mapping[str, str], name: str, enum: type[E]) -> E | None:
    """A member of enum named by its value, or None when absent or unknown."""
    raw = args.get(name, "")
    return enum(raw) if raw in enum._value2member_map_ else None


def flag_value(args: Mapping[str, str], name: str) -> bool:
    """Whether a checkbox-style argument is "1"."""
    return args.get(name) == "1"
