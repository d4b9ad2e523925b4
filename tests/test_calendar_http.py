"""One-meeting downloads Outlook adds as an event, and the HTTP details of feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask.testing import FlaskClient

from tests import factories
from tests.calendar_parsers import (
    by_uid_ical_js,
    by_uid_icalendar,
    by_uid_vobject,
    icalendar_events,
    vobject_events,
)
from tracker.extensions import db
from tracker.models import AgendaItem, Meeting, Participation, utcnow

BENCH_ZONES = [
    "Europe/Sofia",
    "Europe/Vienna",
    "Europe/Belgrade",
    "Europe/Stockholm",
    "Europe/London",
]

# [MS-OXCICAL] 2.1.3.1.1: the VCALENDAR-level properties Outlook reads. Of these, a file that
# is one appointment must not carry X-WR-CALNAME (2.1.3.1.1.1: "SHOULD be omitted"), and the
# publishing properties (X-WR-CALDESC, X-PUBLISHED-TTL and their RFC 7986 twins) make sense only
# for a calendar one subscribes to.
CALENDAR_LEVEL_ONLY = (
    "X-WR-CALNAME",
    "X-WR-CALDESC",
    "X-PUBLISHED-TTL",
    "X-WR-RELCALID",
    "NAME",
    "DESCRIPTION",
    "REFRESH-INTERVAL",
    "SOURCE",
)


def test_one_meeting_download_has_no_calendar_level_name_or_refresh(
    client: FlaskClient,
) -> None:
    meeting = factories.make_meeting(title="Kick-off")
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    for name in CALENDAR_LEVEL_ONLY:
        assert name not in calendar, name
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["VERSION"]) == "2.0"
    (event,) = icalendar_events(response.data)
    assert str(event["UID"]) == meeting.uid
    (vevent,) = vobject_events(response.data)
    assert vevent.summary.value == "Kick-off"
    # The subscribed feeds keep their calendar name and refresh interval.
    feed = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").data)
    assert "X-WR-CALNAME" in feed
    assert "REFRESH-INTERVAL" in feed


@pytest.mark.parametrize(
    ("accept", "gzipped"),
    [
        ("gzip", True),
        ("gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, identity", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_q_zero_means_no_gzip(
    client: FlaskClient, accept: str, gzipped: bool
) -> None:
    factories.make_meeting()
    response = client.get("/feeds/meetings.ics", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert (response.headers.get("Content-Encoding") == "gzip") is gzipped
    if not gzipped:
        assert response.data.startswith(b"BEGIN:VCALENDAR")


def test_non_ascii_names_get_an_rfc_6266_filename_star(client: FlaskClient) -> None:
    series = factories.make_series(name="Пловдив и София")
    organisation = factories.make_organisation(name="Ελληνικό AI", short_name="ΕΛ-AI")
    disposition = client.get(f"/feeds/series/{series.id}.ics").headers["Content-Disposition"]
    assert disposition.startswith('inline; filename="')
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and fallback.endswith(".ics")
    star = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(star) == "series-пловдив-и-софия.ics"
    disposition = client.get(f"/feeds/organisations/{organisation.id}.ics").headers[
        "Content-Disposition"
    ]
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "organisation-ελ-ai.ics"
    plain = factories.make_series(name="Main series")
    disposition = client.get(f"/feeds/series/{plain.id}.ics").headers["Content-Disposition"]
    assert disposition == 'inline; filename="series-main-series.ics"'


def test_future_horizon_is_configurable(client: FlaskClient) -> None:
    start = (utcnow() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    near = factories.make_meeting(starts_at=start + timedelta(days=500))
    far = factories.make_meeting(starts_at=start + timedelta(days=600))
    uids = {str(e["UID"]) for e in icalendar_events(client.get("/feeds/meetings.ics").data)}
    assert near.uid in uids  # within 18 months
    assert far.uid not in uids
    client.application.config["TRACKER_FEED_FUTURE_MONTHS"] = 24
    uids = {str(e["UID"]) for e in icalendar_events(client.get("/feeds/meetings.ics").data)}
    assert far.uid in uids


def test_control_characters_never_reach_the_feed(client: FlaskClient) -> None:
    title = "Bell\x07 tab\t esc\x1b c1\x85\x9b del\x7f line\u2028para\u2029end"
    meeting = factories.make_meeting(
        title=title,
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=3),
        description="Notes\x01 with soh",  # PostgreSQL text cannot hold NUL at all
    )
    body = client.get(f"/meetings/{meeting.id}.ics").data
    text = body.decode()
    for character in [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0))]:
        if character in "\t\r\n":
            continue
        assert character not in text, hex(ord(character))
    assert "\u2028" not in text and "\u2029" not in text
    (event,) = icalendar_events(body)
    assert str(event["SUMMARY"]) == "Bell tab\t esc c1\n del line\npara\nend"
    assert "Notes" not in str(event.get("DESCRIPTION", ""))  # notes stay on the page


def add_bench_meetings(count: int = 1000) -> None:
    """The calendar bench's data: meetings every nine hours, five organisations, three topics."""
    zones = BENCH_ZONES
    series = factories.make_series(name="Borderless AI Initiative")
    organisations = [
        factories.make_organisation(name=f"National AI organisation {n}", timezone=zones[n])
        for n in range(5)
    ]
    topics = [
        factories.make_topic(title=f"Agenda topic number {n}: compute, data; talent")
        for n in range(10)
    ]
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for n in range(count):
        begins = start + timedelta(hours=9 * n)
        meeting = Meeting(
            series=series,
            number=n + 1,
            title=f"Borderless AI meeting {n + 1}: policy, funding and research",
            starts_at=begins,
            ends_at=begins + timedelta(hours=2),
            timezone=zones[n % 5],
            location="Sofia Tech Park, Sofia",
            online_url="https://meet.example.org/borderless-ai",
            description="Regular meeting of the national AI organisations.",
        )
        for organisation in organisations:
            meeting.participations.append(Participation(organisation=organisation))
        for position in range(3):
            meeting.agenda_items.append(
                AgendaItem(topic=topics[(n + position) % 10], position=position)
            )
        db.session.add(meeting)
    db.session.commit()


