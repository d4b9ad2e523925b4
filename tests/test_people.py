"""People pages: list, detail, create, edit, delete, with good and bad input."""

from __future__ import annotations

import pytest

from tests.conftest import login_as
from tests.factories import (
    make_action_item,
    make_meeting,
    make_organisation,
    make_person,
    make_user,
)
from tracker.extensions import db
from tracker.models import Person, Role
from tracker.operations import Conflict
from tracker.people.operations import create_person, delete_person, update_person


@pytest.fixture
def organisation(app):
    """An organisation people can belong to."""
    return make_organisation(name="AI Cluster Bulgaria", short_name="AICB", country="BG")


@pytest.fixture
def good(organisation):
    """Valid form data."""
    return {
        "name": "Kristina Nikolova",
        "email": "kristina@example.org",
        "organisation_id": str(organisation.id),
        "role": "Policy lead",
    }


def test_list_shows_people(client, organisation):
    make_person(name="Kristina", organisation=organisation)
    response = client.get("/people/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kristina" in page and "AICB" in page


def test_list_filters(client, organisation):
    austria = make_organisation(country="AT")
    make_person(name="Bulgarian rep", organisation=organisation, role="CEO")
    make_person(name="Austrian rep", organisation=austria, email="at@example.org")
    page = client.get(f"/people/?organisation={austria.id}").get_data(as_text=True)
    assert "Austrian rep" in page and "Bulgarian rep" not in page
    page = client.get("/people/?country=bg").get_data(as_text=True)
    assert "Bulgarian rep" in page and "Austrian rep" not in page
    page = client.get("/people/?q=ceo").get_data(as_text=True)
    assert "Bulgarian rep" in page and "Austrian rep" not in page
    page = client.get("/people/?q=at@example").get_data(as_text=True)
    assert "Austrian rep" in page and "Bulgarian rep" not in page


def test_list_paginates(client, app, organisation):
    app.config["TRACKER_PAGE_SIZE"] = 2
    for n in range(5):
        make_person(name=f"Person {n:02d}x", organisation=organisation)
    first = client.get("/people/").get_data(as_text=True)
    assert "Person 00x" in first and "Person 02x" not in first and "Page 1 of 3" in first
    assert "Person 04x" in client.get("/people/?page=3").get_data(as_text=True)


def test_detail(client, organisation):
    person = make_person(name="Kristina", email="k@example.org", organisation=organisation)
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Kristina" in page and "k@example.org" in page
    assert f"/organisations/{organisation.id}" in page and "AI Cluster Bulgaria" in page


@pytest.mark.sqlite_only
def test_unknown_id_is_404(organiser_client):
    for url in ("/people/999", "/people/999/edit", "/people/999/delete"):
        assert organiser_client.get(url).status_code == 404


def test_create(organiser_client, good, organisation):
    page = organiser_client.get(f"/people/new?organisation={organisation.id}").get_data(
        as_text=True
    )
    assert f'<option selected value="{organisation.id}">' in page
    response = organiser_client.post("/people/new", data=good)
    assert response.status_code == 302
    person = db.session.scalars(db.select(Person)).one()
    assert (person.name, person.email, person.organisation_id) == (
        "Kristina Nikolova",
        "kristina@example.org",
        organisation.id,
    )


def test_create_without_email_stores_none(organiser_client, good):
    assert organiser_client.post("/people/new", data=dict(good, email="")).status_code == 302
    assert db.session.scalars(db.select(Person)).one().email is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required"),
        ("organisation_id", "", "This field is required"),
        ("organisation_id", "9999", "Not a valid choice"),
        ("email", "not-an-email", "Enter a valid email address"),
        ("email", "a@b@c", "Enter a valid email address"),
    ],
)
@pytest.mark.sqlite_only
def test_create_bad_input_keeps_values(organiser_client, good, field, value, message):
    response = organiser_client.post("/people/new", data=dict(good, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="Policy lead"' in page
    assert db.session.scalars(db.select(Person)).first() is None


def test_create_duplicate_email_refused(organiser_client, good):
    make_person(email="Kristina@Example.org")
    page = organiser_client.post("/people/new", data=good).get_data(as_text=True)
    assert "Another person already has this email address" in page


def test_edit(organiser_client, good):
    person = make_person(name="Before", email="kristina@example.org")
    page = organiser_client.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert 'value="Before"' in page
    assert f'<option selected value="{person.organisation_id}">' in page
    response = organiser_client.post(
        f"/people/{person.id}/edit", data=dict(good, version=str(person.version))
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.name == "Kristina Nikolova" and person.version == 2


def test_edit_stale_version_conflicts(organiser_client, good):
    person = make_person(name="Original")
    person.name = "Changed by someone else"
    db.session.commit()
    response = organiser_client.post(f"/people/{person.id}/edit", data=dict(good, version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Changed by someone else" in page and 'value="Kristina Nikolova"' in page
    db.session.refresh(person)
    assert person.name == "Changed by someone else"


def test_delete(organiser_client):
    person = make_person()
    assert organiser_client.get(f"/people/{person.id}/delete").status_code == 200
    assert organiser_client.post(f"/people/{person.id}/delete").status_code == 302
    assert db.session.get(Person, person.id) is None


def test_delete_refused_when_referenced(organiser_client):
    person = make_person(name="Owner")
    meeting = make_meeting(organisations=[person.organisation])
    for _ in range(2):
        make_action_item(
            meeting=meeting, owner_organisation=person.organisation, owner_person=person
        )
    response = organiser_client.post(f"/people/{person.id}/delete")
    assert response.status_code == 409
    assert "2 action items" in response.get_data(as_text=True)
    assert db.session.get(Person, person.id) is not None


@pytest.mark.sqlite_only
def test_missing_csrf_is_400(organiser_client, good):
    assert organiser_client.post("/people/new", data=good, csrf=False).status_code == 400


POST_ROUTES = ["/people/new", "/people/{id}/edit", "/people/{id}/delete"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_anonymous_is_sent_to_login(client, route, good):
    person = make_person()
    response = client.post(route.format(id=person.id), data=good)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.get(Person, person.id) is not None


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_viewer_is_forbidden(client, route, good):
    login_as(client, make_user(Role.VIEWER))
    person = make_person()
    assert client.post(route.format(id=person.id), data=good).status_code == 403
    assert client.get(route.format(id=person.id)).status_code == 403


@pytest.mark.sqlite_only
@pytest.mark.parametrize("route", POST_ROUTES)
def test_organiser_is_allowed(organiser_client, route, good):
    person = make_person()
    response = organiser_client.post(
        route.format(id=person.id), data=dict(good, version=str(person.version))
    )
    assert response.status_code == 302


def test_operations_directly(organisation):
    person = create_person(db.session, {"name": "Ana", "organisation_id": organisation.id})
    db.session.commit()
    assert update_person(person, {"role": "CTO"}, 1) == ["role"]
    db.session.commit()
    with pytest.raises(Conflict):
        update_person(person, {"role": "CEO"}, 1)
    delete_person(db.session, person)
    db.session.commit()
    assert db.session.get(Person, person.id) is None
