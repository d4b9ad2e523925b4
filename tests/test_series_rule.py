"""Recurring series: the rule's occurrences, the planned meetings, moves, skips and the feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.calendar_parsers import icalendar_events, vobject_events
from tests.conftest import freeze_clock, login_as
from tracker import recurrence
from tracker.extensions import db
from tracker.meetings.queries import plan_next
from tracker.models import (
    Frequency,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    Series,
    SeriesRule,
    utc_today,
)
from tracker.operations import Refused
from tracker.series.operations import (
    move_following,
    move_this_only,
    plan_occurrences,
    save_rule,
    skip_occurrence,
)

# Before every occurrence the tests plan (the rules start in March 2027).
EARLY = datetime(2027, 3, 1, tzinfo=UTC)


def rule_values(**values: Any) -> dict[str, Any]:
    """Values of a weekly rule at 15:00, 90 minutes, in the series' zone, without an end."""
    values.setdefault("frequency", Frequency.WEEKLY)
    values.setdefault("interval", 1)
    values.setdefault("first_day", date(2027, 3, 15))
    values.setdefault("start_time", time(15, 0))
    values.setdefault("length_minutes", 90)
    values.setdefault("timezone", "")
    return values


def local_starts(rule: SeriesRule, after: datetime, count: int) -> list[datetime]:
    """The first count naive local starts after the instant."""
    found = []
    for local in recurrence.occurrences_after(rule, after):
        found.append(local)
        if len(found) == count:
            break
    return found


def transient_rule(**values: Any) -> SeriesRule:
    """A rule not in any session, in Europe/Sofia unless told."""
    values.setdefault("timezone", "Europe/Sofia")
    return SeriesRule(**rule_values(**values))


def planned(series: Series) -> list[Meeting]:
    """The series' meetings with an occurrence, by start."""
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(Meeting.series_id == series.id, Meeting.occurrence.is_not(None))
            .order_by(Meeting.starts_at)
        )
    )


def feed_events(client: FlaskClient, series: Series) -> tuple[dict[str, Any], dict[str, Any]]:
    """uid -> VEVENT of the series feed, read by icalendar and by vobject."""
    db.session.commit()
    with pytest.MonkeyPatch.context() as patch:
        freeze_clock(patch, EARLY)  # the feed's window is around its "today": March 2027 here
        body = client.get(f"/feeds/series/{series.id}.ics").data
    by_icalendar = {str(e["UID"]): e for e in icalendar_events(body)}
    by_vobject = {e.uid.value: e for e in vobject_events(body)}
    assert set(by_icalendar) == set(by_vobject)
    return by_icalendar, by_vobject


def seen_in_feeds(
    client: FlaskClient, series: Series, meeting: Meeting
) -> tuple[datetime, int, str]:
    """(UTC start, SEQUENCE, STATUS) of the meeting, the same through both parsers."""
    by_icalendar, by_vobject = feed_events(client, series)
    one, other = by_icalendar[meeting.uid], by_vobject[meeting.uid]
    start = one.decoded("DTSTART").astimezone(UTC)
    assert other.dtstart.value.astimezone(UTC) == start
    sequence = int(one["SEQUENCE"])
    assert int(other.sequence.value) == sequence
    status = str(one.get("STATUS"))
    assert other.status.value == status
    return start, sequence, status


# The arithmetic: local wall clock across DST, month ends, positions, intervals, ends.


def test_weekly_rule_keeps_15_00_in_sofia_across_the_spring_switch() -> None:
    rule = transient_rule(first_day=date(2027, 3, 15))  # Mondays; EU clocks move on 28 March
    starts = local_starts(rule, EARLY, 4)
    assert [s.date() for s in starts] == [date(2027, 3, d) for d in (15, 22, 29)] + [
        date(2027, 4, 5)
    ]
    utc = [recurrence.to_utc(s, "Europe/Sofia") for s in starts]
    assert [u.hour for u in utc] == [13, 13, 12, 12]
    assert all(s.time() == time(15, 0) for s in starts)


