"""Jinja filters and globals: labels, human dates and pagination links."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask import Flask, request, url_for
from flask_babel.speaklater import LazyString
from flask_login import current_user

from tracker.i18n import _, _l, _lp
from tracker.models import User
from tracker.models.enums import label
from tracker.timefmt import city, human_date, when, zones_line
from tracker.zones.reader import resolve_reader_zone, shown_zones


def page_url(page: int) -> str:
    """The current URL with another page number, keeping the filters."""
    args = request.args.to_dict()
    args["page"] = str(page)
    assert request.endpoint is not None
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint, **values)


# Plain words stored as text, not as enum members: the audit trail's actions and record kinds.
PLAIN_LABELS: dict[str, LazyString] = {
    "create": _lp("audit action", "Create"),
    "update": _lp("audit action", "Update"),
    "delete": _lp("audit action", "Delete"),
    "restore": _lp("audit action", "Restore"),
    "reopen": _lp("audit action", "Reopen"),
    "login": _lp("audit action", "Login"),
    "logout": _lp("audit action", "Logout"),
    "login_failed": _l("Login failed"),
    "login_throttled": _l("Login throttled"),
    "password_change": _l("Password change"),
    "password_failed": _l("Password failed"),
    "password_reset": _l("Password reset"),
    "password_throttled": _l("Password throttled"),
    "action_item": _l("Action item"),
    "agenda_item": _l("Agenda item"),
    "deliverable": _l("Deliverable"),
    "deliverable_status_change": _l("Deliverable status change"),
    "meeting": _l("Meeting"),
    "milestone": _l("Milestone"),
    "minutes_approval": _l("Minutes approval"),
    "minutes_revision": _l("Minutes revision"),
    "organisation": _l("Organisation"),
    "outcome": _l("Outcome"),
    "participation": _l("Participation"),
    "person": _l("Person"),
    "person_attendance": _l("Person attendance"),
    "poll_slot": _l("Poll slot"),
    "poll_vote": _l("Poll vote"),
    "progress_update": _l("Progress update"),
    "series": _lp("record", "Series"),
    "series_rule": _l("Series rule"),
    "time_poll": _l("Time poll"),
    "topic": _l("Topic"),
    "user_account": _l("User account"),
}


def enum_label(value: StrEnum | str | None) -> str:
    """A human label for an enum member or a known plain word (or a blank for None)."""
    if value is None:
        return ""
    if isinstance(value, StrEnum):
        return label(value)
    if value in PLAIN_LABELS:
        return str(PLAIN_LABELS[value])
    return str(value).replace("_", " ").capitalize()


def who(user: User | None, missing: str | None = None) -> str:
    """The one way pages name a user: the display name, with the e-mail for admins only."""
    if user is None:
        return missing if missing is not None else _("unknown")
    if getattr(current_user, "is_admin", False):  # also safe outside a request (e-mails)
        return f"{user.display_name} ({user.email})"
    return user.display_name


def reader_when(value: datetime | date | None, zone: str | None = None) -> str:
    """when() for the current reader: in zone (a meeting's) with the reader's clock beside it,
    or without a zone in the reader's zone, else the initiative's."""
    from flask import current_app

    from tracker.timefmt import pick_zone
    from tracker.zones.reader import note_shown_zone, reader_zone

    initiative = current_app.config.get("TRACKER_TIMEZONE")
    reader = reader_zone()
    if isinstance(value, datetime) and reader is None:
        note_shown_zone(pick_zone(None, zone, initiative))
    return when(value, reader, zone, initiative)


def entered_on(value: datetime) -> date:
    """The calendar day of an instant in the reader's zone (to compare with a plain date)."""
    from flask import current_app

    from tracker.timefmt import pick_zone, zone_info
    from tracker.zones.reader import reader_zone

    zone = pick_zone(reader_zone(), None, current_app.config.get("TRACKER_TIMEZONE"))
    return value.astimezone(zone_info(zone)).date()


def audit_lines(entity: str, changes: dict[str, list[str | None]] | None) -> list[Any]:
    """Templates: an audit event's changes in words (names, labels, local times)."""
    from tracker.audit_display import readable_changes
    from tracker.extensions import db

    return readable_changes(db.session, entity, changes, reader_when)


def reader_human_datetime(value: datetime | None, zone: str | None = None) -> str:
    """The old human_datetime(instant, zone) for templates, now through when(): the reader's
    zone first, zone next ("UTC" counts as no zone: the initiative's is used instead)."""
    return reader_when(value, None if zone in (None, "UTC") else zone)


def register(app: Flask) -> None:
    """Install filters and globals."""
    app.jinja_env.filters["label"] = enum_label
    app.jinja_env.filters["human_date"] = human_date
    app.jinja_env.filters["city"] = city
    app.jinja_env.globals["human_datetime"] = reader_human_datetime
    app.jinja_env.globals["when"] = reader_when
    app.jinja_env.filters["when"] = reader_when
    app.jinja_env.globals["entered_on"] = entered_on
    app.jinja_env.globals["readable_changes"] = audit_lines
    app.jinja_env.filters["who"] = who
    app.jinja_env.globals["zones_line"] = zones_line
    app.jinja_env.globals["reader_zone_info"] = resolve_reader_zone
    app.jinja_env.globals["shown_zones"] = shown_zones
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.template_filter("iso")
    def iso(value: date | datetime | None) -> str:
        if isinstance(value, datetime):
            # Whole seconds: HTML's <time datetime> allows at most three fraction digits.
            value = value.replace(microsecond=0)
        return value.isoformat() if value else ""

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {"public_read": app.config["TRACKER_PUBLIC_READ"]}
