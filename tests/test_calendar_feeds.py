"""Calendar feeds over HTTP: contents, windows, SEQUENCE and STATUS, conditional requests."""

from __future__ import annotations

import gzip
import os
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.http import http_date

from tests import factories
from tests.calendar_parsers import (
    by_uid_ical_js,
    by_uid_icalendar,
    by_uid_vobject,
    ical_js,
    icalendar_events,
)
from tests.conftest import build_app
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Attendance,
    ChangeCounter,
    Meeting,
    MeetingStatus,
    Organisation,
    Participation,
    Series,
    Topic,
    utc_today,
    utcnow,
)
from tracker.state_reader import close_quietly, reader_for

# A feed's window and ETag carry its day: hold the day still (see conftest.pinned_day).
pytestmark = pytest.mark.usefixtures("pinned_day")

ZONES = ["Europe/Sofia", "Europe/Vienna", "Europe/Belgrade", "Europe/Stockholm", "Europe/London"]


def soon(days: int = 7, hour: int = 12) -> datetime:
    """An instant some days from now, on the hour, in UTC."""
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def events(client: FlaskClient, url: str) -> dict[str, icalendar.Event]:
    """uid -> VEVENT of the feed at url."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return {str(e["UID"]): e for e in icalendar_events(response.data)}


@pytest.fixture
def world(app: Flask) -> dict[str, object]:
    """Two series, three organisations, meetings in and out of the window, deliverables."""
    main = factories.make_series(name="Borderless, AI; main")
    side = factories.make_series(name="Side track", timezone="Europe/Vienna")
    insait = factories.make_organisation(name="INSAIT", short_name="INSAIT")
    austria = factories.make_organisation(
        name="AI Austria", short_name="AIA", country="AT", timezone="Europe/Vienna"
    )
    sweden = factories.make_organisation(
        name="AI Sweden", short_name="AIS", country="SE", timezone="Europe/Stockholm"
    )
    topic = factories.make_topic(title="Compute, sharing; rules")
    upcoming = factories.make_meeting(
        series=main, organisations=[insait, austria], topics=[topic], starts_at=soon(7)
    )
    far = factories.make_meeting(series=side, organisations=[sweden], starts_at=soon(300))
    recent = factories.make_meeting(series=main, organisations=[insait], starts_at=soon(-20))
    old = factories.make_meeting(series=main, organisations=[insait], starts_at=soon(-40))
    gone = factories.make_meeting(series=main, organisations=[insait], starts_at=soon(10))
    gone.deleted_at = utcnow()
    cancelled = factories.make_meeting(
        series=main, organisations=[austria], starts_at=soon(14), status=MeetingStatus.CANCELLED
    )
    db.session.commit()
    paper = factories.make_deliverable(
        lead_organisation=insait, due_date=utc_today() + timedelta(5)
    )
    dropped = factories.make_deliverable(due_date=utc_today() + timedelta(6))
    dropped.deleted_at = utcnow()
    late = factories.make_deliverable(due_date=utc_today() - timedelta(60))
    db.session.commit()
    return locals()


def test_all_meetings_feed_covers_the_window_and_keeps_cancelled_meetings(
    client: FlaskClient, world: dict
) -> None:
    feed = events(client, "/feeds/meetings.ics")
    uids = set(feed)
    assert {world["upcoming"].uid, world["far"].uid, world["recent"].uid} <= uids
    assert world["old"].uid not in uids  # ended more than 30 days ago
    assert world["gone"].uid not in uids  # soft-deleted
    cancelled = feed[world["cancelled"].uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Cancelled: ")
    event = feed[world["upcoming"].uid]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert event.categories == ["Borderless, AI; main"]
    assert str(event["URL"]) == f"http://tracker.test/meetings/{world['upcoming'].id}"
    description = str(event["DESCRIPTION"])
    assert "1. Compute, sharing; rules" in description
    assert f"http://tracker.test/meetings/{world['upcoming'].id}" in description
    assert "AI Austria, INSAIT" in description


def test_past_window_is_configurable(tmp_path: Path) -> None:
    app = build_app(tmp_path, TRACKER_FEED_PAST_DAYS=60, TRACKER_FEED_REFRESH_MINUTES=15)
    with app.app_context():
        old = factories.make_meeting(starts_at=soon(-40))
        older = factories.make_meeting(starts_at=soon(-70))
        response = app.test_client().get("/feeds/meetings.ics")
        uids = {str(e["UID"]) for e in icalendar_events(response.data)}
        assert old.uid in uids
        assert older.uid not in uids
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in response.data
        assert b"\r\nX-PUBLISHED-TTL:PT15M\r\n" in response.data
        db.session.remove()
        db.engine.dispose()


def test_series_feed_has_only_that_series(client: FlaskClient, world: dict) -> None:
    uids = set(events(client, f"/feeds/series/{world['side'].id}.ics"))
    assert uids == {world["far"].uid}
    response = client.get(f"/feeds/series/{world['main'].id}.ics")
    assert b"X-WR-CALNAME:Borderless\\, AI\\; main meetings\r\n" in response.data
    assert 'filename="series-borderless-ai-main.ics"' in response.headers["Content-Disposition"]
    assert client.get("/feeds/series/999.ics").status_code == 404


def test_organisation_feed_has_the_meetings_it_takes_part_in(
    client: FlaskClient, world: dict
) -> None:
    uids = set(events(client, f"/feeds/organisations/{world['austria'].id}.ics"))
    assert uids == {world["upcoming"].uid, world["cancelled"].uid}
    assert client.get("/feeds/organisations/999.ics").status_code == 404


def test_deadlines_feed_has_all_day_events_of_live_deliverables(
    client: FlaskClient, world: dict
) -> None:
    response = client.get("/feeds/deadlines.ics")
    feed = {str(e["UID"]): e for e in icalendar_events(response.data)}
    assert len(feed) == 1
    (event,) = feed.values()
    due = world["paper"].due_date
    assert event.decoded("DTSTART") == due
    assert event.decoded("DTEND") == due + timedelta(days=1)
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}\r\n".encode() in response.data
    assert "Led by INSAIT" in str(event["DESCRIPTION"])


def test_one_meeting_download_is_an_attachment_with_the_same_uid(
    client: FlaskClient, world: dict
) -> None:
    meeting = world["upcoming"]
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.endswith('.ics"')
    (event,) = icalendar_events(response.data)
    assert str(event["UID"]) == meeting.uid
    assert client.get(f"/meetings/{world['gone'].id}.ics").status_code == 404
    assert client.get("/meetings/999.ics").status_code == 404
    # Old meetings outside the feeds' window can still be downloaded.
    assert client.get(f"/meetings/{world['old'].id}.ics").status_code == 200


FEEDS = [
    "/feeds/meetings.ics",
    "/feeds/series/{main.id}.ics",
    "/feeds/organisations/{insait.id}.ics",
    "/feeds/deadlines.ics",
    "/meetings/{upcoming.id}.ics",
]


@pytest.mark.usefixtures("node_modules")
@pytest.mark.parametrize("pattern", FEEDS)
def test_every_feed_parses_alike_with_icalendar_vobject_and_ical_js(
    client: FlaskClient, world: dict, pattern: str
) -> None:
    response = client.get(pattern.format(**world))
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    from_icalendar = by_uid_icalendar(response.data)
    assert from_icalendar
    assert by_uid_vobject(response.data) == from_icalendar
    assert by_uid_ical_js(response.data) == from_icalendar


def dst_meetings() -> list[tuple[str, datetime, datetime]]:
    """Meetings around the EU DST switch weekends of 2026 and 2027, in every partner's zone."""
    cases = []
    for switch in (date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)):
        for tzid in ZONES:
            zone = ZoneInfo(tzid)
            for day in (switch - timedelta(days=1), switch, switch + timedelta(days=1)):
                for hour in (0, 1, 2, 3, 4, 9, 15, 23):
                    start = datetime(day.year, day.month, day.day, hour, 30, tzinfo=zone)
                    start = start.astimezone(UTC).astimezone(zone)  # a real local time
                    cases.append(
                        (tzid, start.astimezone(UTC), start.astimezone(UTC) + timedelta(hours=2))
                    )
    return cases


