"""All models, importable from one place."""

from tracker.models.base import Base, UTCDateTime, utc_today, utcnow
from tracker.models.calendar import CalendarToken
from tracker.models.changes import ChangeCounter
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
    FINISHED_STATUSES,
    Attendance,
    DeliverableHealth,
    DeliverableKind,
    DeliverableStatus,
    MeetingStatus,
    OrganisationKind,
    Role,
    TopicStatus,
)
from tracker.models.notify import NotificationPreference, OutboxMessage, OutboxStatus
from tracker.models.outcomes import (
    ActionItem,
    ActionStatus,
    MinutesApproval,
    MinutesRevision,
    Outcome,
    OutcomeKind,
    PersonAttendance,
)
from tracker.models.polls import MAX_SLOTS, MIN_SLOTS, PollAnswer, PollSlot, PollVote, TimePoll
from tracker.models.progress import (
    DeliverableStatusChange,
    DeliverableTracking,
    Milestone,
    ProgressUpdate,
)
from tracker.models.recurrence import Frequency, SeriesRule
from tracker.models.search import SearchDocument
from tracker.models.security import LoginAttempt
from tracker.models.user import AuditEvent, User

__all__ = [
    "FINISHED_STATUSES",
    "MAX_SLOTS",
    "MIN_SLOTS",
    "ActionItem",
    "ActionStatus",
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "Base",
    "CalendarToken",
    "ChangeCounter",
    "Deliverable",
    "DeliverableHealth",
    "DeliverableKind",
    "DeliverableStatus",
    "DeliverableStatusChange",
    "DeliverableTracking",
    "Frequency",
    "LoginAttempt",
    "Meeting",
    "MeetingStatus",
    "Milestone",
    "MinutesApproval",
    "MinutesRevision",
    "NotificationPreference",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "Outcome",
    "OutcomeKind",
    "Participation",
    "Person",
    "PersonAttendance",
    "PollAnswer",
    "PollSlot",
    "PollVote",
    "ProgressUpdate",
    "Role",
    "SearchDocument",
    "Series",
    "SeriesRule",
    "TimePoll",
    "Topic",
    "TopicStatus",
    "UTCDateTime",
    "User",
    "deliverable_contributor",
    "deliverable_topic",
    "utc_today",
    "utcnow",
]
