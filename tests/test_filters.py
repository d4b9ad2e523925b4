"""The filter pattern of list views: parsed from a query string without a request, then queried."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from tests.factories import make_deliverable, make_meeting
from tracker.deliverables.queries import DeliverableFilter, deliverable_list_query
from tracker.extensions import db
from tracker.filters import enum_value, flag_value, int_value, text_value
from tracker.meetings.queries import MeetingFilter, meeting_list_query
from tracker.models import DeliverableKind, DeliverableStatus, MeetingStatus


def test_readers_ignore_what_they_cannot_use() -> None:
    args = MultiDict(
        {"n": "12", "big": "2147483648", "sup": "²", "s": " hi ", "e": "held", "f": "1"}
    )
    assert int_value(args, "n") == 12
    assert int_value(args, "big") is None and int_value(args, "sup") is None
    assert int_value(args, "absent") is None
    assert text_value(args, "s") == "hi" and text_value(args, "absent") == ""
    assert enum_value(args, "e", MeetingStatus) == MeetingStatus.HELD
    assert enum_value(args, "s", MeetingStatus) is None
    assert flag_value(args, "f") and not flag_value(args, "n")


def test_meeting_filter_from_args() -> None:
    filters = MeetingFilter.from_args(
        MultiDict({"series": "3", "status": "bogus", "country": "at", "q": " x ", "order": "start"})
    )
    assert filters == MeetingFilter(series_id=3, country="AT", q="x", oldest_first=True)
    assert MeetingFilter.from_args(MultiDict()) == MeetingFilter()


def test_deliverable_filter_shows_deleted_only_to_whom_may_see_them() -> None:
    args = MultiDict({"deleted": "1", "kind": "review", "status": "published", "overdue": "1"})
    seen = DeliverableFilter.from_args(args, may_see_deleted=True)
    assert seen.deleted and seen.overdue
    assert seen.kind == DeliverableKind.REVIEW and seen.status == DeliverableStatus.PUBLISHED
    assert not DeliverableFilter.from_args(args, may_see_deleted=False).deleted


def test_filters_become_queries(app) -> None:
    held = make_meeting(title="Held in Vienna", status=MeetingStatus.HELD)
    make_meeting(title="Planned in Sofia", status=MeetingStatus.PLANNED)
    found = db.session.scalars(meeting_list_query(MeetingFilter(status=MeetingStatus.HELD))).all()
    assert [m.id for m in found] == [held.id]
    late = make_deliverable(title="Late", due_date=date(2020, 1, 1))
    make_deliverable(title="Done late", due_date=date(2020, 1, 1), status=DeliverableStatus.DROPPED)
    make_deliverable(title="Later", due_date=date(2031, 1, 1))
    query = deliverable_list_query(DeliverableFilter(overdue=True), date(2026, 12, 1))
    assert [d.id for d in db.session.scalars(query)] == [late.id]