def test_every_two_weeks_in_new_york_across_the_us_switch_and_the_autumn_one() -> None:
    rule = transient_rule(
        first_day=date(2027, 3, 1), interval=2, timezone="America/New_York"
    )  # US clocks move on 14 March and 7 November 2027
    starts = local_starts(rule, EARLY - timedelta(days=1), 3)
    assert [s.date() for s in starts] == [date(2027, 3, 1), date(2027, 3, 15), date(2027, 3, 29)]
    assert [recurrence.to_utc(s, "America/New_York").hour for s in starts] == [20, 19, 19]
    autumn = local_starts(rule, datetime(2027, 10, 20, tzinfo=UTC), 2)
    assert [s.date() for s in autumn] == [date(2027, 10, 25), date(2027, 11, 8)]
    assert [recurrence.to_utc(s, "America/New_York").hour for s in autumn] == [19, 20]


def test_every_three_weeks() -> None:
    rule = transient_rule(first_day=date(2027, 3, 17), interval=3)
    starts = local_starts(rule, EARLY, 3)
    assert [s.date() for s in starts] == [date(2027, 3, 17), date(2027, 4, 7), date(2027, 4, 28)]


def test_the_31st_skips_the_months_without_one() -> None:
    rule = transient_rule(frequency=Frequency.MONTHLY_DAY, month_day=31, first_day=date(2027, 1, 1))
    starts = local_starts(rule, datetime(2026, 12, 31, tzinfo=UTC), 5)
    assert [s.date() for s in starts] == [
        date(2027, 1, 31),
        date(2027, 3, 31),
        date(2027, 5, 31),
        date(2027, 7, 31),
        date(2027, 8, 31),
    ]


def test_fifth_friday_only_in_months_that_have_one() -> None:
    rule = transient_rule(
        frequency=Frequency.MONTHLY_WEEKDAY, weekday=4, position=5, first_day=date(2027, 1, 1)
    )
    starts = local_starts(rule, datetime(2026, 12, 31, tzinfo=UTC), 5)
    assert [s.date() for s in starts] == [
        date(2027, 1, 29),
        date(2027, 4, 30),
        date(2027, 7, 30),
        date(2027, 10, 29),
        date(2027, 12, 31),
    ]


def test_last_friday_and_third_wednesday_every_second_month() -> None:
    last = transient_rule(
        frequency=Frequency.MONTHLY_WEEKDAY,
        weekday=4,
        position=-1,
        interval=2,
        first_day=date(2027, 1, 1),
    )
    found = local_starts(last, datetime(2026, 12, 31, tzinfo=UTC), 3)
    assert [s.date() for s in found] == [date(2027, 1, 29), date(2027, 3, 26), date(2027, 5, 28)]
    third = transient_rule(
        frequency=Frequency.MONTHLY_WEEKDAY,
        weekday=2,
        position=3,
        interval=2,
        first_day=date(2027, 1, 1),
    )
    found = local_starts(third, datetime(2026, 12, 31, tzinfo=UTC), 3)
    assert [s.date() for s in found] == [date(2027, 1, 20), date(2027, 3, 17), date(2027, 5, 19)]
    assert "third Wednesday" in recurrence.describe(third)


def test_count_and_until_end_the_rule() -> None:
    counted = transient_rule(count=2)
    assert len(local_starts(counted, EARLY, 5)) == 2
    until = transient_rule(until=date(2027, 3, 29))
    assert [s.day for s in local_starts(until, EARLY, 5)] == [15, 22, 29]


# Planned meetings: top-up, moves and skips, and what the feeds say.


@pytest.fixture
def series(app: Flask) -> Series:
    """A Sofia series with one earlier meeting whose organisation and place the plan copies."""
    series = factories.make_series(name="Borderless", timezone="Europe/Sofia")
    insait = factories.make_organisation(name="INSAIT", short_name="INSAIT")
    factories.make_meeting(
        series=series,
        organisations=[insait],
        location="Sofia Tech Park",
        starts_at=datetime(2027, 2, 1, 13, tzinfo=UTC),
    )
    return series


