"""The pure iCalendar serializer, byte by byte and through three independent parsers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.calendar_parsers import (
    by_uid_ical_js,
    by_uid_icalendar,
    by_uid_vobject,
    ical_js,
    icalendar_events,
    vobject_events,
)
from tracker.calendar.export import (
    CalendarInfo,
    DeadlineEvent,
    MeetingEvent,
    build_calendar,
    fold,
    serialize,
    timezone_component,
)

END = datetime(2028, 1, 1)
ZONES = ["Europe/Sofia", "Europe/Vienna", "Europe/Belgrade", "Europe/Stockholm", "Europe/London"]
NASTY = "Comma, semi; back\\slash\nnew line \u2013 Пловдив, България 🇧🇬 🤖; end\\"
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def meeting(**values: object) -> MeetingEvent:
    """A meeting event with defaults."""
    defaults: dict[str, object] = {
        "uid": "m1@test",
        "summary": "Kick-off",
        "starts_at": datetime(2026, 3, 29, 12, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 3, 29, 14, 0, tzinfo=UTC),
        "timezone": "Europe/Sofia",
        "status": "CONFIRMED",
        "sequence": 3,
        "created": T0,
        "last_modified": T0 + timedelta(days=1),
    }
    defaults.update(values)
    return MeetingEvent(**defaults)  # type: ignore[arg-type]


def deadline(**values: object) -> DeadlineEvent:
    """A deadline event with defaults."""
    defaults: dict[str, object] = {
        "uid": "d1@test",
        "summary": "Due: paper",
        "due": date(2026, 4, 1),
        "created": T0,
        "last_modified": T0,
    }
    defaults.update(values)
    return DeadlineEvent(**defaults)  # type: ignore[arg-type]


INFO = CalendarInfo("Borderless, AI; meetings \\ all", "All, the; meetings")


def test_calendar_properties_are_written_as_rfc_5545_and_7986_want() -> None:
    body = serialize(INFO, [meeting()])
    for line in (
        b"VERSION:2.0",
        b"PRODID:-//Borderless AI Initiative//Meeting tracker//EN",
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        b"NAME:Borderless\\, AI\\; meetings \\\\ all",
        b"X-WR-CALNAME:Borderless\\, AI\\; meetings \\\\ all",
        b"X-WR-CALDESC:All\\, the\\; meetings",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
    ):
        assert b"\r\n" + line + b"\r\n" in body, line
    parsed = vobject.readOne(body.decode())
    assert parsed.contents["name"][0].value == INFO.name
    assert parsed.contents["x-wr-calname"][0].value == INFO.name
    assert parsed.contents["x-wr-caldesc"][0].value == INFO.description


def test_refresh_interval_is_configurable() -> None:
    body = serialize(CalendarInfo("A", "B", timedelta(minutes=90)), [])
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H30M\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT1H30M\r\n" in body


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_characters() -> None:
    long_text = ("Пловдив 🤖 " * 40) + NASTY
    body = serialize(
        INFO,
        [meeting(summary=long_text, location=long_text, notes=long_text, agenda=[long_text])],
    )
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    folded = 0
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold that split a character would not decode on its own
        folded += line.startswith(b" ")
    assert folded > 20


def test_text_values_escape_commas_semicolons_backslashes_and_newlines() -> None:
    body = serialize(INFO, [meeting(summary=NASTY)])
    unfolded = body.replace(b"\r\n ", b"")
    summary = next(line for line in unfolded.split(b"\r\n") if line.startswith(b"SUMMARY:"))
    value = summary.removeprefix(b"SUMMARY:").decode()
    assert value == (
        "Comma\\, semi\\; back\\\\slash\\nnew line \u2013 Пловдив\\, България 🇧🇬 🤖\\; end\\\\"
    )


@pytest.mark.usefixtures("node_modules")
def test_text_survives_a_round_trip_through_three_parsers() -> None:
    event = meeting(
        summary=NASTY,
        location=NASTY,
        notes=NASTY,
        agenda=[NASTY, "Второ; 🙂"],
        category="Series, with; comma",
    )
    body = serialize(INFO, [event])
    # The notes stay on the meeting page: a feed repeats the description for every meeting.
    expected_description = f"Agenda:\n1. {NASTY}\n2. Второ; 🙂"
    (parsed,) = icalendar_events(body)
    assert str(parsed["SUMMARY"]) == NASTY
    assert str(parsed["LOCATION"]) == NASTY
    assert str(parsed["DESCRIPTION"]) == expected_description
    assert parsed.categories == ["Series, with; comma"]
    (vevent,) = vobject_events(body)
    assert vevent.summary.value == NASTY
    assert vevent.location.value == NASTY
    assert vevent.description.value == expected_description
    (js,) = ical_js(body)["events"]
    assert js["summary"] == NASTY
    assert js["location"] == NASTY
    assert js["description"] == expected_description


def test_no_floating_times() -> None:
    body = serialize(INFO, [meeting()], [deadline()]).replace(b"\r\n ", b"")
    in_zone = False
    for line in body.split(b"\r\n"):
        # Observance onsets inside VTIMEZONE are local times by definition (RFC 5545 3.6.5).
        in_zone = (in_zone or line == b"BEGIN:VTIMEZONE") and line != b"END:VTIMEZONE"
        if line.startswith((b"DTSTART", b"DTEND")) and not in_zone:
            assert b";TZID=" in line or b";VALUE=DATE:" in line or line.endswith(b"Z"), line
        if line.startswith((b"DTSTAMP", b"CREATED", b"LAST-MODIFIED")):
            assert line.endswith(b"Z"), line
    with pytest.raises(ValueError, match="floating"):
        serialize(INFO, [meeting(starts_at=datetime(2026, 3, 29, 12, 0))])


def test_event_properties() -> None:
    event = meeting(
        url="https://tracker.test/meetings/7",
        location="Sofia Tech Park",
        online_url="https://meet.example/abc",
        category="Borderless AI",
        agenda=["Compute"],
        organisations=["INSAIT", "AI Austria"],
        status="CANCELLED",
    )
    body = serialize(INFO, [event])
    (parsed,) = icalendar_events(body)
    assert str(parsed["UID"]) == "m1@test"
    assert parsed.decoded("DTSTAMP") == T0 + timedelta(days=1)
    assert parsed.decoded("CREATED") == T0
    assert parsed.decoded("LAST-MODIFIED") == T0 + timedelta(days=1)
    assert parsed["SEQUENCE"] == 3
    assert str(parsed["STATUS"]) == "CANCELLED"
    assert str(parsed["URL"]) == "https://tracker.test/meetings/7"
    assert str(parsed["LOCATION"]) == "Sofia Tech Park"
    assert parsed.categories == ["Borderless AI"]
    description = str(parsed["DESCRIPTION"])
    assert "1. Compute" in description
    assert "https://meet.example/abc" in description
    assert "https://tracker.test/meetings/7" in description
    assert "INSAIT, AI Austria" in description
    assert b"DTSTART;TZID=Europe/Sofia:20260329T150000\r\n" in body
    assert b"DTEND;TZID=Europe/Sofia:20260329T170000\r\n" in body


def test_online_only_meeting_uses_the_link_as_location() -> None:
    (parsed,) = icalendar_events(serialize(INFO, [meeting(online_url="https://meet.example/x")]))
    assert str(parsed["LOCATION"]) == "https://meet.example/x"


def test_output_is_stable_while_nothing_changes() -> None:
    events = [meeting(), meeting(uid="m2@test", timezone="Europe/London")]
    assert serialize(INFO, events, [deadline()]) == serialize(INFO, events, [deadline()])


@pytest.mark.usefixtures("node_modules")
def test_deadlines_are_all_day_date_events_with_an_exclusive_end() -> None:
    body = serialize(INFO, [], [deadline(due=date(2026, 12, 31))])
    assert b"\r\nDTSTART;VALUE=DATE:20261231\r\n" in body
    assert b"\r\nDTEND;VALUE=DATE:20270101\r\n" in body
    expected = {"d1@test": (date(2026, 12, 31), date(2027, 1, 1))}
    assert by_uid_icalendar(body) == expected
    assert by_uid_vobject(body) == expected
    assert by_uid_ical_js(body) == expected
    assert b"BEGIN:VTIMEZONE" not in body


def vtimezone_onsets(component: icalendar.Timezone) -> list[tuple[datetime, timedelta]]:
    """Every (UTC onset, offset) a VTIMEZONE's observances give until END, in order."""
    onsets: list[tuple[datetime, timedelta]] = []
    for observance in component.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        starts = [observance.decoded("DTSTART")]
        if "RRULE" in observance:
            # Yearly rules are expanded as RFC 5545 says, with dateutil (icalendar's own helper);
            # UNTIL is UTC, compared here as the naive local onsets are.
            text = observance["RRULE"].to_ical().decode().replace("Z", "")
            starts = list(rrulestr(text, dtstart=starts[0]).between(starts[0], END, inc=True))
        rdates = observance.get("RDATE")
        for rdate in rdates if isinstance(rdates, list) else [rdates] if rdates else []:
            starts.extend(period.dt for period in rdate.dts)
        for local in starts:
            onsets.append(((local - offset_from).replace(tzinfo=UTC), offset_to))
    return sorted(onsets)