@pytest.mark.usefixtures("node_modules")
def test_utc_instants_survive_dst_weekends_in_every_zone(
    monkeypatch: pytest.MonkeyPatch, client: FlaskClient
) -> None:
    series = factories.make_series()
    expected = {}
    for number, (tzid, start, end) in enumerate(dst_meetings(), start=1):
        meeting = Meeting(
            series=series,
            number=number,
            title=f"M{number}",
            starts_at=start,
            ends_at=end,
            timezone=tzid,
        )
        db.session.add(meeting)
        db.session.flush()
        expected[meeting.uid] = (start, end)
    db.session.commit()
    # Pretend today is before the first switch so every meeting is in the window, and look
    # far enough ahead (the default horizon is 18 months) to reach the last one.
    client.application.config["TRACKER_FEED_FUTURE_MONTHS"] = 24
    monkeypatch.setattr("tracker.calendar.routes.utc_today", lambda: date(2026, 3, 1))
    response = client.get("/feeds/meetings.ics")
    assert len(expected) == 4 * 5 * 3 * 8
    assert by_uid_icalendar(response.data) == expected
    assert by_uid_vobject(response.data) == expected
    assert by_uid_ical_js(response.data) == expected
    zones = sorted(ical_js(response.data)["timezones"])
    assert zones == sorted(ZONES)


