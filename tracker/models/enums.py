"""Closed vocabularies of the domain, stored as strings."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    VIEWER = "viewer"


class OrganisationKind(StrEnum):
    """What sort of body an organisation is."""

    NATIONAL_AI = "national_ai"
    CLUSTER = "cluster"
    PUBLIC_BODY = "public_body"
    UNIVERSITY = "university"
    INVESTOR = "investor"
    COMPANY = "company"
    OTHER = "other"


class MeetingStatus(StrEnum):
    """Where a meeting stands."""

    PLANNED = "planned"
    CONFIRMED = "confirmed"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    """An organisation's attendance at one meeting."""

    INVITED = "invited"
    CONFIRMED = "confirmed"
    ATTENDED = "attended"
    APOLOGISED = "apologised"


class TopicStatus(StrEnum):
    """Whether a discussion topic is still being worked on."""

    OPEN = "open"
    ONGOING = "ongoing"
    CONCLUDED = "concluded"


class DeliverableKind(StrEnum):
    """What sort of output a deliverable is."""

    POLICY_PAPER = "policy_paper"
    ANALYTICAL_REPORT = "analytical_report"
    REVIEW = "review"
    FRAMEWORK = "framework"
    EVENT = "event"
    OTHER = "other"


class DeliverableStatus(StrEnum):
    """Where a deliverable stands."""

    PLANNED = "planned"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    DROPPED = "dropped"


class DeliverableHealth(StrEnum):
    """How the lead or an organiser says a deliverable is going."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


# Published or dropped: nothing more is expected of a deliverable in one of these.
FINISHED_STATUSES = (DeliverableStatus.PUBLISHED, DeliverableStatus.DROPPED)

LABELS: dict[StrEnum, str] = {
    OrganisationKind.NATIONAL_AI: "National AI organisation",
    OrganisationKind.CLUSTER: "Cluster",
    OrganisationKind.PUBLIC_BODY: "Ministry or public body",
    OrganisationKind.UNIVERSITY: "University",
    OrganisationKind.INVESTOR: "Investor",
    OrganisationKind.COMPANY: "Company",
    OrganisationKind.OTHER: "Other",
    DeliverableKind.POLICY_PAPER: "Policy recommendation paper",
    DeliverableKind.ANALYTICAL_REPORT: "Analytical report",
    DeliverableKind.REVIEW: "Review",
    DeliverableKind.FRAMEWORK: "Framework",
    DeliverableKind.EVENT: "Event",
    DeliverableKind.OTHER: "Other",
    DeliverableStatus.IN_REVIEW: "In review",
}


def label(value: StrEnum) -> str:
    """A human label for an enum member."""
    return LABELS.get(value, value.value.replace("_", " ").capitalize())


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field."""
    return [(member.value, label(member)) for member in enum]


def enum_column(enum: type[StrEnum]) -> sa.Enum:
    """A portable string column holding one member of enum."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