def vtimezone_offset(onsets: list[tuple[datetime, timedelta]], instant: datetime) -> timedelta:
    """The UTC offset the onsets of a VTIMEZONE give for instant."""
    assert onsets[0][0] <= instant, "instant before the VTIMEZONE's first observance"
    return [offset for onset, offset in onsets if onset <= instant][-1]


@pytest.mark.parametrize("tzid", ZONES)
def test_vtimezone_matches_iana_data_every_hour_of_the_range(tzid: str) -> None:
    zone = ZoneInfo(tzid)
    component = timezone_component(tzid, date(2025, 6, 1), date(2027, 6, 1))
    reparsed = icalendar.Timezone.from_ical(component.to_ical())
    onsets = vtimezone_onsets(reparsed)
    instant = datetime(2025, 6, 1, tzinfo=UTC)
    checked = 0
    while instant < datetime(2027, 6, 1, tzinfo=UTC):
        assert vtimezone_offset(onsets, instant) == instant.astimezone(zone).utcoffset(), instant
        instant += timedelta(minutes=30)
        checked += 1
    assert checked > 30_000
    # The EU switch is at 01:00 UTC on the last Sunday of March and of October: one DAYLIGHT
    # and one STANDARD observance with a yearly rule, onsets in local time before the change.
    (standard,) = reparsed.walk("STANDARD")
    (daylight,) = reparsed.walk("DAYLIGHT")
    winter, summer = zone.utcoffset(datetime(2026, 1, 1)), zone.utcoffset(datetime(2026, 7, 1))
    for observance, month, offset in ((daylight, 3, winter), (standard, 10, summer)):
        assert observance["RRULE"].to_ical() == f"FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}".encode()
        onset = observance.decoded("DTSTART")
        assert onset.weekday() == 6  # a Sunday, like every real change
        assert onset.time() == (datetime(2026, 1, 1, 1) + offset).time()