@pytest.mark.usefixtures("node_modules")
def test_edit_postpone_cancel_raise_sequence_and_keep_the_uid(
    client: FlaskClient, app: Flask
) -> None:
    meeting = factories.make_meeting(starts_at=soon(7))
    uid = meeting.uid
    url = f"/meetings/{meeting.id}.ics"
    seen = []

    def snapshot() -> dict:
        (event,) = ical_js(client.get(url).data)["events"]
        seen.append(event)
        return event

    first = snapshot()
    assert (first["sequence"], first["status"]) == (0, "TENTATIVE")

    meeting.title = "Renamed only"  # not time, place or status: SEQUENCE stays
    db.session.commit()
    assert snapshot()["sequence"] == 0

    meeting.status = MeetingStatus.CONFIRMED
    db.session.commit()
    assert (snapshot()["sequence"], seen[-1]["status"]) == (1, "CONFIRMED")

    later = soon(8)  # once: the test may run across midnight
    meeting.starts_at = later
    meeting.ends_at = later + timedelta(hours=3)
    db.session.commit()
    event = snapshot()
    assert (event["sequence"], event["status"]) == (2, "CONFIRMED")
    assert event["start"] == later.isoformat().replace("+00:00", ".000Z")

    meeting.location = "Vienna, Austria Center"
    db.session.commit()
    assert snapshot()["sequence"] == 3

    meeting.status = MeetingStatus.POSTPONED
    db.session.commit()
    event = snapshot()
    assert (event["sequence"], event["status"]) == (4, "TENTATIVE")
    assert event["summary"].startswith("Postponed: ")

    meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    event = snapshot()
    assert (event["sequence"], event["status"]) == (5, "CANCELLED")
    assert {e["uid"] for e in seen} == {uid}
    # The cancelled meeting stays in the subscribed feed with the higher SEQUENCE.
    feed = events(client, "/feeds/meetings.ics")
    assert feed[uid]["SEQUENCE"] == 5
    assert str(feed[uid]["STATUS"]) == "CANCELLED"


def test_sequence_bump_needs_no_view_code(app: Flask) -> None:
    """Any session, e.g. the CLI's, goes through the hook."""
    meeting_id = factories.make_meeting().id
    db.session.expunge_all()
    fresh = db.session.get(Meeting, meeting_id)
    assert fresh is not None
    fresh.online_url = "https://meet.example/new"
    db.session.commit()
    fresh.online_url = "https://meet.example/new"  # same value: no change, no bump
    fresh.description = "Notes only"
    db.session.commit()
    assert db.session.get(Meeting, meeting_id).sequence == 1


def test_dtstamp_stays_while_nothing_changes(client: FlaskClient, world: dict) -> None:
    first = client.get("/feeds/meetings.ics").data
    second = client.get("/feeds/meetings.ics").data
    assert first == second
    event = events(client, "/feeds/meetings.ics")[world["upcoming"].uid]
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED")
    assert event.decoded("CREATED") == world["upcoming"].created_at.replace(microsecond=0)


def add_agenda_topic_by_id(world: dict) -> None:
    db.session.add(AgendaItem(meeting_id=world["upcoming"].id, topic_id=world["topic3"].id))


def reorder_agenda(world: dict) -> None:
    first, second = world["upcoming"].agenda_items
    first.position, second.position = second.position, first.position


def remove_agenda_topic(world: dict) -> None:
    world["upcoming"].agenda_items.clear()


def add_participant(world: dict) -> None:
    world["upcoming"].participations.append(Participation(organisation=world["sweden"]))