def test_the_bench_feed_of_1000_meetings_fits_google_and_the_page_says_how_to_split(
    client: FlaskClient,
) -> None:
    add_bench_meetings()
    body = client.get("/feeds/meetings.ics").data
    assert len(icalendar_events(body)) == 1000
    # Google Calendar stops reading a subscription at about 1 MB; the feed was 1,008,468 bytes.
    # It is still over 512 KB, so the subscribe page says how to split it by series.
    assert len(body) < 950_000
    # Each meeting's organisations and online link are written once, notes stay on the page.
    event = body.split(b"BEGIN:VEVENT", 2)[1]
    assert event.count(b"meet.example.org") == 1
    assert b"Regular meeting" not in event
    html = client.get("/subscribe").get_data(as_text=True)
    assert "512 KB" in html
    assert "series" in html.split("512 KB", 1)[1][:400]


PARTNER_ZONES = BENCH_ZONES  # the zones of the partner organisations


@pytest.mark.usefixtures("node_modules")
@pytest.mark.parametrize("tzid", PARTNER_ZONES)
def test_summer_and_winter_downloads_read_alike_in_every_parser(
    client: FlaskClient, tzid: str
) -> None:
    zone = ZoneInfo(tzid)
    year = utcnow().year + 1
    for month in (1, 7):
        starts = datetime(year, month, 15, 10, 0, tzinfo=zone).astimezone(UTC)
        meeting = factories.make_meeting(
            starts_at=starts, ends_at=starts + timedelta(hours=2), timezone=tzid
        )
        body = client.get(f"/meetings/{meeting.id}.ics").data
        expected = {meeting.uid: (starts, starts + timedelta(hours=2))}
        assert by_uid_icalendar(body) == expected
        assert by_uid_vobject(body) == expected
        assert by_uid_ical_js(body) == expected
        # Outlook reads the latest STANDARD and DAYLIGHT as a yearly rule: both are there,
        # each with its RRULE, whatever the season of the meeting.
        (vtimezone,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
        kinds = {part.name: part for part in vtimezone.subcomponents}
        assert set(kinds) == {"STANDARD", "DAYLIGHT"}
        for part in kinds.values():
            assert part["RRULE"]["FREQ"] == ["YEARLY"]
            assert part.decoded("DTSTART").weekday() == 6
            assert part["TZOFFSETFROM"].td != part["TZOFFSETTO"].td