def test_top_up_plans_real_meetings_and_is_idempotent(app: Flask, series: Series) -> None:
    save_rule(db.session, series, rule_values(), None)
    created = plan_occurrences(db.session, series, EARLY, 3)
    db.session.commit()
    assert len(created) == 3
    meetings = planned(series)
    assert [m.occurrence for m in meetings] == [datetime(2027, 3, d, 15, 0) for d in (15, 22, 29)]
    assert [m.local_start.hour for m in meetings] == [15, 15, 15]
    assert len({m.uid for m in meetings}) == 3
    assert all(m.location == "Sofia Tech Park" for m in meetings)
    assert all(
        [p.organisation.short_name for p in m.participations] == ["INSAIT"] for m in meetings
    )
    first_number = meetings[0].number
    assert first_number > series.meetings[0].number
    assert [m.number for m in meetings] == [first_number, first_number + 1, first_number + 2]
    assert plan_occurrences(db.session, series, EARLY, 3) == []
    # A day later one more is due: only that one is added.
    later = plan_occurrences(db.session, series, datetime(2027, 3, 16, tzinfo=UTC), 3)
    assert [m.occurrence for m in later] == [datetime(2027, 4, 5, 15, 0)]
    assert len(planned(series)) == 4


def test_count_end_plans_no_more_than_the_rule_has(app: Flask, series: Series) -> None:
    save_rule(db.session, series, rule_values(count=2), None)
    assert len(plan_occurrences(db.session, series, EARLY, 3)) == 2
    assert plan_occurrences(db.session, series, EARLY, 3) == []


def test_skipping_cancels_in_the_feeds_and_is_never_planned_again(
    app: Flask, client: FlaskClient, series: Series
) -> None:
    save_rule(db.session, series, rule_values(), None)
    plan_occurrences(db.session, series, EARLY, 3)
    first = planned(series)[0]
    before = seen_in_feeds(client, series, first)
    skip_occurrence(db.session, first, EARLY, 3)
    db.session.commit()
    start, sequence, status = seen_in_feeds(client, series, first)
    assert (start, sequence, status) == (before[0], before[1] + 1, "CANCELLED")
    meetings = planned(series)
    assert [m.occurrence.day for m in meetings if m.occurrence] == [15, 22, 29, 5]
    assert plan_occurrences(db.session, series, EARLY, 3) == []
    with pytest.raises(Refused):
        skip_occurrence(db.session, first, EARLY, 3)


def test_this_and_all_following_moves_unheld_ones_and_leaves_held_ones(
    app: Flask, client: FlaskClient, series: Series
) -> None:
    save_rule(db.session, series, rule_values(), None)
    plan_occurrences(db.session, series, EARLY, 4)
    held, second, third, fourth = planned(series)
    held.status = MeetingStatus.HELD
    fourth.status = MeetingStatus.CANCELLED
    db.session.commit()
    held_feed = seen_in_feeds(client, series, held)
    uids = [m.uid for m in (second, third)]
    before = [seen_in_feeds(client, series, m) for m in (second, third)]
    # From the first meeting on: Tuesdays at 16:00 instead of Mondays at 15:00.
    move_following(
        db.session,
        series,
        rule_values(first_day=date(2027, 3, 16), start_time=time(16, 0)),
        series.rule.version if series.rule else None,
        EARLY,
        3,
        since=held,
    )
    db.session.commit()
    assert seen_in_feeds(client, series, held) == held_feed
    assert held.occurrence == datetime(2027, 3, 15, 15, 0)
    assert fourth.status == MeetingStatus.CANCELLED and fourth.local_start.day == 5
    assert [m.uid for m in (second, third)] == uids
    assert [m.local_start.replace(tzinfo=None) for m in (second, third)] == [
        datetime(2027, 3, 16, 16, 0),
        datetime(2027, 3, 23, 16, 0),
    ]
    for meeting, (_, old_sequence, _) in zip((second, third), before, strict=True):
        start, sequence, status = seen_in_feeds(client, series, meeting)
        assert start == meeting.starts_at and sequence == old_sequence + 1
        assert status != "CANCELLED"
    # The new rule's third occurrence (30 March, after DST) is planned; none is doubled.
    live = [m for m in planned(series) if m.status != MeetingStatus.CANCELLED and m is not held]
    assert [m.local_start.day for m in live] == [16, 23, 30]
    assert live[-1].local_start.hour == 16 and live[-1].starts_at.hour == 13
    assert plan_occurrences(db.session, series, EARLY, 3) == []


