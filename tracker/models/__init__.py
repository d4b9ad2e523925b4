"""All models, importable from one place."""

from tracker.models.base import Base, UTCDateTime, utcnow
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
from tracker.models.security import LoginAttempt
from tracker.models.user import AuditEvent, User

__all__ = [
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "Base",
    "Deliverable",
    "DeliverableKind",
    "DeliverableStatus",
    "LoginAttempt",
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