def remove_participant(world: dict) -> None:
    participation = db.session.get(Participation, (world["upcoming"].id, world["austria"].id))
    db.session.delete(participation)


def backdate(hours: int = 3) -> datetime:
    """Set every meeting's, series', topic's and organisation's last change hours back."""
    then = (utcnow() - timedelta(hours=hours)).replace(microsecond=0)
    for model in (Meeting, Series, Topic, Organisation):
        db.session.execute(sa.update(model).values(updated_at=then))
    db.session.commit()
    return then


@pytest.mark.parametrize(
    "change",
    [
        add_agenda_topic_by_id,
        reorder_agenda,
        remove_agenda_topic,
        add_participant,
        remove_participant,
    ],
)
def test_agenda_and_organisation_changes_move_last_modified_and_dtstamp(
    client: FlaskClient, world: dict, change: object
) -> None:
    meeting = world["upcoming"]
    second = factories.make_topic(title="Second topic")
    meeting.agenda_items.append(AgendaItem(topic=second, position=1))
    world["topic3"] = factories.make_topic(title="Third topic")
    db.session.commit()
    then = backdate()
    version = db.session.get(Meeting, meeting.id).version
    before = events(client, "/feeds/meetings.ics")[meeting.uid]
    assert before.decoded("LAST-MODIFIED") == then
    change(world)  # type: ignore[operator]
    db.session.commit()
    after = events(client, "/feeds/meetings.ics")[meeting.uid]
    assert after.decoded("LAST-MODIFIED") > then + timedelta(hours=2)
    assert after.decoded("DTSTAMP") == after.decoded("LAST-MODIFIED")
    assert str(after["DESCRIPTION"]) != str(before["DESCRIPTION"])
    # The edit form opened before the change must not put the old agenda back unnoticed.
    assert db.session.get(Meeting, meeting.id).version == version + 1
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"])


def test_attendance_and_agenda_notes_leave_the_event_alone(
    client: FlaskClient, world: dict
) -> None:
    meeting = world["upcoming"]
    then = backdate()
    change_attendance(world)
    meeting.agenda_items[0].notes = "Discussed at length."
    db.session.commit()
    event = events(client, "/feeds/meetings.ics")[meeting.uid]
    assert event.decoded("LAST-MODIFIED") == then
    assert event.decoded("DTSTAMP") == then


def test_a_year_of_meetings_stays_well_under_a_megabyte(client: FlaskClient) -> None:
    series = factories.make_series(name="Weekly and more")
    organisations = [factories.make_organisation() for _ in range(5)]
    topics = [
        factories.make_topic(title=f"A fairly long agenda topic title number {n}") for n in range(5)
    ]
    for day in range(0, 365, 2):
        factories.make_meeting(
            series=series,
            organisations=organisations,
            topics=topics,
            starts_at=soon(day + 1),
            location="Sofia Tech Park, Alexander Stamboliyski Blvd. 111, Sofia",
            online_url="https://meet.example.org/borderless-ai-initiative",
            timezone=ZONES[day % 5],
        )
    response = client.get("/feeds/meetings.ics")
    assert len(icalendar_events(response.data)) == 183
    assert len(response.data) < 500_000


# --- HTTP caching -------------------------------------------------------------------------------


def test_feed_headers(client: FlaskClient, world: dict) -> None:
    response = client.get("/feeds/meetings.ics")
    assert response.content_type == "text/calendar; charset=utf-8"
    assert (
        response.headers["Content-Disposition"] == 'inline; filename="borderless-ai-meetings.ics"'
    )
    assert response.headers["ETag"].startswith('"')
    assert response.last_modified is not None
    assert response.last_modified <= datetime.now(UTC)
    assert "no-cache" in response.headers["Cache-Control"]


