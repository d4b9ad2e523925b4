"""Issue 15: the audit trail speaks in labels and names, and one action is one entry."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import login_as
from tests.factories import make_deliverable, make_organisation, make_user
from tracker.extensions import db
from tracker.models import AuditEvent, Role


def deliverable_events(deliverable_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "deliverable", AuditEvent.entity_id == deliverable_id)
            .order_by(AuditEvent.id)
        )
    )


def test_creating_a_deliverable_is_one_entry(client, app):
    organiser = make_user(Role.ORGANISER, name="Mila Petrova")
    org = make_organisation(name="AI Serbia", short_name="AI Serbia")
    login_as(client, organiser)
    before = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    response = client.post(
        "/deliverables/new",
        data={
            "title": "Policy paper on compute",
            "kind": "policy_paper",
            "lead_organisation_id": str(org.id),
            "status": "drafting",
            "progress": "5",
            "meeting_id": "",
            "description": "",
            "document_url": "",
        },
    )
    assert response.status_code == 302
    everything = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > before, AuditEvent.action != "login")
        )
    )
    assert [(e.entity, e.action) for e in everything] == [("deliverable", "create")]
    assert everything[0].summary == "Policy paper on compute"


def test_audit_trail_shows_names_labels_and_percent(client, app):
    organiser = make_user(Role.ORGANISER, name="Mila Petrova")
    serbia = make_organisation(name="AI Serbia", short_name="AI Serbia")
    austria = make_organisation(name="AI Austria", short_name="AI Austria")
    d = make_deliverable(title="Paper", lead_organisation=serbia, progress=15)
    login_as(client, organiser)
    d.lead_organisation_id = austria.id  # as the edit form sets it
    d.progress = 25
    db.session.info["actor_id"] = organiser.id
    db.session.commit()
    page = client.get(f"/deliverables/{d.id}").get_data(as_text=True)
    history = page[page.index('id="audit-heading"') :]
    assert "Lead organisation" in history
    assert "<del>AI Serbia</del> → <ins>AI Austria</ins>" in history
    assert "<del>15 %</del> → <ins>25 %</ins>" in history
    assert "Policy recommendation paper" in history  # the kind's label, not policy_paper
    assert "policy_paper" not in history and "Lead organisation id" not in history
    assert "&lt;" not in history  # no reprs


def test_admin_audit_page_names_people_not_reprs(admin_client, app):
    d = make_deliverable(title="Readable")
    d.progress = 40
    db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Readable" in page
    assert "&lt;Deliverable" not in page and "<Deliverable" not in page


def test_admin_links_an_account_to_a_person(admin_client, app):
    from tests.factories import make_person

    person = make_person(name="Lena Hofer")
    account = make_user(Role.VIEWER, name="Lena")
    page = admin_client.get(f"/admin/users/{account.id}").get_data(as_text=True)
    assert "Lena Hofer" in page and "Not linked" in page
    response = admin_client.post(
        f"/admin/users/{account.id}/person", data={"person_id": str(person.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert account.person_id == person.id
    other = make_user(Role.VIEWER)
    admin_client.post(f"/admin/users/{other.id}/person", data={"person_id": str(person.id)})
    db.session.expire_all()
    assert other.person_id is None  # one account per person
    bad = admin_client.post(f"/admin/users/{account.id}/person", data={"person_id": "99999"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert account.person_id == person.id


def test_cli_user_create_takes_a_display_name(runner, app):
    result = runner.invoke(
        args=["user", "create", "mila@example.org", "--name", "Mila Petrova"],
        input="unusual phrase 42\n",
    )
    assert result.exit_code == 0, result.output
    from tracker.models import User

    user = db.session.scalars(select(User).where(User.email == "mila@example.org")).one()
    assert user.name == "Mila Petrova"
    unnamed = runner.invoke(args=["user", "create", "x@example.org"], input="unusual phrase 42\n")
    assert "No display name given" in unnamed.output
