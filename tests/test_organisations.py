"""Organisation pages: list, detail, create, edit, delete, with good and bad input."""

from __future__ import annotations

import pytest

from tests.factories import make_deliverable, make_meeting, make_organisation, make_person
from tracker.extensions import db
from tracker.models import AuditEvent, Organisation

GOOD = {
    "name": "AI Austria",
    "short_name": "AI AT",
    "country": "AT",
    "kind": "national_ai",
    "timezone": "Europe/Vienna",
    "website": "https://aiaustria.example",
    "description": "Austrian AI organisation",
}


def test_list_shows_and_filters(client, app):
    make_organisation(name="AI Serbia", short_name="AI RS", country="RS")
    make_organisation(name="AI Sweden", short_name="AI SE", country="SE")
    page = client.get("/organisations/").get_data(as_text=True)
    assert "AI Serbia" in page and "AI Sweden" in page
    page = client.get("/organisations/?country=RS").get_data(as_text=True)
    assert "AI Serbia" in page and "AI Sweden" not in page
    page = client.get("/organisations/?q=swe").get_data(as_text=True)
    assert "AI Sweden" in page and "AI Serbia" not in page


def test_list_paginates(client, app):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for n in range(5):
        make_organisation(name=f"Org {n:02d}")
    first = client.get("/organisations/").get_data(as_text=True)
    assert "Org 00" in first and "Org 02" not in first and "Page 1 of 3" in first
    third = client.get("/organisations/?page=3").get_data(as_text=True)
    assert "Org 04" in third


def test_list_filters_by_series_and_year(client, app):
    inside = make_organisation(name="Inside")
    make_organisation(name="Outside")
    meeting = make_meeting(organisations=[inside])
    page = client.get(
        f"/organisations/?series={meeting.series_id}&year={meeting.starts_at.year}"
    ).get_data(as_text=True)
    assert "Inside" in page and "Outside" not in page


def test_detail_lists_people_meetings_deliverables(client, app):
    org = make_organisation(name="AI Cluster Bulgaria")
    make_person(name="Kristina", organisation=org)
    make_meeting(organisations=[org], title="Kick-off")
    make_deliverable(lead_organisation=org, title="Analytical report")
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    for text in ("AI Cluster Bulgaria", "Kristina", "Kick-off", "Analytical report"):
        assert text in page


@pytest.mark.sqlite_only
def test_unknown_id_is_404(client):
    assert client.get("/organisations/999").status_code == 404


def test_create(organiser_client):
    response = organiser_client.post("/organisations/new", data=GOOD)
    assert response.status_code == 302
    org = db.session.scalars(db.select(Organisation)).one()
    assert (org.name, org.country, org.timezone) == ("AI Austria", "AT", "Europe/Vienna")
    assert db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.entity == "organisation")
    ).one()


@pytest.mark.sqlite_only
def test_create_bad_input_keeps_values(organiser_client):
    bad = dict(GOOD, country="XX", timezone="Mars/Olympus", website="javascript:alert(1)", name="")
    response = organiser_client.post("/organisations/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a real country" in page
    assert "Choose a real IANA time zone" in page
    assert 'value="AI AT"' in page
    assert "This field is required" in page
    assert db.session.scalars(db.select(Organisation)).first() is None


def test_create_duplicate_name_refused(organiser_client):
    make_organisation(name="AI Austria")
    page = organiser_client.post("/organisations/new", data=GOOD).get_data(as_text=True)
    assert "Another organisation already has this name" in page


def test_edit(organiser_client):
    org = make_organisation()
    data = dict(GOOD, version=str(org.version))
    response = organiser_client.post(f"/organisations/{org.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "AI Austria" and org.version == 2


def test_edit_stale_version_conflicts(organiser_client):
    org = make_organisation(name="Original")
    org.name = "Changed by someone else"
    db.session.commit()
    response = organiser_client.post(f"/organisations/{org.id}/edit", data=dict(GOOD, version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by someone else" in page and 'value="AI Austria"' in page
    db.session.refresh(org)
    assert org.name == "Changed by someone else"


def test_delete_unreferenced(organiser_client):
    org = make_organisation()
    assert organiser_client.get(f"/organisations/{org.id}/delete").status_code == 200
    assert organiser_client.post(f"/organisations/{org.id}/delete").status_code == 302
    assert db.session.get(Organisation, org.id) is None


def test_delete_referenced_is_refused(organiser_client):
    org = make_organisation()
    make_deliverable(lead_organisation=org)
    response = organiser_client.post(f"/organisations/{org.id}/delete")
    assert response.status_code == 409
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert db.session.get(Organisation, org.id) is not None


@pytest.mark.sqlite_only
def test_missing_csrf_is_400(organiser_client):
    response = organiser_client.post("/organisations/new", data=GOOD, csrf=False)
    assert response.status_code == 400