@pytest.mark.parametrize(
    "tzid", [*ZONES, "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Asia/Tehran", "UTC"]
)
def test_no_observance_where_nothing_changes(tzid: str) -> None:
    zone = ZoneInfo(tzid)
    for first in (date(2026, 1, 10), date(2026, 7, 10)):
        component = timezone_component(tzid, first, first + timedelta(days=2))
        observances = component.subcomponents
        assert len(observances) <= 2
        for observance in observances:
            onset = observance.decoded("DTSTART")
            if onset == datetime(1970, 1, 1):  # a zone without changes, written as vzic does
                assert len(observances) == 1
                continue
            assert observance["TZOFFSETFROM"].td != observance["TZOFFSETTO"].td
            # The onset is a real change in the IANA data: the offset differs a second later.
            instant = (onset - observance["TZOFFSETFROM"].td).replace(tzinfo=UTC)
            assert (instant - timedelta(seconds=1)).astimezone(zone).utcoffset() != (
                instant.astimezone(zone).utcoffset()
            )


def test_one_vtimezone_per_zone_used() -> None:
    events = [meeting(uid=f"m{i}@test", timezone=tzid) for i, tzid in enumerate(ZONES * 2)]
    parsed = icalendar.Calendar.from_ical(serialize(INFO, events))
    assert sorted(str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")) == sorted(ZONES)


def test_export_has_no_flask_imports() -> None:
    source = (Path(__file__).parent.parent / "tracker" / "calendar" / "export.py").read_text()
    assert not re.search(r"^\s*(from|import) (flask|tracker)", source, re.MULTILINE)


def test_assembled_bytes_equal_the_whole_calendar_serialised_by_icalendar() -> None:
    events = [
        meeting(uid=f"m{i}@test", timezone=tzid, summary=NASTY) for i, tzid in enumerate(ZONES)
    ]
    deadlines = [deadline(), deadline(uid="d2@test", due=date(2027, 1, 1))]
    assert serialize(INFO, events, deadlines) == build_calendar(INFO, events, deadlines).to_ical()
    assert serialize(INFO) == build_calendar(INFO).to_ical()


# Text that stresses folding: escapes, multi-byte characters of every width, long runs.
FOLDABLE = st.text(
    alphabet=st.sampled_from([*'a ,;\\^:\n"', "é", "Ж", "\u2013", "€", "🤖", "\U0001f1e7"]),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(summary=FOLDABLE, notes=FOLDABLE, location=FOLDABLE)
def test_our_folding_writes_exactly_what_icalendar_writes(
    summary: str, notes: str, location: str
) -> None:
    event = meeting(summary=summary, notes=notes, location=location, agenda=(summary,))
    assert serialize(INFO, [event]) == build_calendar(INFO, [event]).to_ical()


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("A" * 74, ["A" * 74]),
        ("A" * 75, ["A" * 74, "A"]),
        ("A" * 73 + "Ж", ["A" * 73, "Ж"]),  # two octets would make 75: the letter moves on
        ("A" * 73 + "\\n", ["A" * 73, "\\n"]),  # an escape stays with its character
        ("A" * 72 + "🤖B", ["A" * 72, "🤖B"]),
    ],
)
def test_fold_cuts_lines_at_74_octets_between_characters(line: str, pieces: list[str]) -> None:
    folded = fold(line)
    assert folded.split(b"\r\n ") == [piece.encode() for piece in pieces]
    assert all(len(piece) <= 74 for piece in folded.split(b"\r\n "))
    assert folded.replace(b"\r\n ", b"").decode() == line


def test_a_changed_meeting_is_serialised_again() -> None:
    first = serialize(INFO, [meeting(summary="Before")])
    second = serialize(INFO, [meeting(summary="After")])
    assert b"SUMMARY:Before" in first
    assert b"SUMMARY:After" in second
    assert b"SUMMARY:Before" not in second


def test_text_never_carries_control_characters_or_unicode_line_separators() -> None:
    dirty = "a\x00b\x1fc\x7fd\x80e\x9ff\u2028g\u2029h\r\ni\rj\tk"
    body = serialize(
        CalendarInfo(dirty, dirty),
        [meeting(summary=dirty, location=dirty, notes=dirty, agenda=[dirty], category=dirty)],
        [deadline(summary=dirty, notes=dirty, category=dirty)],
    )
    unfolded = body.replace(b"\r\n ", b"").decode()
    for character in (*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029"):
        if character not in "\t\r\n":
            assert character not in unfolded, hex(ord(character))
    assert "\n" not in unfolded.replace("\r\n", "")
    (parsed, _) = icalendar_events(body)
    assert str(parsed["SUMMARY"]) == "abcdef\ng\nh\ni\nj\tk"