def test_this_meeting_only_moves_one_and_keeps_its_occurrence(
    app: Flask, client: FlaskClient, series: Series
) -> None:
    save_rule(db.session, series, rule_values(), None)
    plan_occurrences(db.session, series, EARLY, 3)
    first, second, third = planned(series)
    _, old_sequence, _ = seen_in_feeds(client, series, second)
    others = [(m.starts_at, m.sequence) for m in (first, third)]
    move_this_only(db.session, second, (date(2027, 3, 24), time(10, 30), 60), second.version, EARLY)
    db.session.commit()
    assert second.occurrence == datetime(2027, 3, 22, 15, 0)
    assert second.local_start.replace(tzinfo=None) == datetime(2027, 3, 24, 10, 30)
    assert second.ends_at - second.starts_at == timedelta(minutes=60)
    assert [(m.starts_at, m.sequence) for m in (first, third)] == others
    start, sequence, _ = seen_in_feeds(client, series, second)
    assert (start, sequence) == (second.starts_at, old_sequence + 1)
    assert plan_occurrences(db.session, series, EARLY, 3) == []
    assert len(planned(series)) == 3


def test_plan_the_next_meeting_uses_the_rule(app: Flask, series: Series) -> None:
    save_rule(db.session, series, rule_values(), None)
    plan_occurrences(db.session, series, EARLY, 2)
    source = planned(series)[-1]
    plan = plan_next(db.session, source, now=EARLY)
    assert plan.starts == datetime(2027, 3, 29, 15, 0)
    assert plan.ends - plan.starts == timedelta(minutes=90)


def test_cli_plans_every_series_with_a_rule(app: Flask, series: Series, runner: Any) -> None:
    first = utc_today() + timedelta(days=3)
    save_rule(db.session, series, rule_values(first_day=first), None)
    db.session.commit()
    result = runner.invoke(args=["series", "plan"])
    assert result.exit_code == 0, result.output
    assert "Planned 3 meeting(s)." in result.output
    again = runner.invoke(args=["series", "plan"])
    assert "Planned 0 meeting(s)." in again.output
    db.session.expire_all()
    assert len(planned(series)) == 3


# The form.


def form_data(**values: str) -> dict[str, str]:
    """A valid rule form: every second week from a week ahead, 15:00, ten times."""
    first = utc_today() + timedelta(days=7)
    data = {
        "frequency": "weekly",
        "interval": "2",
        "first_day": first.isoformat(),
        "month_day": "",
        "position": "1",
        "weekday": "0",
        "start_time": "15:00",
        "length_minutes": "90",
        "timezone": "",
        "end": "count",
        "until": "",
        "count": "10",
        "version": "",
    }
    data.update(values)
    return data


def test_form_sets_the_rule_and_plans(organiser_client: FlaskClient, series: Series) -> None:
    page = organiser_client.get(f"/series/{series.id}/rule")
    assert page.status_code == 200 and "Repeat rule of Borderless" in page.get_data(as_text=True)
    response = organiser_client.post(f"/series/{series.id}/rule", data=form_data())
    assert response.status_code == 302
    meetings = planned(series)
    assert len(meetings) == 3
    assert [m.local_start.time() for m in meetings] == [time(15, 0)] * 3
    assert meetings[1].starts_at - meetings[0].starts_at in (
        timedelta(days=14),
        timedelta(days=14, hours=1),
        timedelta(days=14, hours=-1),
    )
    detail = organiser_client.get(f"/series/{series.id}").get_data(as_text=True)
    assert "Every 2 weeks on" in detail and "Skip meeting" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_day", "9999-01-01", "Enter a date between"),
        ("interval", "12345678901234567890", "Not a valid integer value."),
        ("count", "\u0663", "Not a valid integer value."),
        ("length_minutes", "\u0669\u0660", "Not a valid integer value."),
        ("start_time", "\u0661\u0665:\u0660\u0660", "Enter a time such as 15:00."),
        ("count", "0", "Enter 1 to 500 meetings."),
        ("until", "", "Enter the last date."),
        ("timezone", "Mars/Olympus", "Choose a real IANA time zone"),
    ],
)
def test_bad_input_is_answered_at_the_field(
    organiser_client: FlaskClient, series: Series, field: str, value: str, message: str
) -> None:
    data = form_data(**{field: value})
    if field == "until":
        data["end"] = "until"
    response = organiser_client.post(f"/series/{series.id}/rule", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 300]
    if value and field != "timezone":  # a select cannot show a zone it does not offer
        assert f'value="{value}"' in page
    assert planned(series) == [] and series.rule is None


