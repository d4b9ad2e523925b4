"""Series pages."""

from __future__ import annotations

import pytest

from tests.factories import make_meeting, make_series
from tracker.extensions import db
from tracker.models import Series


@pytest.mark.sqlite_only
def test_list_and_detail(client, app):
    series = make_series(name="Borderless AI")
    make_meeting(series=series, title="Kick-off")
    assert "Borderless AI" in client.get("/series/").get_data(as_text=True)
    page = client.get(f"/series/{series.id}").get_data(as_text=True)
    assert "Kick-off" in page
    assert client.get("/series/9999").status_code == 404


@pytest.mark.sqlite_only
def test_create_edit_and_bad_input(organiser_client):
    bad = organiser_client.post("/series/new", data={"name": "S", "timezone": "CEST"})
    assert bad.status_code == 200 and "Choose a real IANA time zone" in bad.get_data(as_text=True)
    ok = organiser_client.post("/series/new", data={"name": "S", "timezone": "Europe/Sofia"})
    assert ok.status_code == 302
    series = db.session.scalars(db.select(Series)).one()
    dup = organiser_client.post("/series/new", data={"name": "s", "timezone": "Europe/Sofia"})
    assert "Another series already has this name" in dup.get_data(as_text=True)
    edit = organiser_client.post(
        f"/series/{series.id}/edit",
        data={"name": "Renamed", "timezone": "Europe/Vienna", "version": "1"},
    )
    assert edit.status_code == 302
    db.session.refresh(series)
    assert (series.name, series.timezone) == ("Renamed", "Europe/Vienna")


def test_delete_with_meetings_refused(organiser_client):
    meeting = make_meeting()
    response = organiser_client.post(f"/series/{meeting.series_id}/delete")
    assert response.status_code == 409
    assert db.session.get(Series, meeting.series_id) is not None
    empty = make_series()
    assert organiser_client.post(f"/series/{empty.id}/delete").status_code == 302
    assert db.session.get(Series, empty.id) is None
