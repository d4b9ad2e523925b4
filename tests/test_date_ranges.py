"""Every date has a range: forms refuse far-off years next to the field, and a year-1 or
year-9999 row written behind the forms' back (an import, the CLI) breaks no page or feed."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select

from tests import factories
from tests.conftest import login_as
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import Deliverable, Milestone, ProgressUpdate, Role

EXTREMES = [date(1, 1, 1), date(9999, 12, 31)]


def extreme_rows(day: date) -> Deliverable:
    """A deliverable, milestone and progress update dated day, written directly."""
    organisation = factories.make_organisation()
    deliverable = factories.make_deliverable(
        lead_organisation=organisation, start_date=day, due_date=day
    )
    db.session.add(Milestone(deliverable=deliverable, title="Far off", due_date=day))
    db.session.add(
        ProgressUpdate(
            deliverable=deliverable,
            recorded_on=day,
            previous_percent=0,
            percent=40,
            note="Imported",
        )
    )
    deliverable.progress = 40
    db.session.commit()
    return deliverable


@pytest.mark.parametrize("day", EXTREMES, ids=["year1", "year9999"])
def test_pages_and_feeds_survive_far_off_dates(app, day):
    deliverable = extreme_rows(day)
    normal = factories.make_deliverable(lead_organisation=deliverable.lead_organisation)
    user = factories.make_user(
        Role.ADMIN, person=factories.make_person(organisation=deliverable.lead_organisation)
    )
    db.session.commit()
    client = app.test_client()
    login_as(client, user)
    token = regenerate_feed_token(db.session, user, app.secret_key)
    db.session.commit()
    organisation_id = deliverable.lead_organisation_id
    private = [
        f"/feeds/private/{token}/deadlines.ics",
        f"/feeds/private/{token}/organisations/{organisation_id}/deadlines.ics",
        f"/feeds/private/{token}/mine.ics",
    ]
    feeds = [
        "/feeds/deadlines.ics",
        f"/feeds/organisations/{deliverable.lead_organisation_id}/deadlines.ics",
        *private,
    ]
    for url in feeds:
        response = app.test_client().get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.data)
        summaries = " ".join(str(e.get("SUMMARY")) for e in calendar.walk("VEVENT"))
        if "deadlines" in url:
            assert normal.title in summaries, url
    pages = [
        "/deliverables/timeline",
        "/deliverables/",
        "/deliverables/board",
        "/dashboard",
        f"/deliverables/{deliverable.id}",
        f"/deliverables/{deliverable.id}/progress",
        "/deliverables/export.csv",
        "/deliverables/progress.csv",
        "/calendar",
        "/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response.status_code == 200 or url == "/calendar", url


FAR_OFF = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"]


@pytest.mark.parametrize("typed", FAR_OFF)
def test_deliverable_dates_refuse_far_off_years_next_to_the_field(organiser_client, typed):
    lead = factories.make_organisation()
    db.session.commit()
    for field in ("start_date", "due_date"):
        data = {
            "title": "Report on far-off dates",
            "kind": "analytical_report",
            "description": "",
            "lead_organisation_id": str(lead.id),
            "start_date": "1899-01-01" if field == "due_date" and typed < "1900" else "",
            "due_date": "",
            "status": "drafting",
            "progress": "0",
            "meeting_id": "",
            "document_url": "",
        }
        data[field] = typed
        response = organiser_client.post("/deliverables/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, field
        assert "Enter a date between 1900 and 2200." in page, field
        assert f'value="{typed}"' in page, field
    assert db.session.scalars(select(Deliverable)).all() == []


@pytest.mark.parametrize("typed", FAR_OFF)
def test_milestone_and_progress_dates_refuse_far_off_years(organiser_client, typed):
    deliverable = factories.make_deliverable()
    db.session.commit()
    base = f"/deliverables/{deliverable.id}"
    response = organiser_client.post(f"{base}/milestones", data={"title": "Far", "due_date": typed})
    assert response.status_code == 400
    assert "Enter a date between 1900 and 2200." in response.get_data(as_text=True)
    response = organiser_client.post(
        f"{base}/progress/updates",
        data={"percent": "10", "recorded_on": typed, "note": "Went on"},
    )
    assert response.status_code == 400
    assert "Enter a date between 1900 and 2200." in response.get_data(as_text=True)
    assert db.session.scalars(select(Milestone)).all() == []
    assert db.session.scalars(select(ProgressUpdate)).all() == []


def test_action_due_dates_refuse_far_off_years(organiser_client):
    austria = factories.make_organisation()
    meeting = factories.make_meeting(organisations=[austria], topics=[factories.make_topic()])
    db.session.commit()
    response = organiser_client.post(
        f"/meetings/{meeting.id}/outcomes/new",
        data={
            "agenda_item": meeting.agenda_items[0].id,
            "kind": "action",
            "text": "Draft chapter 1",
            "owner_organisation": austria.id,
            "due_date": "9999-12-31",
        },
    )
    assert "Enter a date between 1900 and 2200." in response.get_data(as_text=True)


def test_no_date_field_without_the_range() -> None:
    """The class: every form date comes through tracker.forms.DateField (or the meeting
    form's own range check), never WTForms' unbounded DateField."""
    root = Path(__file__).resolve().parent.parent / "tracker"
    offenders = []
    for path in root.rglob("*.py"):
        if path == root / "forms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("wtforms")
                and any(alias.name == "DateField" for alias in node.names)
            ):
                offenders.append(str(path.relative_to(root)))
    assert not offenders


def test_a_deadline_on_the_last_day_there_is_still_exports():
    from tracker.calendar.export import DeadlineEvent, deadline_component

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    event = DeadlineEvent(
        uid="x@tracker", summary="Far", due=date.max, created=moment, last_modified=moment
    )
    assert deadline_component(event).decoded("dtstart") == date.max