def test_organisers_only_and_csrf(client: Any, series: Series, viewer: Any, organiser: Any) -> None:
    url = f"/series/{series.id}/rule"
    assert client.post(url, data=form_data()).status_code in (302, 401, 403)
    login_as(client, viewer)
    assert client.post(url, data=form_data()).status_code == 403
    login_as(client, organiser)
    assert client.post(url, data=form_data(), csrf=False).status_code == 400
    assert planned(series) == [] and series.rule is None


def test_a_time_the_clocks_skip_lands_after_the_gap() -> None:
    # Sofia jumps from 03:00 to 04:00 on 28 March 2027: 03:30 that night is 04:30 summer time.
    rule = transient_rule(first_day=date(2027, 3, 21), start_time=time(3, 30))
    starts = local_starts(rule, EARLY, 2)
    utc = [recurrence.to_utc(s, "Europe/Sofia") for s in starts]
    assert [u.astimezone(ZoneInfo("Europe/Sofia")).hour for u in utc] == [3, 4]
    assert utc[1] - utc[0] == timedelta(days=7)


def test_from_an_occurrence_following_and_only_and_skip(
    organiser_client: FlaskClient, series: Series
) -> None:
    organiser_client.post(f"/series/{series.id}/rule", data=form_data(count=""))
    assert planned(series) == []  # count chosen but empty: refused
    organiser_client.post(f"/series/{series.id}/rule", data=form_data(end="never"))
    first, second, third = planned(series)
    rule_version = str(series.rule.version if series.rule else "")
    page = organiser_client.get(f"/series/{series.id}/rule?meeting={second.id}")
    assert "This meeting only" in page.get_data(as_text=True)
    missing_scope = organiser_client.post(
        f"/series/{series.id}/rule?meeting={second.id}",
        data=form_data(end="never", version=rule_version),
    )
    assert "Choose which meetings change." in missing_scope.get_data(as_text=True)
    day = second.local_start.date() + timedelta(days=1)
    only = organiser_client.post(
        f"/series/{series.id}/rule?meeting={second.id}",
        data=form_data(
            end="never",
            scope="only",
            first_day=day.isoformat(),
            start_time="09:00",
            version=rule_version,
        ),
    )
    assert only.status_code == 302
    db.session.expire_all()
    assert second.local_start.replace(tzinfo=None) == datetime.combine(day, time(9, 0))
    assert first.local_start.time() == third.local_start.time() == time(15, 0)
    following = organiser_client.post(
        f"/series/{series.id}/rule?meeting={third.id}",
        data=form_data(
            end="never",
            scope="following",
            first_day=third.local_start.date().isoformat(),
            start_time="17:00",
            version=rule_version,
        ),
    )
    assert following.status_code == 302
    db.session.expire_all()
    assert third.local_start.time() == time(17, 0)
    assert first.local_start.time() == time(15, 0)
    skipped = organiser_client.post(f"/series/{series.id}/meetings/{first.id}/skip")
    assert skipped.status_code == 303
    db.session.expire_all()
    assert first.status == MeetingStatus.CANCELLED
    other = factories.make_meeting()
    assert organiser_client.post(f"/series/{series.id}/meetings/{other.id}/skip").status_code == 404


