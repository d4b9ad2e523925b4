"""The scheduling helper's checks: working hours, weekends, holidays, offset-change weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.scheduling.checks import check_slot, suggest_slots

pytestmark = pytest.mark.sqlite_only


@dataclass
class Org:
    """Stands in for an Organisation row (the checks read only these attributes)."""

    name: str
    country: str
    timezone: str
    work_start: time = time(9, 0)
    work_end: time = time(18, 0)


SOFIA = Org("INSAIT", "BG", "Europe/Sofia")
VIENNA = Org("AI Austria", "AT", "Europe/Vienna")
BELGRADE = Org("AI Serbia", "RS", "Europe/Belgrade")
STOCKHOLM = Org("AI Sweden", "SE", "Europe/Stockholm")
LONDON = Org("Alan Turing", "GB", "Europe/London")
NEW_YORK = Org("NY AI", "US", "America/New_York")
PARTNERS = [SOFIA, VIENNA, BELGRADE, STOCKHOLM, LONDON]


def utc(text: str) -> datetime:
    """2027-03-03 12:00 as aware UTC."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def warnings_of(check: object, label: str) -> tuple[str, ...]:
    """The warnings of the row with label."""
    return next(row.warnings for row in check.rows if row.label == label)  # type: ignore[attr-defined]


def test_a_good_slot_has_no_warnings() -> None:
    """Wed 10 Feb 2027 12:00-13:00 UTC is working time everywhere."""
    check = check_slot(utc("2027-02-10 12:00"), utc("2027-02-10 13:00"), PARTNERS)
    assert check.ok
    assert [row.local_start.hour for row in check.rows] == [14, 13, 13, 13, 12]
    assert all(row.local_start.tzinfo is not None for row in check.rows)


@pytest.mark.parametrize(
    ("org", "day", "name"),
    [
        (SOFIA, "2027-03-03", "Liberation Day"),
        (VIENNA, "2027-10-26", "National Day"),
        (BELGRADE, "2027-02-15", "Statehood Day"),
        (STOCKHOLM, "2027-06-25", "Midsummer Eve"),
        (LONDON, "2027-08-30", "Late Summer Bank Holiday"),
    ],
)
def test_each_partner_country_holiday_is_warned(org: Org, day: str, name: str) -> None:
    """A national holiday warns for that country's organisation only."""
    start = utc(f"{day} 11:00")
    check = check_slot(start, start + timedelta(hours=1), PARTNERS)
    assert f"public holiday: {name}" in warnings_of(check, org.name)
    others = [row for row in check.rows if row.label != org.name]
    assert not any(name in w for row in others for w in row.warnings)
    assert not check.ok


@pytest.mark.parametrize("org", PARTNERS, ids=lambda o: o.country)
def test_each_partner_country_working_hours(org: Org) -> None:
    """08:00 local is before working hours; 17:30-18:30 local runs after them."""
    zone = ZoneInfo(org.timezone)
    early = datetime(2027, 2, 10, 8, 0, tzinfo=zone).astimezone(UTC)
    check = check_slot(early, early + timedelta(hours=1), [org])
    assert warnings_of(check, org.name) == ("before working hours (09:00\u201318:00)",)
    late = datetime(2027, 2, 10, 17, 30, tzinfo=zone).astimezone(UTC)
    check = check_slot(late, late + timedelta(hours=1), [org])
    assert warnings_of(check, org.name) == ("after working hours (09:00\u201318:00)",)
    fine = datetime(2027, 2, 10, 9, 0, tzinfo=zone).astimezone(UTC)
    assert check_slot(fine, fine + timedelta(hours=9), [org]).ok


def test_own_working_hours_are_used() -> None:
    """An organisation working 07:00-15:00 is fine at 07:30 and warned at 15:30."""
    early_bird = Org("Early", "AT", "Europe/Vienna", time(7, 0), time(15, 0))
    zone = ZoneInfo("Europe/Vienna")
    start = datetime(2027, 2, 10, 7, 30, tzinfo=zone).astimezone(UTC)
    assert check_slot(start, start + timedelta(hours=1), [early_bird]).ok
    start = datetime(2027, 2, 10, 15, 30, tzinfo=zone).astimezone(UTC)
    assert warnings_of(check_slot(start, start + timedelta(hours=1), [early_bird]), "Early") == (
        "after working hours (07:00\u201315:00)",
    )


def test_weekend_is_warned_by_local_day() -> None:
    """Sat 13 Feb 2027 warns; Fri 23:30 UTC is already Saturday in Sofia but not in London."""
    check = check_slot(utc("2027-02-13 11:00"), utc("2027-02-13 12:00"), PARTNERS)
    assert all("weekend: Saturday" in row.warnings for row in check.rows)
    check = check_slot(utc("2027-02-12 22:30"), utc("2027-02-12 23:00"), [SOFIA, LONDON])
    assert "weekend: Saturday" in warnings_of(check, SOFIA.name)
    assert "weekend: Saturday" not in warnings_of(check, LONDON.name)


def test_reader_row_is_added_without_warnings() -> None:
    """The reader's zone is a row labelled You; a bad zone adds no row."""
    check = check_slot(
        utc("2027-02-10 12:00"), utc("2027-02-10 13:00"), [SOFIA], "America/New_York"
    )
    assert [row.label for row in check.rows] == ["INSAIT", "You"]
    assert check.rows[1].local_start.hour == 7
    assert check.ok
    assert (
        len(check_slot(utc("2027-02-10 12:00"), utc("2027-02-10 13:00"), [SOFIA], "Mars/Base").rows)
        == 1
    )


