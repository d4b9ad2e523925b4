"""Closed vocabularies of the domain, stored as strings."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from tracker.i18n import _l, _lp


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

# Every member's label, by enum: members of different enums are equal when their values are
# (StrEnum), so one flat dict could not tell MeetingStatus.PLANNED from DeliverableStatus.PLANNED.
# Statuses carry a context because their words agree in gender with what they describe.
LABELS: dict[type[StrEnum], dict[str, LazyString]] = {
    Role: {
        Role.ADMIN: _lp("role", "Admin"),
        Role.ORGANISER: _lp("role", "Organiser"),
        Role.VIEWER: _lp("role", "Viewer"),
    },
    OrganisationKind: {
        OrganisationKind.NATIONAL_AI: _l("National AI organisation"),
        OrganisationKind.CLUSTER: _l("Cluster"),
        OrganisationKind.PUBLIC_BODY: _l("Ministry or public body"),
        OrganisationKind.UNIVERSITY: _l("University"),
        OrganisationKind.INVESTOR: _l("Investor"),
        OrganisationKind.COMPANY: _l("Company"),
        OrganisationKind.OTHER: _lp("organisation kind", "Other"),
    },
    MeetingStatus: {
        MeetingStatus.PLANNED: _lp("meeting status", "Planned"),
        MeetingStatus.CONFIRMED: _lp("meeting status", "Confirmed"),
        MeetingStatus.HELD: _lp("meeting status", "Held"),
        MeetingStatus.POSTPONED: _lp("meeting status", "Postponed"),
        MeetingStatus.CANCELLED: _lp("meeting status", "Cancelled"),
    },
    Attendance: {
        Attendance.INVITED: _lp("attendance", "Invited"),
        Attendance.CONFIRMED: _lp("attendance", "Confirmed"),
        Attendance.ATTENDED: _lp("attendance", "Attended"),
        Attendance.APOLOGISED: _lp("attendance", "Apologised"),
    },
    TopicStatus: {
        TopicStatus.OPEN: _lp("topic status", "Open"),
        TopicStatus.ONGOING: _lp("topic status", "Ongoing"),
        TopicStatus.CONCLUDED: _lp("topic status", "Concluded"),
    },
    DeliverableKind: {
        DeliverableKind.POLICY_PAPER: _l("Policy recommendation paper"),
        DeliverableKind.ANALYTICAL_REPORT: _l("Analytical report"),
        DeliverableKind.REVIEW: _lp("deliverable kind", "Review"),
        DeliverableKind.FRAMEWORK: _l("Framework"),
        DeliverableKind.EVENT: _l("Event"),
        DeliverableKind.OTHER: _lp("deliverable kind", "Other"),
    },
    DeliverableStatus: {
        DeliverableStatus.PLANNED: _lp("deliverable status", "Planned"),
        DeliverableStatus.DRAFTING: _lp("deliverable status", "Drafting"),
        DeliverableStatus.IN_REVIEW: _lp("deliverable status", "In review"),
        DeliverableStatus.PUBLISHED: _lp("deliverable status", "Published"),
        DeliverableStatus.DROPPED: _lp("deliverable status", "Dropped"),
    },
    DeliverableHealth: {
        DeliverableHealth.ON_TRACK: _l("On track"),
        DeliverableHealth.AT_RISK: _l("At risk"),
        DeliverableHealth.OFF_TRACK: _l("Off track"),
    },
}


def label(value: StrEnum) -> str:
    """A human label for an enum member, in the current language (a plain str)."""
    found = LABELS.get(type(value), {}).get(value.value)
    if found is None:  # an enum added without labels: its value, readable
        return value.value.replace("_", " ").capitalize()
    return str(found)


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field, in the current language (evaluate per request)."""
    return [(member.value, label(member)) for member in enum]


def lazy_choices(enum: type[StrEnum]) -> list[tuple[str, LazyString]]:
    """(value, lazy label) pairs: for choices given at import time (a form's class body), whose
    labels then follow each request's language."""
    return [(member.value, LABELS[enum][member.value]) for member in enum]


def enum_column(enum: type[StrEnum]) -> sa.Enum:
    """A portable string column holding one member of enum."""
    return sa.Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