def test_following_leaves_approved_ones_and_cancels_what_the_new_rule_drops(
    app: Flask, client: FlaskClient, series: Series
) -> None:
    save_rule(db.session, series, rule_values(), None)
    plan_occurrences(db.session, series, EARLY, 3)
    approved, second, third = planned(series)
    db.session.add(MinutesApproval(meeting_id=approved.id))
    db.session.commit()
    approved_start = approved.starts_at
    # The new rule has a single meeting left: the second one moves there, the third is dropped.
    move_following(
        db.session,
        series,
        rule_values(first_day=date(2027, 3, 23), count=1),
        series.rule.version if series.rule else None,
        EARLY,
        3,
    )
    db.session.commit()
    assert approved.starts_at == approved_start and approved.status == MeetingStatus.PLANNED
    assert second.local_start.date() == date(2027, 3, 23)
    assert third.status == MeetingStatus.CANCELLED
    _, _, status = seen_in_feeds(client, series, third)
    assert status == "CANCELLED"


def test_a_stale_rule_form_is_a_conflict(organiser_client: FlaskClient, series: Series) -> None:
    organiser_client.post(f"/series/{series.id}/rule", data=form_data())
    stale = organiser_client.post(
        f"/series/{series.id}/rule", data=form_data(start_time="18:00", version="0")
    )
    assert stale.status_code == 409
    assert all(m.local_start.hour == 15 for m in planned(series))


def test_an_occurrence_page_offers_the_rule_and_skip(
    organiser_client: FlaskClient, series: Series
) -> None:
    organiser_client.post(f"/series/{series.id}/rule", data=form_data())
    first = planned(series)[0]
    page = organiser_client.get(f"/meetings/{first.id}").get_data(as_text=True)
    assert f"/series/{series.id}/rule?meeting={first.id}" in page
    assert f"/series/{series.id}/meetings/{first.id}/skip" in page
    hand_made = series.meetings[0]
    page = organiser_client.get(f"/meetings/{hand_made.id}").get_data(as_text=True)
    assert "Skip this meeting" not in page


def test_check_these_times_shows_the_helper_for_the_next_meetings_and_saves_nothing(
    organiser_client: FlaskClient, series: Series
) -> None:
    liberation_day = date(utc_today().year + 1, 3, 3)
    data = form_data(
        frequency="monthly_day",
        interval="1",
        month_day="3",
        first_day=liberation_day.isoformat(),
        count="3",
        check="1",
    )
    response = organiser_client.post(f"/series/{series.id}/rule", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The next meetings, for everyone" in page
    assert page.count('class="slot-table"') == 3
    assert "INSAIT" in page and "public holiday: Liberation Day" in page
    assert db.session.get(Series, series.id).rule is None
    assert len(planned(series)) == 0


def test_check_these_times_with_bad_input_answers_at_the_field(
    organiser_client: FlaskClient, series: Series
) -> None:
    data = form_data(first_day="9999-01-01", check="1")
    page = organiser_client.post(f"/series/{series.id}/rule", data=data).get_data(as_text=True)
    assert "Enter a date between" in page and 'class="slot-table"' not in page
    assert db.session.get(Series, series.id).rule is None


def test_the_rule_forms_script_gets_the_helpers_tables_as_a_fragment(
    organiser_client: FlaskClient, series: Series
) -> None:
    liberation_day = date(utc_today().year + 1, 3, 3)
    data = form_data(
        frequency="monthly_day",
        interval="1",
        month_day="3",
        first_day=liberation_day.isoformat(),
        count="3",
    )
    response = organiser_client.get(f"/series/{series.id}/rule/check", query_string=data)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.count('class="slot-table"') == 3
    assert "public holiday: Liberation Day" in fragment
    incomplete = organiser_client.get(
        f"/series/{series.id}/rule/check", query_string=form_data(first_day="")
    )
    assert incomplete.status_code == 400
    assert "Complete the rule" in incomplete.get_data(as_text=True)
    hostile = organiser_client.get(
        f"/series/{series.id}/rule/check", query_string=form_data(interval="9" * 20)
    )
    assert hostile.status_code == 400
    assert db.session.get(Series, series.id).rule is None
