"""Meeting pages: list, detail, create, edit, soft delete and restore; times across zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import g

from tests.conftest import login_as
from tests.factories import (
    make_deliverable,
    make_meeting,
    make_organisation,
    make_series,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.meetings.operations import (
    NonexistentLocalTime,
    create_meeting,
    local_to_utc,
    restore_meeting,
    soft_delete_meeting,
    update_meeting,
)
from tracker.meetings.queries import next_number
from tracker.models import Attendance, Meeting, MeetingStatus, Role, User
from tracker.operations import Conflict


def switch_user(client: Any, user: User | None) -> None:
    """Log client in as user (None: log out).

    The app fixture keeps one app context for the whole test, so Flask-Login's cached user
    in g must be dropped too.
    """
    if user is None:
        with client.session_transaction() as session:
            session.pop("_user_id", None)
    else:
        login_as(client, user)
    g.pop("_login_user", None)


def form_data(series_id: int, **overrides: Any) -> dict[str, str]:
    """A valid meeting form submission for series_id, with overrides."""
    data = {
        "series_id": str(series_id),
        "number": "",
        "title": "Cluster conference",
        "starts": "2027-01-14T15:00",
        "ends": "2027-01-14T17:00",
        "timezone": "Europe/Sofia",
        "location": "Sofia Tech Park",
        "online_url": "https://meet.example.org/abc",
        "status": "planned",
        "description": "Founding the network.",
        "minutes": "",
    }
    data.update(overrides)
    return data


def only_meeting() -> Meeting:
    """The one meeting in the database."""
    return db.session.scalars(db.select(Meeting)).one()


# --- operations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "zone", "utc"),
    [
        # Winter: Sofia UTC+2, Vienna/Belgrade/Stockholm UTC+1, London UTC+0.
        ("2027-01-14 15:00", "Europe/Sofia", "2027-01-14 13:00"),
        ("2027-01-14 14:00", "Europe/Vienna", "2027-01-14 13:00"),
        ("2027-01-14 14:00", "Europe/Belgrade", "2027-01-14 13:00"),
        ("2027-01-14 14:00", "Europe/Stockholm", "2027-01-14 13:00"),
        ("2027-01-14 13:00", "Europe/London", "2027-01-14 13:00"),
        # Summer: one hour more everywhere.
        ("2027-07-14 15:00", "Europe/Sofia", "2027-07-14 12:00"),
        ("2027-07-14 13:00", "Europe/London", "2027-07-14 12:00"),
        # EU spring switch (Sunday 28 March 2027, 01:00 UTC): before and after.
        ("2027-03-28 02:30", "Europe/Sofia", "2027-03-28 00:30"),
        ("2027-03-28 04:30", "Europe/Sofia", "2027-03-28 01:30"),
        ("2027-03-28 00:30", "Europe/London", "2027-03-28 00:30"),
        ("2027-03-28 02:30", "Europe/London", "2027-03-28 01:30"),
        ("2027-03-28 01:30", "Europe/Vienna", "2027-03-28 00:30"),
        ("2027-03-28 03:30", "Europe/Stockholm", "2027-03-28 01:30"),
        # EU autumn switch (Sunday 31 October 2027, 01:00 UTC): the repeated hour takes the
        # first occurrence (still summer time).
        ("2027-10-31 03:30", "Europe/Sofia", "2027-10-31 00:30"),
        ("2027-10-31 04:30", "Europe/Sofia", "2027-10-31 02:30"),
        ("2027-10-31 01:30", "Europe/London", "2027-10-31 00:30"),
        ("2027-10-31 02:30", "Europe/Belgrade", "2027-10-31 00:30"),
        ("2027-10-31 15:00", "Europe/Vienna", "2027-10-31 14:00"),
    ],
)
def test_local_to_utc(local: str, zone: str, utc: str) -> None:
    result = local_to_utc(datetime.fromisoformat(local), zone)
    assert result == datetime.fromisoformat(utc).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "zone"),
    [
        ("2027-03-28 03:30", "Europe/Sofia"),
        ("2027-03-28 01:30", "Europe/London"),
        ("2027-03-28 02:30", "Europe/Vienna"),
        ("2026-03-29 02:00", "Europe/Stockholm"),
    ],
)
def test_local_to_utc_refuses_the_spring_gap(local: str, zone: str) -> None:
    with pytest.raises(NonexistentLocalTime, match="does not exist"):
        local_to_utc(datetime.fromisoformat(local), zone)


def test_operations_create_update_delete_restore(app) -> None:
    series = make_series()
    a, b = make_organisation(), make_organisation()
    t1, t2, t3 = make_topic(), make_topic(), make_topic()
    assert next_number(db.session, series.id) == 1
    start = datetime(2027, 1, 14, 13, tzinfo=UTC)
    values = {
        "series_id": series.id,
        "number": None,
        "title": "First",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "timezone": "Europe/Sofia",
    }
    meeting = create_meeting(db.session, values, [(a.id, Attendance.INVITED)], [t1.id, t2.id])
    db.session.commit()
    assert meeting.number == 1 and next_number(db.session, series.id) == 2
    assert [i.topic_id for i in meeting.agenda_items] == [t1.id, t2.id]
    version = meeting.version
    # Only the children change: the version still moves, so stale editors get a conflict.
    update_meeting(
        meeting,
        {"title": "First"},
        [(b.id, Attendance.CONFIRMED), (a.id, Attendance.ATTENDED)],
        [t2.id, t3.id, t1.id],
        version,
    )
    db.session.commit()
    assert meeting.version == version + 1
    assert {(p.organisation_id, p.attendance) for p in meeting.participations} == {
        (a.id, Attendance.ATTENDED),
        (b.id, Attendance.CONFIRMED),
    }
    db.session.expire_all()
    assert [i.topic_id for i in meeting.agenda_items] == [t2.id, t3.id, t1.id]
    with pytest.raises(Conflict):
        update_meeting(meeting, {"title": "Late"}, [], [], version)
    sequence = meeting.sequence
    soft_delete_meeting(meeting, start)
    db.session.commit()
    assert meeting.deleted_at == start
    restore_meeting(meeting)
    db.session.commit()
    assert meeting.deleted_at is None and meeting.sequence == sequence


# --- list ---------------------------------------------------------------------------------


def test_list_shows_meetings_with_zones_and_hides_deleted(client) -> None:
    sofia = make_organisation(timezone="Europe/Sofia")
    london = make_organisation(timezone="Europe/London")
    make_meeting(
        title="Winter meeting",
        organisations=[sofia, london],
        starts_at=datetime(2027, 1, 14, 13, tzinfo=UTC),
    )
    make_meeting(title="Gone meeting", deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    response = client.get("/meetings/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Winter meeting" in page and "Gone meeting" not in page
    assert "15:00 Sofia · 13:00 London" in page


def test_list_filters(client) -> None:
    s1, s2 = make_series(name="Alpha"), make_series(name="Beta")
    rs = make_organisation(country="RS", short_name="SerbiaAI")
    gb = make_organisation(country="GB", short_name="UKAI")
    make_meeting(
        series=s1,
        title="Belgrade summit",
        organisations=[rs],
        status=MeetingStatus.HELD,
        starts_at=datetime(2020, 5, 1, 10, tzinfo=UTC),
    )
    make_meeting(
        series=s2,
        title="London workshop",
        organisations=[gb],
        location="Somerset House",
        starts_at=datetime(2027, 5, 1, 10, tzinfo=UTC),
    )

    def titles(query: str) -> tuple[bool, bool]:
        page = client.get(f"/meetings/?{query}").get_data(as_text=True)
        return "Belgrade summit" in page, "London workshop" in page

    assert titles("") == (True, True)
    assert titles(f"series={s1.id}") == (True, False)
    assert titles("status=held") == (True, False)
    assert titles("status=planned") == (False, True)
    assert titles(f"organisation={gb.id}") == (False, True)
    assert titles("country=rs") == (True, False)
    assert titles("year=2027") == (False, True)
    assert titles("q=somerset") == (False, True)
    assert titles("q=summit") == (True, False)
    assert titles("status=nonsense&year=abc&series=x") == (True, True)
    newest_first = client.get("/meetings/").get_data(as_text=True)
    assert newest_first.index("London workshop") < newest_first.index("Belgrade summit")
    earliest_first = client.get("/meetings/?order=start").get_data(as_text=True)
    assert earliest_first.index("Belgrade summit") < earliest_first.index("London workshop")


def test_list_paginates(app, client) -> None:
    app.config["TRACKER_PAGE_SIZE"] = 2
    series = make_series()
    for n in range(1, 4):
        make_meeting(
            series=series,
            number=n,
            title=f"Numbered {n}",
            starts_at=datetime(2027, 1, n, 10, tzinfo=UTC),
        )
    first = client.get("/meetings/").get_data(as_text=True)
    second = client.get("/meetings/?page=2").get_data(as_text=True)
    assert "Numbered 3" in first and "Numbered 1" not in first
    assert "Numbered 1" in second and "Numbered 3" not in second


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_everything(organiser_client) -> None:
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    # Zones are listed in the order of the participants' names.
    orgs = [
        make_organisation(name="A Sofia AI", timezone="Europe/Sofia"),
        make_organisation(name="B Vienna AI", timezone="Europe/Vienna"),
        make_organisation(name="C Belgrade AI", timezone="Europe/Belgrade"),
        make_organisation(name="D Stockholm AI", timezone="Europe/Stockholm"),
        make_organisation(name="E London AI", timezone="Europe/London"),
    ]
    t1, t2 = make_topic(title="AI skills"), make_topic(title="Funding")
    series = make_series(name="Borderless AI")
    meeting = make_meeting(
        series=series,
        number=4,
        title="Cluster conference",
        organisations=orgs,
        topics=[t2, t1],
        starts_at=datetime(2027, 1, 14, 13, tzinfo=UTC),
        ends_at=datetime(2027, 1, 14, 15, tzinfo=UTC),
        timezone="Europe/Sofia",
        location="Sofia Tech Park",
        online_url="https://meet.example.org/x",
        minutes="Line one\n  indented <b>two</b>",
        status=MeetingStatus.CONFIRMED,
    )
    deliverable = make_deliverable(title="Cluster report", meeting=meeting)
    response = client.get(f"/meetings/{meeting.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Cluster conference</h1>" in page
    assert "Borderless AI" in page and "meeting 4" in page and "Confirmed" in page
    assert "15:00 Sofia · 14:00 Vienna, Belgrade, Stockholm · 13:00 London" in page
    assert "17:00 Sofia · 16:00 Vienna, Belgrade, Stockholm · 15:00 London" in page
    assert "Sofia Tech Park" in page
    assert '<a href="https://meet.example.org/x"' in page
    assert "Line one" in page and "&lt;b&gt;two&lt;/b&gt;" in page and "<b>two</b>" not in page
    for org in orgs:
        assert f'/organisations/{org.id}"' in page
    assert "Invited" in page
    assert page.index(f"/topics/{t2.id}") < page.index(f"/topics/{t1.id}")
    assert f"/deliverables/{deliverable.id}" in page and "Cluster report" in page


def test_detail_zones_line_on_switch_weekends(client) -> None:
    sofia = make_organisation(timezone="Europe/Sofia")
    london = make_organisation(timezone="Europe/London")
    new_york = make_organisation(timezone="America/New_York")
    # 28 March 2027, 12:00 UTC: Europe has switched, New York switched on 14 March.
    spring = make_meeting(
        organisations=[sofia, london, new_york],
        timezone="Europe/Sofia",
        starts_at=datetime(2027, 3, 28, 12, tzinfo=UTC),
    )
    page = client.get(f"/meetings/{spring.id}").get_data(as_text=True)
    assert "15:00 Sofia · 13:00 London · 08:00 New York" in page
    # Saturday before: Europe still on winter time, New York already on summer time.
    before = make_meeting(
        organisations=[sofia, london, new_york],
        timezone="Europe/London",
        starts_at=datetime(2027, 3, 27, 12, tzinfo=UTC),
    )
    page = client.get(f"/meetings/{before.id}").get_data(as_text=True)
    assert "12:00 London · 14:00 Sofia · 08:00 New York" in page
    autumn = make_meeting(
        organisations=[sofia, london],
        timezone="Europe/Sofia",
        starts_at=datetime(2027, 10, 31, 13, tzinfo=UTC),
    )
    page = client.get(f"/meetings/{autumn.id}").get_data(as_text=True)
    assert "15:00 Sofia · 13:00 London" in page


@pytest.mark.sqlite_only
def test_detail_does_not_link_unsafe_urls(client) -> None:
    meeting = make_meeting(online_url="javascript:alert(1)")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "javascript:alert(1)" in page
    assert 'href="javascript' not in page


def test_detail_404s(client, admin) -> None:
    assert client.get("/meetings/9999").status_code == 404
    deleted = make_meeting(deleted_at=datetime(2026, 1, 1, tzinfo=UTC), title="Hidden one")
    assert client.get(f"/meetings/{deleted.id}").status_code == 404
    switch_user(client, make_user(Role.ORGANISER))
    assert client.get(f"/meetings/{deleted.id}").status_code == 404
    switch_user(client, admin)
    page = client.get(f"/meetings/{deleted.id}").get_data(as_text=True)
    assert "This meeting was deleted" in page and "Restore this meeting" in page


# --- create and edit --------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_create_form_preselects_series(organiser_client) -> None:
    series = make_series(timezone="Europe/Stockholm")
    make_meeting(series=series, number=7)
    response = organiser_client.get(f"/meetings/new?series={series.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<option selected value="{series.id}">' in page
    assert '<option selected value="Europe/Stockholm">' in page
    assert 'value="8"' in page
    assert 'type="datetime-local"' in page
    assert '<label for="participants-0-organisation">Organisation 1</label>' in page
    assert '<label for="agenda-5-topic">Agenda item 6</label>' in page
    assert organiser_client.get("/meetings/new?series=abc").status_code == 200


def test_create_with_participants_and_agenda(organiser_client) -> None:
    series = make_series()
    sofia = make_organisation(timezone="Europe/Sofia")
    london = make_organisation(timezone="Europe/London")
    t1, t2 = make_topic(), make_topic()
    data = form_data(
        series.id,
        **{
            "participants-0-organisation": str(london.id),
            "participants-0-attendance": "confirmed",
            "participants-1-organisation": "",
            "participants-1-attendance": "invited",
            "participants-2-organisation": str(sofia.id),
            "participants-2-attendance": "invited",
            "agenda-0-topic": str(t2.id),
            "agenda-1-topic": "",
            "agenda-2-topic": str(t1.id),
        },
    )
    response = organiser_client.post("/meetings/new", data=data)
    meeting = only_meeting()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.number == 1
    assert meeting.starts_at == datetime(2027, 1, 14, 13, tzinfo=UTC)
    assert meeting.ends_at == datetime(2027, 1, 14, 15, tzinfo=UTC)
    assert meeting.starts_at.tzinfo is not None
    assert {(p.organisation_id, p.attendance) for p in meeting.participations} == {
        (london.id, Attendance.CONFIRMED),
        (sofia.id, Attendance.INVITED),
    }
    assert [i.topic_id for i in meeting.agenda_items] == [t2.id, t1.id]
    assert meeting.online_url == "https://meet.example.org/abc"


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("Europe/Sofia", "2027-03-28T15:00", datetime(2027, 3, 28, 12, tzinfo=UTC)),
        ("Europe/Vienna", "2027-03-27T15:00", datetime(2027, 3, 27, 14, tzinfo=UTC)),
        ("Europe/London", "2027-03-28T15:00", datetime(2027, 3, 28, 14, tzinfo=UTC)),
        ("Europe/Belgrade", "2027-10-31T15:00", datetime(2027, 10, 31, 14, tzinfo=UTC)),
        ("Europe/Stockholm", "2027-10-30T15:00", datetime(2027, 10, 30, 13, tzinfo=UTC)),
        ("Europe/London", "2027-10-31T01:30", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_create_stores_utc(organiser_client, zone: str, local: str, utc: datetime) -> None:
    series = make_series()
    end = (datetime.fromisoformat(local) + timedelta(hours=3)).isoformat(timespec="minutes")
    response = organiser_client.post(
        "/meetings/new",
        data=form_data(series.id, timezone=zone, starts=local, ends=end),
    )
    assert response.status_code == 302
    meeting = only_meeting()
    assert meeting.starts_at == utc
    assert meeting.timezone == zone


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"series_id": ""}, "series_id", "Choose a series."),
        ({"series_id": "9999"}, "series_id", "Not a valid choice."),
        ({"starts": ""}, "starts", "Enter the start date and time."),
        ({"ends": ""}, "ends", "Enter the end date and time."),
        ({"starts": "next tuesday"}, "starts", "Not a valid datetime value."),
        ({"ends": "2027-01-14T15:00"}, "ends", "The end must come after the start."),
        ({"ends": "2027-01-14T14:00"}, "ends", "The end must come after the start."),
        ({"timezone": "CEST"}, "timezone", "Choose a real IANA time zone"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a real IANA time zone"),
        (
            {"starts": "2027-03-28T03:30", "ends": "2027-03-28T05:00"},
            "starts",
            "2027-03-28 03:30 does not exist in Europe/Sofia",
        ),
        (
            {"starts": "2027-03-28T02:00", "ends": "2027-03-28T03:15"},
            "ends",
            "2027-03-28 03:15 does not exist in Europe/Sofia",
        ),
        (
            {"starts": "0001-01-01T00:30", "ends": "0001-01-01T02:00"},
            "starts",
            "Enter a date between 1900 and 2200.",
        ),
        ({"ends": "9999-12-31T23:59"}, "ends", "Enter a date between 1900 and 2200."),
        ({"online_url": "javascript:alert(1)"}, "online_url", "starts with https://"),
        ({"online_url": "ftp://example.org/x"}, "online_url", "starts with https://"),
        ({"status": "finished"}, "status", "Not a valid choice."),
        ({"number": "0"}, "number", "Use a number from 1."),
        ({"number": "abc"}, "number", "Not a valid integer value."),
        ({"title": "x" * 301}, "title", "Field cannot be longer than 300 characters."),
    ],
)
@pytest.mark.sqlite_only
def test_create_rejects_bad_input(
    organiser_client, overrides: dict[str, str], field_id: str, message: str
) -> None:
    series = make_series()
    data = form_data(series.id, title="Kept title")
    data.update(overrides)
    response = organiser_client.post("/meetings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="{field_id}-error">' in page
    error = page.split(f'<p class="error" id="{field_id}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'value="Sofia Tech Park"' in page  # input kept
    assert db.session.scalars(db.select(Meeting)).first() is None


def test_create_rejects_duplicate_and_unknown_rows(organiser_client) -> None:
    series = make_series()
    org = make_organisation()
    topic = make_topic()
    duplicate_org = form_data(
        series.id,
        **{
            "participants-0-organisation": str(org.id),
            "participants-0-attendance": "invited",
            "participants-1-organisation": str(org.id),
            "participants-1-attendance": "confirmed",
        },
    )
    page = organiser_client.post("/meetings/new", data=duplicate_org).get_data(as_text=True)
    assert '<p class="error" id="participants-1-organisation-error">' in page
    assert "This organisation is already listed above." in page
    assert f'<option selected value="{org.id}">' in page
    duplicate_topic = form_data(
        series.id,
        **{"agenda-0-topic": str(topic.id), "agenda-1-topic": "", "agenda-2-topic": str(topic.id)},
    )
    page = organiser_client.post("/meetings/new", data=duplicate_topic).get_data(as_text=True)
    assert '<p class="error" id="agenda-2-topic-error">' in page
    assert "This topic is already on the agenda above." in page
    unknown = form_data(
        series.id,
        **{
            "participants-0-organisation": "9999",
            "participants-0-attendance": "invited",
            "agenda-0-topic": "8888",
        },
    )
    page = organiser_client.post("/meetings/new", data=unknown).get_data(as_text=True)
    assert '<p class="error" id="participants-0-organisation-error">' in page
    assert '<p class="error" id="agenda-0-topic-error">' in page
    bad_attendance = form_data(
        series.id,
        **{
            "participants-0-organisation": str(org.id),
            "participants-0-attendance": "maybe",
        },
    )
    page = organiser_client.post("/meetings/new", data=bad_attendance).get_data(as_text=True)
    assert '<p class="error" id="participants-0-attendance-error">' in page
    assert db.session.scalars(db.select(Meeting)).first() is None


def test_number_unique_per_series(organiser_client) -> None:
    series = make_series()
    other = make_series()
    make_meeting(series=series, number=3)
    make_meeting(series=series, number=4, deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    for number in ("3", "4"):
        page = organiser_client.post(
            "/meetings/new", data=form_data(series.id, number=number)
        ).get_data(as_text=True)
        assert '<p class="error" id="number-error">' in page
        assert f"already has a meeting number {number}" in page
    assert (
        organiser_client.post("/meetings/new", data=form_data(other.id, number="3")).status_code
        == 302
    )
    assert organiser_client.post("/meetings/new", data=form_data(series.id)).status_code == 302
    numbers = db.session.scalars(
        db.select(Meeting.number).where(Meeting.series_id == series.id)
    ).all()
    assert sorted(numbers) == [3, 4, 5]


def test_edit_form_shows_existing_rows(organiser_client) -> None:
    org = make_organisation()
    topic = make_topic()
    meeting = make_meeting(
        organisations=[org],
        topics=[topic],
        timezone="Europe/London",
        starts_at=datetime(2027, 7, 1, 9, tzinfo=UTC),
    )
    response = organiser_client.get(f"/meetings/{meeting.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="2027-07-01T10:00"' in page
    assert f'name="version" type="hidden" value="{meeting.version}"' in page
    assert 'id="participants-0-organisation"' in page
    assert f'<option selected value="{org.id}">' in page
    assert f'<option selected value="{topic.id}">' in page
    assert 'id="participants-5-organisation"' in page


def test_edit_saves_and_detects_conflicts(organiser_client) -> None:
    a, b = make_organisation(), make_organisation()
    t1, t2 = make_topic(), make_topic()
    meeting = make_meeting(organisations=[a], topics=[t1, t2])
    version = meeting.version
    data = form_data(
        meeting.series_id,
        number=str(meeting.number),
        title="Renamed",
        timezone="Europe/Vienna",
        version=str(version),
        **{
            "participants-0-organisation": str(b.id),
            "participants-0-attendance": "attended",
            "agenda-0-topic": str(t2.id),
            "agenda-1-topic": str(t1.id),
        },
    )
    response = organiser_client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.title == "Renamed"
    assert meeting.starts_at == datetime(2027, 1, 14, 14, tzinfo=UTC)
    assert [(p.organisation_id, p.attendance) for p in meeting.participations] == [
        (b.id, Attendance.ATTENDED)
    ]
    assert [i.topic_id for i in meeting.agenda_items] == [t2.id, t1.id]
    # Same number as itself is fine; a stale version gets a 409 keeping the input.
    stale = dict(data, title="Mine", version=str(version))
    conflict = organiser_client.post(f"/meetings/{meeting.id}/edit", data=stale)
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert 'value="Mine"' in page and "Renamed" in page
    db.session.expire_all()
    assert meeting.title == "Renamed"


def test_edit_rejects_bad_input_and_404s(organiser_client) -> None:
    meeting = make_meeting(title="Original")
    data = form_data(meeting.series_id, number=str(meeting.number), ends="2027-01-14T12:00")
    response = organiser_client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 200
    assert "The end must come after the start." in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.title == "Original"
    assert organiser_client.get("/meetings/9999/edit").status_code == 404
    soft_delete_meeting(meeting, datetime(2026, 1, 1, tzinfo=UTC))
    db.session.commit()
    assert organiser_client.get(f"/meetings/{meeting.id}/edit").status_code == 404


# --- delete and restore -----------------------------------------------------------------


def test_soft_delete_hides_and_keeps_everything(organiser_client) -> None:
    org = make_organisation()
    topic = make_topic()
    meeting = make_meeting(
        title="Doomed meeting", organisations=[org], topics=[topic], minutes="Keep me"
    )
    deliverable = make_deliverable(meeting=meeting)
    confirm = organiser_client.get(f"/meetings/{meeting.id}/delete")
    assert confirm.status_code == 200
    assert "agenda, minutes and deliverables are kept" in confirm.get_data(as_text=True)
    response = organiser_client.post(f"/meetings/{meeting.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/meetings/")
    db.session.expire_all()
    assert meeting.deleted_at is not None
    assert meeting.minutes == "Keep me"
    assert len(meeting.participations) == 1 and len(meeting.agenda_items) == 1
    assert deliverable.meeting_id == meeting.id
    link = f'href="/meetings/{meeting.id}"'
    assert link not in organiser_client.get("/meetings/").get_data(as_text=True)
    assert link not in organiser_client.get("/").get_data(as_text=True)
    assert organiser_client.get(f"/meetings/{meeting.id}").status_code == 404
    assert organiser_client.post(f"/meetings/{meeting.id}/delete").status_code == 404
    assert organiser_client.post("/meetings/9999/delete").status_code == 404


def test_admin_restores(admin_client) -> None:
    meeting = make_meeting(title="Back again", deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    response = admin_client.post(f"/meetings/{meeting.id}/restore")
    assert response.status_code == 302
    db.session.expire_all()
    assert meeting.deleted_at is None
    assert "Back again" in admin_client.get("/meetings/").get_data(as_text=True)
    assert admin_client.post("/meetings/9999/restore").status_code == 404


def test_restore_is_admin_only(client, organiser, viewer) -> None:
    meeting = make_meeting(deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    url = f"/meetings/{meeting.id}/restore"
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    for user in (viewer, organiser):
        switch_user(client, user)
        assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    db.session.expire_all()
    assert meeting.deleted_at is not None


# --- access control and CSRF ------------------------------------------------------------


def post_routes(meeting: Meeting) -> list[tuple[str, dict[str, str]]]:
    """Every POST route of the meetings feature that organisers may use, with valid data."""
    return [
        ("/meetings/new", form_data(meeting.series_id)),
        (
            f"/meetings/{meeting.id}/edit",
            form_data(meeting.series_id, number=str(meeting.number), version="1"),
        ),
        (f"/meetings/{meeting.id}/delete", {}),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_access_control(client, organiser, viewer, index: int) -> None:
    meeting = make_meeting()
    url, data = post_routes(meeting)[index]
    anonymous = client.post(url, data=data)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.get(url).status_code == 302
    switch_user(client, viewer)
    assert client.post(url, data=data).status_code == 403
    assert client.get(url).status_code == 403
    switch_user(client, organiser)
    assert client.get(url).status_code == 200
    assert client.post(url, data=data).status_code == 302


@pytest.mark.sqlite_only
@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_missing_csrf_is_400(admin_client, index: int) -> None:
    meeting = make_meeting()
    routes = [*post_routes(meeting), (f"/meetings/{meeting.id}/restore", {})]
    url, data = routes[index]
    assert admin_client.post(url, data=data, csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 1
    assert meeting.deleted_at is None and meeting.title == f"Meeting {meeting.number}"


def test_huge_ids_are_404_or_ignored(admin_client) -> None:
    make_meeting(title="Still listed")
    big = "9" * 30
    for url in (f"/meetings/{big}", f"/meetings/{big}/edit", f"/meetings/{big}/delete"):
        assert admin_client.get(url).status_code == 404
    assert admin_client.post(f"/meetings/{big}/restore").status_code == 404
    listed = admin_client.get(f"/meetings/?organisation={big}&series={big}&year={big}")
    assert listed.status_code == 200 and "Still listed" in listed.get_data(as_text=True)
    assert admin_client.get(f"/meetings/new?series={big}").status_code == 200
