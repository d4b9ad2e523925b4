"""All models, importable from one place."""

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.calendar import CalendarState, CalendarToken
from tracker.models.core import (
    AgendaItem,
    Deliverable,
    Meeting,
    Organisation,
    Participation,
    Person,
    Series,
    Topic,
    deliverable_contributor,
    deliverable_topic,
)
from tracker.models.enums import (
    Attendance,
    DeliverableKind,
    DeliverableStatus,
    MeetingStatus,
    OrganisationKind,
    Role,
    TopicStatus,
)
from tracker.models.user import AuditEvent, User

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "Base",
    "CalendarState",
    "CalendarToken",
    "Deliverable",
    "DeliverableKind",
    "DeliverableStatus",
    "Meeting",
    "MeetingStatus",
    "Organisation",
    "OrganisationKind",
    "Participation",
    "Person",
    "Role",
    "Series",
    "Topic",
    "TopicStatus",
    "UTCDateTime",
    "User",
    "deliverable_contributor",
    "deliverable_topic",
    "utcnow",
]