def test_if_none_match_and_if_modified_since_give_304(client: FlaskClient, world: dict) -> None:
    # The fixture's commits came in a burst, which pushes changed_at a little ahead of the
    # clock (so Last-Modified stays unique per change); let it lie an hour in the past.
    an_hour_ago = int((utcnow() - timedelta(hours=1)).timestamp())
    db.session.execute(
        db.update(ChangeCounter)
        .where(ChangeCounter.name == "feeds")
        .values(changed_second=an_hour_ago)
    )
    db.session.commit()
    first = client.get("/feeds/meetings.ics")
    etag = first.headers["ETag"]
    again = client.get("/feeds/meetings.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    weak = client.get("/feeds/meetings.ics", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    other = client.get("/feeds/meetings.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    since = client.get(
        "/feeds/meetings.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304
    before = http_date(first.last_modified - timedelta(seconds=1))
    assert (
        client.get("/feeds/meetings.ics", headers={"If-Modified-Since": before}).status_code == 200
    )
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3).
    both = client.get(
        "/feeds/meetings.ics",
        headers={
            "If-None-Match": '"something-else"',
            "If-Modified-Since": first.headers["Last-Modified"],
        },
    )
    assert both.status_code == 200


def test_head_works(client: FlaskClient, world: dict) -> None:
    get = client.get("/feeds/meetings.ics")
    head = client.head("/feeds/meetings.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(get.data))
    conditional = client.head("/feeds/meetings.ics", headers={"If-None-Match": get.headers["ETag"]})
    assert conditional.status_code == 304


def rename_topic(world: dict) -> None:
    world["topic"].title = "Renamed topic"


def rename_organisation(world: dict) -> None:
    world["austria"].name = "AI Austria (renamed)"


def rename_series(world: dict) -> None:
    world["main"].name = "Main series renamed"


def add_agenda_item(world: dict) -> None:
    db.session.add(AgendaItem(meeting=world["far"], topic=world["topic"], position=5))


def drop_participation(world: dict) -> None:
    participation = db.session.get(Participation, (world["upcoming"].id, world["austria"].id))
    db.session.delete(participation)


def change_attendance(world: dict) -> None:
    participation = db.session.get(Participation, (world["upcoming"].id, world["austria"].id))
    participation.attendance = Attendance.APOLOGISED


def soft_delete_meeting(world: dict) -> None:
    world["upcoming"].deleted_at = utcnow()


def hard_delete_meeting(world: dict) -> None:
    db.session.delete(world["recent"])


def cancel_meeting(world: dict) -> None:
    world["upcoming"].status = MeetingStatus.CANCELLED


def bulk_update(world: dict) -> None:
    db.session.execute(
        db.update(Meeting).where(Meeting.id == world["far"].id).values(title="Bulk renamed")
    )


@pytest.mark.parametrize(
    "change",
    [
        rename_topic,
        rename_organisation,
        rename_series,
        add_agenda_item,
        drop_participation,
        change_attendance,
        soft_delete_meeting,
        hard_delete_meeting,
        cancel_meeting,
        bulk_update,
    ],
)
def test_304_ends_when_the_feed_or_a_related_record_changes(
    client: FlaskClient, world: dict, change: object
) -> None:
    first = client.get("/feeds/meetings.ics")
    headers = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/feeds/meetings.ics", headers=headers).status_code == 304
    change(world)  # type: ignore[operator]
    db.session.commit()
    after = client.get("/feeds/meetings.ics", headers=headers)
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    # If-Modified-Since alone also sees the change, even within the same second.
    since = client.get(
        "/feeds/meetings.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 200


def test_304_ends_when_a_deliverable_is_deleted(client: FlaskClient, world: dict) -> None:
    first = client.get("/feeds/deadlines.ics")
    headers = {"If-None-Match": first.headers["ETag"]}
    assert client.get("/feeds/deadlines.ics", headers=headers).status_code == 304
    world["paper"].deleted_at = utcnow()
    db.session.commit()
    after = client.get("/feeds/deadlines.ics", headers=headers)
    assert after.status_code == 200
    assert icalendar_events(after.data) == []


def test_two_app_instances_on_one_database_agree(tmp_path: Path, app: Flask) -> None:
    """Two workers: one serves and caches the feed, the other changes the data."""
    meeting = factories.make_meeting(title="Before")
    db.session.commit()  # the second app reads through its own connections
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = build_app(tmp_path, SQLALCHEMY_DATABASE_URI=uri)
    with worker.app_context():
        reader = worker.test_client()
        first = reader.get("/feeds/meetings.ics")
        assert b"SUMMARY:Before" in first.data
        etag = first.headers["ETag"]
        assert reader.get("/feeds/meetings.ics", headers={"If-None-Match": etag}).status_code == 304
    meeting.title = "After"
    db.session.commit()
    with worker.app_context():
        changed = reader.get("/feeds/meetings.ics", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert b"SUMMARY:After" in changed.data
        db.session.remove()
        db.engine.dispose()
    # And the other way round: the first app sees what a request to the second one changed.
    assert app.test_client().get("/feeds/meetings.ics").headers["ETag"] == changed.headers["ETag"]


def test_gzip_is_its_own_representation(client: FlaskClient, world: dict) -> None:
    plain = client.get("/feeds/meetings.ics")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/feeds/meetings.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        "/feeds/meetings.ics",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert again.status_code == 304
    crossed = client.get("/feeds/meetings.ics", headers={"If-None-Match": packed.headers["ETag"]})
    assert crossed.status_code == 200
    assert "Content-Encoding" not in crossed.headers


@pytest.mark.parametrize(
    ("status", "ical"),
    [
        (MeetingStatus.PLANNED, "TENTATIVE"),
        (MeetingStatus.CONFIRMED, "CONFIRMED"),
        (MeetingStatus.HELD, "CONFIRMED"),
        (MeetingStatus.POSTPONED, "TENTATIVE"),
        (MeetingStatus.CANCELLED, "CANCELLED"),
    ],
)
def test_status_maps_to_ical_status(client: FlaskClient, status: MeetingStatus, ical: str) -> None:
    meeting = factories.make_meeting(status=status)
    (event,) = icalendar_events(client.get(f"/meetings/{meeting.id}.ics").data)
    assert str(event["STATUS"]) == ical
    assert str(event["UID"]) == meeting.uid


def test_an_unchanged_feed_needs_no_pooled_connection(client: FlaskClient, world: dict) -> None:
    """A poll reads the change counter on the state connection, not through the pool."""
    etag = client.get("/feeds/meetings.ics").headers["ETag"]
    checkouts: list[object] = []

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(db.engine, "checkout", count)
    try:
        assert client.get("/feeds/meetings.ics").status_code == 200
        assert client.get("/feeds/meetings.ics", headers={"If-None-Match": etag}).status_code == 304
    finally:
        event.remove(db.engine, "checkout", count)
    assert checkouts == []
    assert reader_for(db.engine).connection is not None


def test_a_broken_state_connection_is_replaced(client: FlaskClient, world: dict) -> None:
    first = client.get("/feeds/meetings.ics")
    reader = reader_for(db.engine)
    broken = reader.connection
    broken.close()  # as if the server had dropped it
    world["upcoming"].title = "Renamed while the state connection was down"
    db.session.commit()
    after = client.get("/feeds/meetings.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert b"Renamed while the state connection was down" in after.data.replace(b"\r\n ", b"")
    # The failed read fell back to the session; the next one opens a fresh connection.
    again = client.get("/feeds/meetings.ics", headers={"If-None-Match": after.headers["ETag"]})
    assert again.status_code == 304
    assert reader.connection is not None and reader.connection is not broken


def test_disposing_of_the_engine_closes_the_state_connection(
    client: FlaskClient, world: dict
) -> None:
    client.get("/feeds/meetings.ics")
    reader = reader_for(db.engine)
    connection = reader.connection
    assert connection is not None
    db.session.remove()  # give the pool back its connection first, as the app's teardown does
    db.engine.dispose()
    assert reader.connection is None
    with pytest.raises(Exception, match=r"(?i)closed"):
        connection.cursor().execute("SELECT 1")


def test_an_in_memory_database_reads_the_state_through_the_session(tmp_path: Path) -> None:
    """Each connection to an in-memory SQLite database has a database of its own."""
    app = build_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        factories.make_meeting(title="In memory")
        db.session.commit()
        client = app.test_client()
        first = client.get("/feeds/meetings.ics")
        assert b"SUMMARY:In memory" in first.data
        assert (
            client.get(
                "/feeds/meetings.ics", headers={"If-None-Match": first.headers["ETag"]}
            ).status_code
            == 304
        )
        assert reader_for(db.engine).connection is None
        db.session.remove()


def test_a_connection_inherited_across_fork_is_left_open(tmp_path: Path) -> None:
    """Closing a connection made by the parent process would end the parent's session."""
    connection = sqlite3.connect(tmp_path / "parent.sqlite3")
    close_quietly(connection, os.getpid() + 1)
    assert connection.execute("SELECT 1").fetchone() == (1,)
    close_quietly(connection, os.getpid())
    with pytest.raises(sqlite3.ProgrammingError):
        connection.execute("SELECT 1")
