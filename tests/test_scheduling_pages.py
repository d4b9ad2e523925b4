"""The scheduling helper on pages: organisation working hours, the meeting form's
"Check this time" path, suggestions and the /scheduling/check fragment."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest

from tests.conftest import freeze_clock
from tests.factories import make_organisation, make_series
from tracker.extensions import db
from tracker.models import AuditEvent, Meeting, Organisation

GOOD_ORG = {
    "name": "AI Sweden",
    "short_name": "AI SE",
    "country": "SE",
    "kind": "national_ai",
    "website": "",
    "timezone": "Europe/Stockholm",
    "description": "",
    "work_start": "08:00",
    "work_end": "16:30",
}


def meeting_data(series_id: int, organisation_ids: list[int], **overrides: str) -> dict[str, str]:
    """A meeting form submission with participating organisations."""
    data = {
        "series_id": str(series_id),
        "number": "",
        "title": "Cluster conference",
        "starts": "2027-03-03T15:00",
        "ends": "2027-03-03T16:00",
        "timezone": "Europe/Sofia",
        "location": "",
        "online_url": "",
        "status": "planned",
        "description": "",
    }
    for index, organisation_id in enumerate(organisation_ids):
        data[f"participants-{index}-organisation"] = str(organisation_id)
        data[f"participants-{index}-attendance"] = "invited"
    data.update(overrides)
    return data


def partners() -> list[Organisation]:
    """The five partner organisations in their home zones."""
    made = [
        make_organisation(name="INSAIT", country="BG", timezone="Europe/Sofia"),
        make_organisation(name="AI Austria", country="AT", timezone="Europe/Vienna"),
        make_organisation(name="AI Serbia", country="RS", timezone="Europe/Belgrade"),
        make_organisation(name="AI Sweden", country="SE", timezone="Europe/Stockholm"),
        make_organisation(name="Alan Turing Institute", country="GB", timezone="Europe/London"),
    ]
    db.session.commit()
    return made


def meeting_count() -> int:
    """How many meetings are stored."""
    return len(db.session.scalars(db.select(Meeting)).all())


# --- organisation working hours -------------------------------------------------------------


def test_organisation_working_hours_are_saved(organiser_client: Any) -> None:
    """Working hours from the form are stored and shown on the organisation's page."""
    response = organiser_client.post("/organisations/new", data=GOOD_ORG)
    assert response.status_code == 302
    org = db.session.scalars(db.select(Organisation)).one()
    assert (org.work_start, org.work_end) == (time(8, 0), time(16, 30))
    page = organiser_client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "08:00\u201316:30" in page


