"""Deliverable pages: list, detail, create, edit, soft delete and restore."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
from tracker.deliverables.operations import (
    create_deliverable,
    restore_deliverable,
    soft_delete_deliverable,
    update_deliverable,
)
from tracker.extensions import db
from tracker.main.queries import home_overview
from tracker.models import (
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    DeliverableStatusChange,
    ProgressUpdate,
    Role,
    utc_today,
)
from tracker.operations import Conflict, Refused

TODAY = utc_today()


@pytest.fixture
def lead(app):
    """The lead organisation of the deliverables under test."""
    return make_organisation(name="AI Cluster Bulgaria", short_name="AICB", country="BG")


@pytest.fixture
def good(lead):
    """Valid form data."""
    return {
        "title": "Analytical report on Europe's AI ecosystem",
        "kind": "analytical_report",
        "description": "Mapping the ecosystem",
        "lead_organisation_id": str(lead.id),
        "start_date": "2030-01-10",
        "due_date": "2030-06-30",
        "status": "drafting",
        "progress": "40",
        "meeting_id": "",
        "document_url": "https://docs.example.org/report",
    }


def all_deliverables() -> list[Deliverable]:
    """Every deliverable in the database, soft-deleted ones included."""
    return list(db.session.scalars(db.select(Deliverable)))


def test_list_shows_lead_due_status_progress_and_overdue(client, lead):
    make_deliverable(title="Late paper", lead_organisation=lead, due_date=TODAY - timedelta(1))
    make_deliverable(
        title="Done paper",
        due_date=TODAY - timedelta(1),
        status=DeliverableStatus.PUBLISHED,
        progress=100,
    )
    response = client.get("/deliverables/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Late paper" in page and "AICB" in page and "Done paper" in page
    assert page.count("badge-overdue") == 1
    assert '<progress max="100" value="100"' in page
    assert "Published" in page


def test_list_filters(client, lead):
    austria = make_organisation(country="AT", short_name="AIAT")
    series = make_series()
    meeting = make_meeting(series=series)
    topic_paper = make_deliverable(
        title="From meeting",
        lead_organisation=lead,
        meeting=meeting,
        kind=DeliverableKind.REVIEW,
        due_date=date(2031, 5, 1),
        start_date=date(2031, 1, 1),
    )
    make_deliverable(
        title="Austrian led",
        lead_organisation=austria,
        contributors=[lead],
        status=DeliverableStatus.IN_REVIEW,
        due_date=TODAY - timedelta(days=3),
    )
    make_deliverable(title="Unrelated", status=DeliverableStatus.PLANNED)

    def titles(query: str) -> set[str]:
        page = client.get(f"/deliverables/?{query}").get_data(as_text=True)
        return {t for t in ("From meeting", "Austrian led", "Unrelated") if t in page}

    assert titles(f"series={series.id}") == {"From meeting"}
    assert titles("status=in_review") == {"Austrian led"}
    assert titles(f"organisation={lead.id}") == {"From meeting", "Austrian led"}
    assert titles("country=at") == {"Austrian led"}
    assert titles("year=2031") == {"From meeting"}
    assert titles("kind=review") == {"From meeting"}
    assert titles("overdue=1") == {"Austrian led"}
    assert titles("q=unrel") == {"Unrelated"}
    assert titles("status=bogus&kind=bogus&year=x") == {"From meeting", "Austrian led", "Unrelated"}
    assert topic_paper.id


def test_list_paginates(client, app, lead):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for n in range(5):
        make_deliverable(title=f"Paper {n:02d}x", due_date=TODAY + timedelta(days=n + 1))
    first = client.get("/deliverables/").get_data(as_text=True)
    assert "Paper 00x" in first and "Paper 02x" not in first and "Page 1 of 3" in first
    assert "Paper 04x" in client.get("/deliverables/?page=3").get_data(as_text=True)


def test_detail_links_everything(client, lead):
    contributor = make_organisation(short_name="AISE")
    topic = make_topic(title="Data spaces")
    meeting = make_meeting(title="Sofia meeting")
    deliverable = make_deliverable(
        title="Framework",
        lead_organisation=lead,
        contributors=[contributor],
        topics=[topic],
        meeting=meeting,
        document_url="https://docs.example.org/f",
        progress=55,
    )
    page = client.get(f"/deliverables/{deliverable.id}").get_data(as_text=True)
    for text in (
        "Framework",
        f"/organisations/{lead.id}",
        f"/organisations/{contributor.id}",
        f"/topics/{topic.id}",
        f"/meetings/{meeting.id}",
        "Sofia meeting",
        "https://docs.example.org/f",
        'value="55"',
    ):
        assert text in page


def test_unknown_and_deleted_ids_are_404(organiser_client):
    gone = make_deliverable(deleted_at=datetime.now(UTC))
    for deliverable_id in (999, gone.id):
        for suffix in ("", "/edit", "/delete"):
            url = f"/deliverables/{deliverable_id}{suffix}"
            assert organiser_client.get(url).status_code == 404, url


def test_admin_sees_deleted_with_banner_and_list(admin_client):
    gone = make_deliverable(title="Gone paper", deleted_at=datetime.now(UTC))
    make_deliverable(title="Live paper")
    page = admin_client.get(f"/deliverables/{gone.id}").get_data(as_text=True)
    assert "was deleted on" in page and f"/deliverables/{gone.id}/restore" in page
    listing = admin_client.get("/deliverables/?deleted=1").get_data(as_text=True)
    assert "Gone paper" in listing and "Live paper" not in listing


def test_deleted_list_is_admin_only(organiser_client):
    make_deliverable(title="Gone paper", deleted_at=datetime.now(UTC))
    assert "Gone paper" not in organiser_client.get("/deliverables/?deleted=1").get_data(
        as_text=True
    )


def test_create(organiser_client, good, lead):
    contributor = make_organisation()
    topic = make_topic()
    meeting = make_meeting()
    gone_meeting = make_meeting(title="Deleted meeting", deleted_at=datetime.now(UTC))
    page = organiser_client.get("/deliverables/new").get_data(as_text=True)
    assert "Deleted meeting" not in page and meeting.title in page
    data = dict(
        good,
        contributor_ids=[str(contributor.id)],
        topic_ids=[str(topic.id)],
        meeting_id=str(meeting.id),
    )
    response = organiser_client.post("/deliverables/new", data=data)
    assert response.status_code == 302
    deliverable = db.session.scalars(db.select(Deliverable)).one()
    assert deliverable.kind is DeliverableKind.ANALYTICAL_REPORT
    assert deliverable.progress == 40 and deliverable.due_date == date(2030, 6, 30)
    assert deliverable.contributors == [contributor] and deliverable.topics == [topic]
    assert deliverable.meeting_id == meeting.id
    refused = organiser_client.post(
        "/deliverables/new", data=dict(good, meeting_id=gone_meeting.id)
    )
    assert "Not a valid choice" in refused.get_data(as_text=True)


def test_create_minimal(organiser_client, good):
    data = dict(good, start_date="", due_date="", document_url="", progress="0")
    assert organiser_client.post("/deliverables/new", data=data).status_code == 302
    deliverable = db.session.scalars(db.select(Deliverable)).one()
    assert deliverable.progress == 0 and deliverable.due_date is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required"),
        ({"lead_organisation_id": ""}, "This field is required"),
        ({"progress": ""}, "Enter the progress as a whole number"),
        ({"progress": "-1"}, "Progress must be between 0 and 100"),
        ({"progress": "101"}, "Progress must be between 0 and 100"),
        ({"progress": "ten"}, "Not a valid integer value"),
        ({"due_date": "2029-12-31"}, "The due date must be on or after the start date"),
        ({"due_date": "31/31/2030"}, "Not a valid date value"),
        ({"document_url": "javascript:alert(1)"}, "starts with https:// or http://"),
        ({"document_url": "ftp://files.example.org/x"}, "starts with https:// or http://"),
        ({"document_url": "not a url"}, "Enter a full web address"),
        ({"kind": "poem"}, "Not a valid choice"),
        ({"status": "lost"}, "Not a valid choice"),
    ],
)
@pytest.mark.sqlite_only
def test_create_bad_input_keeps_values(organiser_client, good, changes, message):
    response = organiser_client.post("/deliverables/new", data=dict(good, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "Mapping the ecosystem" in page
    assert all_deliverables() == []


@pytest.mark.sqlite_only
def test_progress_error_is_next_to_the_field(organiser_client, good):
    page = organiser_client.post("/deliverables/new", data=dict(good, progress="101")).get_data(
        as_text=True
    )
    assert 'id="progress-error"' in page and 'value="101"' in page


def test_lead_cannot_be_contributor(organiser_client, good, lead):
    data = dict(good, contributor_ids=[str(lead.id)])
    page = organiser_client.post("/deliverables/new", data=data).get_data(as_text=True)
    assert "The lead organisation cannot also be a contributor" in page
    assert all_deliverables() == []


def test_edit(organiser_client, good, lead):
    topic = make_topic()
    deliverable = make_deliverable(title="Before", lead_organisation=lead, topics=[topic])
    page = organiser_client.get(f"/deliverables/{deliverable.id}/edit").get_data(as_text=True)
    assert 'value="Before"' in page and f'value="{topic.id}"' in page and "checked" in page
    response = organiser_client.post(
        f"/deliverables/{deliverable.id}/edit", data=dict(good, version=str(deliverable.version))
    )
    assert response.status_code == 302
    db.session.refresh(deliverable)
    assert deliverable.title.startswith("Analytical") and deliverable.topics == []
    assert deliverable.version > 1
    # The form's status and percentage went through the workflow and were recorded.
    changes = db.session.scalars(db.select(DeliverableStatusChange)).all()
    assert [(c.from_status, c.to_status) for c in changes] == [
        (DeliverableStatus.PLANNED, DeliverableStatus.DRAFTING)
    ]
    assert [u.percent for u in db.session.scalars(db.select(ProgressUpdate))] == [40]


def test_edit_only_links_moves_version(organiser_client, lead):
    topic = make_topic()
    deliverable = make_deliverable(lead_organisation=lead)
    changed = update_deliverable(db.session, deliverable, {}, [], [topic], deliverable.version)
    db.session.commit()
    assert changed == ["topics"] and deliverable.version == 2


def test_edit_stale_version_conflicts(organiser_client, good, lead):
    deliverable = make_deliverable(title="Original", lead_organisation=lead)
    deliverable.title = "Changed by someone else"
    db.session.commit()
    response = organiser_client.post(
        f"/deliverables/{deliverable.id}/edit", data=dict(good, version="1", progress="77")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by someone else" in page and 'value="77"' in page
    db.session.refresh(deliverable)
    assert deliverable.title == "Changed by someone else"


def test_soft_delete_hides_from_lists_and_home(organiser_client):
    deliverable = make_deliverable(title="Soon due", due_date=TODAY + timedelta(days=3))
    assert "Soon due" in organiser_client.get("/next").get_data(as_text=True)
    assert organiser_client.get(f"/deliverables/{deliverable.id}/delete").status_code == 200
    response = organiser_client.post(f"/deliverables/{deliverable.id}/delete")
    assert response.status_code == 302
    db.session.refresh(deliverable)
    assert deliverable.deleted_at is not None
    assert "was deleted" in organiser_client.get("/deliverables/").get_data(as_text=True)
    assert "Soon due" not in organiser_client.get("/deliverables/").get_data(as_text=True)
    assert "Soon due" not in organiser_client.get("/next").get_data(as_text=True)
    assert organiser_client.get(f"/deliverables/{deliverable.id}").status_code == 404
    overview = home_overview(db.session, datetime.now(UTC), TODAY)
    assert deliverable not in overview.due_soon


def test_restore(admin_client):
    deliverable = make_deliverable(title="Back again", deleted_at=datetime.now(UTC))
    response = admin_client.post(f"/deliverables/{deliverable.id}/restore")
    assert response.status_code == 302
    db.session.refresh(deliverable)
    assert deliverable.deleted_at is None
    assert "Back again" in admin_client.get("/deliverables/").get_data(as_text=True)
    again = admin_client.post(f"/deliverables/{deliverable.id}/restore", follow_redirects=True)
    assert "is not deleted" in again.get_data(as_text=True)


def test_restore_unknown_is_404(admin_client):
    assert admin_client.post("/deliverables/999/restore").status_code == 404


@pytest.mark.sqlite_only
def test_restore_anonymous_is_sent_to_login(client):
    deliverable = make_deliverable(deleted_at=datetime.now(UTC))
    response = client.post(f"/deliverables/{deliverable.id}/restore")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(deliverable)
    assert deliverable.deleted_at is not None


def test_restore_is_admin_only(organiser_client):
    deliverable = make_deliverable(deleted_at=datetime.now(UTC))
    url = f"/deliverables/{deliverable.id}/restore"
    assert organiser_client.post(url).status_code == 403
    assert organiser_client.get(url).status_code == 405
    db.session.refresh(deliverable)
    assert deliverable.deleted_at is not None


@pytest.mark.sqlite_only
def test_missing_csrf_is_400(organiser_client, good):
    assert organiser_client.post("/deliverables/new", data=good, csrf=False).status_code == 400
    deliverable = make_deliverable()
    url = f"/deliverables/{deliverable.id}/delete"
    assert organiser_client.post(url, csrf=False).status_code == 400


POST_ROUTES = ["/deliverables/new", "/deliverables/{id}/edit", "/deliverables/{id}/delete"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_anonymous_is_sent_to_login(client, route, good):
    deliverable = make_deliverable()
    response = client.post(route.format(id=deliverable.id), data=good)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(deliverable)
    assert deliverable.deleted_at is None and len(all_deliverables()) == 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_viewer_is_forbidden(client, route, good):
    login_as(client, make_user(Role.VIEWER))
    deliverable = make_deliverable()
    assert client.post(route.format(id=deliverable.id), data=good).status_code == 403
    assert client.get(route.format(id=deliverable.id)).status_code == 403


@pytest.mark.parametrize("route", POST_ROUTES)
def test_organiser_is_allowed(organiser_client, route, good):
    deliverable = make_deliverable()
    response = organiser_client.post(
        route.format(id=deliverable.id), data=dict(good, version=str(deliverable.version))
    )
    assert response.status_code == 302


def test_operations_directly(lead):
    other = make_organisation()
    topic = make_topic()
    values = {"title": "Review", "kind": DeliverableKind.REVIEW, "lead_organisation_id": lead.id}
    deliverable = create_deliverable(db.session, values, [other], [topic])
    db.session.commit()
    assert deliverable.contributors == [other] and deliverable.topics == [topic]
    with pytest.raises(Refused):
        create_deliverable(db.session, values, [lead], [])
    db.session.rollback()
    with pytest.raises(Conflict):
        update_deliverable(db.session, deliverable, {"title": "x"}, [], [], deliverable.version + 1)
    soft_delete_deliverable(deliverable)
    db.session.commit()
    assert deliverable.deleted_at is not None
    restore_deliverable(deliverable)
    db.session.commit()
    assert deliverable.deleted_at is None


HUGE = "9" * 25


@pytest.mark.parametrize(
    "url",
    [
        f"/deliverables/{HUGE}",
        f"/deliverables/{HUGE}/edit",
        f"/topics/{HUGE}",
        f"/people/{HUGE}",
        f"/organisations/{HUGE}",
    ],
)
def test_huge_ids_are_404_not_500(organiser_client, url):
    assert organiser_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/deliverables/?series={HUGE}&organisation={HUGE}&year={HUGE}&page={HUGE}",
        f"/topics/?series={HUGE}&year={HUGE}&page={HUGE}",
        f"/people/?organisation={HUGE}&page={HUGE}",
    ],
)
def test_huge_filter_numbers_are_ignored(client, url):
    make_deliverable(title="Still listed")
    assert client.get(url).status_code == 200


@pytest.mark.sqlite_only
def test_huge_ids_in_forms_are_field_errors(organiser_client, good):
    data = dict(
        good,
        lead_organisation_id=HUGE,
        meeting_id=HUGE,
        contributor_ids=[HUGE],
        topic_ids=[HUGE],
        progress="9" * 30,
    )
    page = organiser_client.post("/deliverables/new", data=data).get_data(as_text=True)
    assert "Not a valid choice" in page and "Progress must be between 0 and 100" in page
    assert all_deliverables() == []
