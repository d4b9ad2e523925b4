"""Topic pages: list, detail, create, edit, delete, with good and bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
from tracker.models import Role, Topic, TopicStatus
from tracker.operations import Conflict, Refused
from tracker.topics.operations import create_topic, delete_topic, update_topic

GOOD = {"title": "AI regulation", "status": "ongoing", "description": "The EU AI Act"}


def test_list_shows_topics(client):
    make_topic(title="Sandboxes")
    response = client.get("/topics/")
    assert response.status_code == 200
    assert "Sandboxes" in response.get_data(as_text=True)


def test_list_filters_by_status_and_text(client):
    make_topic(title="Open one", status=TopicStatus.OPEN)
    make_topic(title="Closed one", status=TopicStatus.CONCLUDED, description="skills gap")
    page = client.get("/topics/?status=concluded").get_data(as_text=True)
    assert "Closed one" in page and "Open one" not in page
    page = client.get("/topics/?q=skills").get_data(as_text=True)
    assert "Closed one" in page and "Open one" not in page
    page = client.get("/topics/?status=nonsense").get_data(as_text=True)
    assert "Closed one" in page and "Open one" in page


def test_list_filters_by_series_and_year(client):
    inside = make_topic(title="Inside")
    make_topic(title="Outside")
    series = make_series()
    other = make_meeting(topics=[make_topic(title="Other series")])
    meeting = make_meeting(series=series, topics=[inside])
    page = client.get(f"/topics/?series={series.id}").get_data(as_text=True)
    assert "Inside" in page and "Outside" not in page and "Other series" not in page
    page = client.get(f"/topics/?year={meeting.starts_at.year}").get_data(as_text=True)
    assert "Inside" in page and "Other series" in page and "Outside" not in page
    page = client.get(f"/topics/?year={meeting.starts_at.year - 5}").get_data(as_text=True)
    assert "Inside" not in page
    assert other.id


def test_list_ignores_soft_deleted_meetings(client):
    topic = make_topic(title="Gone")
    meeting = make_meeting(topics=[topic], deleted_at=datetime.now(UTC))
    page = client.get(f"/topics/?series={meeting.series_id}").get_data(as_text=True)
    assert "Gone" not in page


def test_list_paginates(client, app):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for n in range(5):
        make_topic(title=f"Topic {n:02d}x")
    first = client.get("/topics/").get_data(as_text=True)
    assert "Topic 00x" in first and "Topic 02x" not in first and "Page 1 of 3" in first
    assert "Topic 04x" in client.get("/topics/?page=3").get_data(as_text=True)


def test_detail_lists_meetings_in_date_order_with_local_times(client):
    topic = make_topic(title="Data spaces")
    vienna = make_organisation(timezone="Europe/Vienna")
    later = make_meeting(
        topics=[topic],
        title="Later meeting",
        starts_at=datetime(2030, 6, 10, 12, 0, tzinfo=UTC),
        organisations=[vienna],
    )
    earlier = make_meeting(
        topics=[topic], title="Earlier meeting", starts_at=datetime(2030, 3, 10, 13, 0, tzinfo=UTC)
    )
    make_meeting(topics=[topic], title="Deleted meeting", deleted_at=datetime.now(UTC))
    make_deliverable(title="Linked paper", topics=[topic])
    make_deliverable(title="Dropped paper", topics=[topic], deleted_at=datetime.now(UTC))
    page = client.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert page.index("Earlier meeting") < page.index("Later meeting")
    assert "Deleted meeting" not in page
    assert "Linked paper" in page and "Dropped paper" not in page
    assert f"/meetings/{earlier.id}" in page and f"/meetings/{later.id}" in page
    # 12:00 UTC on 10 June is 15:00 in Sofia (EEST) and 14:00 in Vienna (CEST).
    assert "15:00" in page and "14:00 Vienna" in page


@pytest.mark.sqlite_only
def test_unknown_id_is_404(client, organiser_client):
    for url in ("/topics/999", "/topics/999/edit", "/topics/999/delete"):
        assert client.get(url).status_code == 404


def test_create_page_and_create(organiser_client):
    assert organiser_client.get("/topics/new").status_code == 200
    response = organiser_client.post("/topics/new", data=GOOD)
    assert response.status_code == 302
    topic = db.session.scalars(db.select(Topic)).one()
    assert (topic.title, topic.status) == ("AI regulation", TopicStatus.ONGOING)


@pytest.mark.sqlite_only
def test_create_requires_title(organiser_client):
    page = organiser_client.post("/topics/new", data=dict(GOOD, title="")).get_data(as_text=True)
    assert "This field is required" in page and "The EU AI Act" in page
    assert db.session.scalars(db.select(Topic)).first() is None


@pytest.mark.sqlite_only
def test_create_bad_status(organiser_client):
    page = organiser_client.post("/topics/new", data=dict(GOOD, status="x")).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert db.session.scalars(db.select(Topic)).first() is None


def test_create_duplicate_title_case_insensitive(organiser_client):
    make_topic(title="AI Regulation")
    page = organiser_client.post("/topics/new", data=GOOD).get_data(as_text=True)
    assert "Another topic already has this title" in page
    assert 'value="AI regulation"' in page


def test_edit(organiser_client):
    topic = make_topic(title="Before")
    page = organiser_client.get(f"/topics/{topic.id}/edit").get_data(as_text=True)
    assert 'value="Before"' in page and 'name="version"' in page
    response = organiser_client.post(
        f"/topics/{topic.id}/edit", data=dict(GOOD, version=str(topic.version))
    )
    assert response.status_code == 302
    db.session.refresh(topic)
    assert topic.title == "AI regulation" and topic.version == 2


def test_edit_keeps_own_title(organiser_client):
    topic = make_topic(title="AI regulation")
    response = organiser_client.post(f"/topics/{topic.id}/edit", data=dict(GOOD, version="1"))
    assert response.status_code == 302


def test_edit_stale_version_conflicts(organiser_client):
    topic = make_topic(title="Original")
    topic.title = "Changed by someone else"
    db.session.commit()
    response = organiser_client.post(f"/topics/{topic.id}/edit", data=dict(GOOD, version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by someone else" in page and 'value="AI regulation"' in page
    db.session.refresh(topic)
    assert topic.title == "Changed by someone else"


def test_delete_unreferenced(organiser_client):
    topic = make_topic()
    assert organiser_client.get(f"/topics/{topic.id}/delete").status_code == 200
    assert organiser_client.post(f"/topics/{topic.id}/delete").status_code == 302
    assert db.session.get(Topic, topic.id) is None


def test_delete_refused_while_on_agenda(organiser_client):
    topic = make_topic(title="On agenda")
    make_meeting(topics=[topic])
    page = organiser_client.get(f"/topics/{topic.id}/delete").get_data(as_text=True)
    assert "1 meeting agendas" in page
    response = organiser_client.post(f"/topics/{topic.id}/delete")
    assert response.status_code == 409
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert db.session.get(Topic, topic.id) is not None


def test_delete_refused_while_linked_to_deliverable(organiser_client):
    topic = make_topic()
    make_deliverable(topics=[topic])
    response = organiser_client.post(f"/topics/{topic.id}/delete")
    assert response.status_code == 409
    assert "1 deliverables" in response.get_data(as_text=True)
    assert db.session.get(Topic, topic.id) is not None


@pytest.mark.sqlite_only
def test_missing_csrf_is_400(organiser_client):
    assert organiser_client.post("/topics/new", data=GOOD, csrf=False).status_code == 400


POST_ROUTES = ["/topics/new", "/topics/{id}/edit", "/topics/{id}/delete"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_anonymous_is_sent_to_login(client, route):
    topic = make_topic()
    response = client.post(route.format(id=topic.id), data=GOOD)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.get(Topic, topic.id).title == topic.title


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_viewer_is_forbidden(client, route):
    login_as(client, make_user(Role.VIEWER))
    topic = make_topic()
    assert client.post(route.format(id=topic.id), data=GOOD).status_code == 403
    assert client.get(route.format(id=topic.id)).status_code == 403


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_organiser_is_allowed(organiser_client, route):
    topic = make_topic()
    response = organiser_client.post(
        route.format(id=topic.id), data=dict(GOOD, version=str(topic.version))
    )
    assert response.status_code == 302


def test_operations_directly(app):
    topic = create_topic(db.session, {"title": "Skills", "status": TopicStatus.OPEN})
    db.session.commit()
    assert update_topic(topic, {"title": "Skills gap"}, 1) == ["title"]
    db.session.commit()
    with pytest.raises(Conflict):
        update_topic(topic, {"title": "Again"}, 1)
    make_meeting(topics=[topic])
    with pytest.raises(Refused):
        delete_topic(db.session, topic)
    other = make_topic()
    delete_topic(db.session, other)
    db.session.commit()
    assert db.session.get(Topic, other.id) is None