def test_organisation_working_hours_default_when_not_sent(organiser_client: Any) -> None:
    """A form without the working-hour fields (an older client) keeps 09:00-18:00."""
    data = {k: v for k, v in GOOD_ORG.items() if not k.startswith("work_")}
    assert organiser_client.post("/organisations/new", data=data).status_code == 302
    org = db.session.scalars(db.select(Organisation)).one()
    assert (org.work_start, org.work_end) == (time(9, 0), time(18, 0))


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("17:00", "09:00", "work_end", "Working hours must end after they start."),
        ("09:00", "09:00", "work_end", "Working hours must end after they start."),
        ("", "18:00", "work_start", "Enter a time of day such as 09:00."),
        ("25:00", "18:00", "work_start", "Enter a time of day such as 09:00."),
        ("09:00", "six pm", "work_end", "Enter a time of day such as 09:00."),
    ],
)
def test_organisation_working_hours_validation(
    organiser_client: Any, start: str, end: str, field: str, message: str
) -> None:
    """Bad working hours: the error sits at the field, the input is kept, nothing is saved."""
    data = dict(GOOD_ORG, work_start=start, work_end=end)
    response = organiser_client.post("/organisations/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<p class="error" id="{field}-error">' in page
    error = page.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert 'value="AI SE"' in page
    assert db.session.scalars(db.select(Organisation)).first() is None


def test_edit_form_shows_current_working_hours(organiser_client: Any) -> None:
    """The edit form is filled with the stored hours."""
    org = make_organisation(work_start=time(7, 30), work_end=time(15, 0))
    db.session.commit()
    page = organiser_client.get(f"/organisations/{org.id}/edit").get_data(as_text=True)
    assert 'value="07:30"' in page and 'value="15:00"' in page


@pytest.fixture(autouse=True)
def before_the_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock in January 2027: the March 2027 slots these tests plan stay ahead (suggestions
    are never in the past)."""
    freeze_clock(monkeypatch, datetime(2027, 1, 4, 10, 0, tzinfo=UTC))


# --- the meeting form without JavaScript ----------------------------------------------------


def test_check_this_time_shows_the_table_keeps_input_and_saves_nothing(
    organiser_client: Any,
) -> None:
    """3 Mar 2027 15:00 Sofia is Liberation Day: the table warns, suggests, saves nothing."""
    series = make_series()
    orgs = partners()
    data = meeting_data(series.id, [o.id for o in orgs], check_slot="1", title="Kick-off")
    response = organiser_client.post("/meetings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert meeting_count() == 0
    assert 'value="Kick-off"' in page and 'value="2027-03-03T15:00"' in page
    assert "<caption>Local times for Wed 3 Mar 2027, 13:00\u201314:00 UTC</caption>" in page
    assert "Warning: public holiday: Liberation Day" in page
    assert "Alan Turing Institute" in page
    assert 'name="use_slot" value="2027-03-04T15:00"' in page
    assert "Thu 4 Mar 2027, 15:00 Sofia" in page


def test_a_suggestion_fills_the_time_without_saving(organiser_client: Any) -> None:
    """Choosing a suggestion moves start and end (same length) and shows a clean table."""
    series = make_series()
    orgs = partners()
    data = meeting_data(
        series.id, [o.id for o in orgs], ends="2027-03-03T16:30", use_slot="2027-03-04T15:00"
    )
    response = organiser_client.post("/meetings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert meeting_count() == 0
    assert 'value="2027-03-04T15:00"' in page and 'value="2027-03-04T16:30"' in page
    assert "This time fits everyone." in page


def test_the_reader_zone_is_a_row(organiser_client: Any, organiser: Any) -> None:
    """A signed-in organiser with a home zone sees a You row in it."""
    organiser.timezone = "America/New_York"
    series = make_series()
    org = make_organisation(name="INSAIT", country="BG", timezone="Europe/Sofia")
    db.session.commit()
    data = meeting_data(series.id, [org.id], starts="2027-02-10T15:00", ends="2027-02-10T16:00")
    page = organiser_client.post("/meetings/new", data=dict(data, check_slot="1")).get_data(
        as_text=True
    )
    assert '<th scope="row">You</th>' in page
    assert "Wed 10 Feb 2027, 08:00\u201309:00" in page


def test_saving_still_saves(organiser_client: Any) -> None:
    """The Save button is unchanged by the helper."""
    series = make_series()
    orgs = partners()
    response = organiser_client.post("/meetings/new", data=meeting_data(series.id, [orgs[0].id]))
    assert response.status_code == 302
    assert meeting_count() == 1


def test_edit_form_shows_the_table(organiser_client: Any) -> None:
    """The edit page shows the helper for the stored time straight away."""
    series = make_series()
    orgs = partners()
    organiser_client.post("/meetings/new", data=meeting_data(series.id, [orgs[1].id]))
    meeting = db.session.scalars(db.select(Meeting)).one()
    page = organiser_client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert '<table class="slot-table">' in page and "AI Austria" in page


# --- the fragment --------------------------------------------------------------------------


def test_fragment_gives_the_table(organiser_client: Any) -> None:
    """The GET fragment renders the same table for the JS to swap in."""
    orgs = partners()
    query = "starts=2027-06-25T10:00&ends=2027-06-25T11:00&timezone=Europe/Stockholm"
    query += "".join(f"&org={o.id}" for o in orgs)
    response = organiser_client.get(f"/scheduling/check?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page
    assert "Warning: public holiday: Midsummer Eve" in page
    assert "Nearest times that fit everyone" in page


def test_fragment_takes_the_series_zone(organiser_client: Any) -> None:
    """An empty zone means the series' zone, as on the form."""
    series = make_series(timezone="Europe/London")
    org = make_organisation(name="Alan Turing Institute", country="GB", timezone="Europe/London")
    db.session.commit()
    query = f"starts=2027-02-10T08:00&ends=2027-02-10T09:00&timezone=&series={series.id}"
    page = organiser_client.get(f"/scheduling/check?{query}&org={org.id}").get_data(as_text=True)
    assert "Warning: before working hours (09:00\u201318:00)" in page


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "query",
    [
        "starts=soon&ends=later&timezone=Europe/Sofia",
        "starts=2027-03-03T15:00&ends=2027-03-03T14:00&timezone=Europe/Sofia",
        "starts=2027-03-03T15:00&ends=2027-03-03T16:00&timezone=Mars/Olympus",
        "starts=2027-03-03T15:00&ends=2027-03-03T16:00&timezone=Europe/Sofia&org=abc",
        "starts=2027-03-03T15:00&ends=2027-03-03T16:00&timezone=Europe/Sofia&org=99999999999999",
        "starts=2027-03-28T03:30&ends=2027-03-28T04:30&timezone=Europe/Sofia",
        "starts=9999-12-31T23:00&ends=9999-12-31T23:30&timezone=Europe/Sofia",
        "starts=2027-03-03T15:00&ends=2027-03-09T16:00&timezone=Europe/Sofia",
        "starts=2027-03-03T15:00&ends=2027-03-03T16:00&series=x",
    ],
)
def test_fragment_bad_input_is_400(organiser_client: Any, query: str) -> None:
    """Bad input gives 400 with a sentence, never 500."""
    response = organiser_client.get(f"/scheduling/check?{query}")
    assert response.status_code == 400
    assert "Enter a start, an end after it and a time zone" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_fragment_with_nothing_entered_says_what_to_enter(organiser_client: Any) -> None:
    """An empty query (a fresh form) is no error: 200 and the hint."""
    response = organiser_client.get("/scheduling/check?timezone=Europe/Sofia")
    assert response.status_code == 200
    assert "Enter a start, an end after it and a time zone" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_fragment_needs_an_organiser(client: Any) -> None:
    """Anonymous readers are sent to log in."""
    response = client.get("/scheduling/check?starts=2027-03-03T15:00")
    assert response.status_code in (302, 303)


def test_editing_working_hours_is_saved_and_audited(organiser_client: Any) -> None:
    """Changing the hours on the edit form saves them; the audit trail names the change."""
    org = make_organisation(name="AI Sweden", short_name="AI SE", country="SE")
    db.session.commit()
    data = dict(GOOD_ORG, version=str(org.version), work_start="10:00", work_end="17:00")
    assert organiser_client.post(f"/organisations/{org.id}/edit", data=data).status_code == 302
    db.session.refresh(org)
    assert (org.work_start, org.work_end) == (time(10, 0), time(17, 0))
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity == "organisation").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.changes is not None and event.changes["work_start"] == ["09:00:00", "10:00:00"]