def test_us_eu_gap_in_march_warns_about_the_offset() -> None:
    """15-26 Mar 2027: the US has switched, Europe not yet: London is 4 h ahead, not 5 h."""
    check = check_slot(utc("2027-03-17 14:00"), utc("2027-03-17 15:00"), [LONDON, NEW_YORK])
    assert "London is 4 h ahead of New York this week instead of 5 h" in check.warnings
    assert not check.ok
    # A week after Europe switched as well, the usual 5 h are back.
    check = check_slot(utc("2027-04-07 14:00"), utc("2027-04-07 15:00"), [LONDON, NEW_YORK])
    assert check.warnings == ()


def test_us_eu_gap_in_autumn_and_the_readers_zone() -> None:
    """1-5 Nov 2027: Europe is back on winter time, the US not yet; the reader counts too."""
    check = check_slot(
        utc("2027-11-03 14:00"), utc("2027-11-03 15:00"), [SOFIA], "America/New_York"
    )
    assert "Sofia is 6 h ahead of New York this week instead of 7 h" in check.warnings


def test_european_partners_keep_their_offsets_but_the_clock_change_is_named() -> None:
    """In the week Europe switches, partners keep their gaps; the switch itself is warned."""
    start = utc("2027-03-29 06:00")  # Monday after the switch: 08:00 Sofia, 07:00 London
    check = check_slot(start, start + timedelta(hours=1), PARTNERS)
    assert not any("ahead" in w for w in check.warnings)
    assert any(w.startswith("clocks change on Sun 28 Mar 2027 in Sofia") for w in check.warnings)
    assert "before working hours (09:00\u201318:00)" in warnings_of(check, LONDON.name)
    quiet = utc("2027-04-14 10:00")
    assert check_slot(quiet, quiet + timedelta(hours=1), PARTNERS).warnings == ()


def test_suggestions_fit_working_hours_and_avoid_holidays() -> None:
    """Near 3 Mar 2027 15:00 Sofia (Liberation Day): the same local time on the next days."""
    near = datetime(2027, 3, 3, 15, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    found = suggest_slots(near, timedelta(hours=1), PARTNERS, count=5)
    assert len(found) == 5
    assert found[0] == utc("2027-03-04 13:00")
    for start in found:
        assert check_slot(start, start + timedelta(hours=1), PARTNERS).ok
        assert start.astimezone(ZoneInfo("Europe/Sofia")).time() == time(15, 0)
    assert utc("2027-03-06 13:00") not in found  # Saturday


def test_suggestions_skip_midsummer_eve_and_late_hours() -> None:
    """A 16:30-18:30 Stockholm slot on Midsummer Eve moves to times inside everyone's hours."""
    near = datetime(2027, 6, 25, 16, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    found = suggest_slots(near, timedelta(hours=2), [STOCKHOLM, SOFIA], count=3)
    assert found
    for start in found:
        check = check_slot(start, start + timedelta(hours=2), [STOCKHOLM, SOFIA])
        assert check.ok, check.all_warnings
        assert start.astimezone(ZoneInfo("Europe/Stockholm")).date().isoformat() != "2027-06-25"


def test_suggestions_avoid_the_us_eu_gap_and_can_be_none() -> None:
    """London and New York in the March gap: suggestions skip it; no slot fits a spread too wide."""
    near = datetime(2027, 3, 16, 14, 0, tzinfo=UTC)
    found = suggest_slots(near, timedelta(hours=1), [LONDON, NEW_YORK], count=2)
    assert found and all(start >= utc("2027-03-28 00:00") for start in found)
    sydney = Org("Sydney", "AU", "Australia/Sydney")
    los_angeles = Org("LA", "US", "America/Los_Angeles")
    assert suggest_slots(near, timedelta(hours=1), [sydney, los_angeles, LONDON]) == []


def test_suggestions_never_before_not_before() -> None:
    """No suggestion lies before not_before."""
    near = datetime(2027, 2, 10, 15, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    floor = utc("2027-02-15 00:00")
    found = suggest_slots(near, timedelta(hours=1), [SOFIA], count=3, not_before=floor)
    assert found and min(found) >= floor


def test_suggestions_count_the_readers_zone() -> None:
    """With a New York reader, European partners' suggestions also skip the March gap."""
    near = datetime(2027, 3, 17, 15, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    without = suggest_slots(near, timedelta(hours=1), PARTNERS, count=1)
    assert without == [utc("2027-03-17 13:00")]  # the slot itself fits the partners
    found = suggest_slots(
        near, timedelta(hours=1), PARTNERS, count=3, reader_zone="America/New_York"
    )
    assert found and all(start >= utc("2027-03-28 00:00") for start in found)
    for start in found:
        assert check_slot(start, start + timedelta(hours=1), PARTNERS, "America/New_York").ok


def test_suggestions_for_a_past_slot_start_from_not_before() -> None:
    """A slot typed in the past gets suggestions in the four weeks after not_before."""
    near = datetime(2020, 5, 6, 15, 0, tzinfo=ZoneInfo("Europe/Sofia"))
    floor = utc("2027-02-15 09:00")
    found = suggest_slots(near, timedelta(hours=1), [SOFIA], count=3, not_before=floor)
    assert len(found) == 3
    assert all(floor <= start <= floor + timedelta(weeks=4) for start in found)
    assert found[0] == utc("2027-02-15 13:00")  # Monday 15:00 Sofia, the preferred time
