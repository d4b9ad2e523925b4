"""Issue 20.1: "My work", the home page of a signed-in user."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.conftest import build_app, login_as
from tests.factories import (
    make_action_item,
    make_deliverable,
    make_meeting,
    make_minutes_revision,
    make_organisation,
    make_person,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.main.visits import VISIT_GAP, changes_since, record_visit
from tracker.models import (
    ActionStatus,
    AuditEvent,
    ChangeCounter,
    DeliverableHealth,
    DeliverableStatus,
    MeetingStatus,
    MinutesApproval,
    Role,
    User,
    utc_today,
    utcnow,
)

TODAY = utc_today()


def section(page: str, heading_id: str) -> str:
    """The HTML of the section whose heading has heading_id."""
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def linked_user(role: Role = Role.VIEWER, **values) -> User:
    """A user linked to a person of a new organisation."""
    organisation = make_organisation(short_name="MyOrg", timezone="Europe/Vienna")
    person = make_person(name="Mia Member", organisation=organisation)
    return make_user(role, person_id=person.id, **values)


def home(client, user: User) -> str:
    """The home page as user sees it."""
    login_as(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_signed_in_home_is_my_work_and_anonymous_keeps_whats_next(client, app):
    user = linked_user()
    db.session.commit()
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "<h1>What's next</h1>" in anonymous and "My work" not in anonymous
    page = home(client, user)
    assert "<h1>My work</h1>" in page and 'href="/next"' in page
    members_next = client.get("/next").get_data(as_text=True)
    assert "<h1>What's next</h1>" in members_next and "Back to My work" in members_next


def test_anonymous_home_pairs_only_sections_with_content(client, app):
    now = utcnow()
    make_meeting(title="Only next", starts_at=now + timedelta(days=2))
    make_meeting(title="Long ago", starts_at=now - timedelta(days=20), status=MeetingStatus.HELD)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    # Nothing else upcoming: the recent meetings do not sit beside an empty column.
    between = page.split('id="next-heading"')[1].split('id="upcoming-heading"')[0]
    assert 'class="columns"' not in between
    make_meeting(title="Later one", starts_at=now + timedelta(days=9))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    between = page.split('id="next-heading"')[1].split('id="upcoming-heading"')[0]
    assert 'class="columns"' in between


def test_actions_mine_and_my_organisations_by_due_date(client, app):
    user = linked_user()
    person = db.session.get(User, user.id).person
    org = person.organisation
    other = make_organisation(short_name="Other")
    meeting = make_meeting(organisations=[org, other], title="Origin meeting")
    make_action_item(
        meeting=meeting, owner_organisation=org, text="Org later", due_date=TODAY + timedelta(9)
    )
    make_action_item(
        meeting=meeting,
        owner_organisation=org,
        owner_person=person,
        text="Mine soon",
        due_date=TODAY + timedelta(2),
    )
    make_action_item(
        meeting=meeting, owner_organisation=org, text="Org late", due_date=TODAY - timedelta(3)
    )
    make_action_item(meeting=meeting, owner_organisation=other, text="Not ours")
    make_action_item(
        meeting=meeting, owner_organisation=org, text="Closed one", status=ActionStatus.DONE
    )
    db.session.commit()
    actions = section(home(client, user), "actions-heading")
    assert actions.index("Org late") < actions.index("Mine soon") < actions.index("Org later")
    assert "Not ours" not in actions and "Closed one" not in actions
    assert "Overdue" in actions.split("Org late")[1].split("</li>")[0]
    assert "yours" in actions.split("Mine soon")[1].split("</li>")[0]
    assert f'href="/actions/?owner={org.id}"' in actions


def test_deliverables_i_own_or_my_organisation_leads_with_health(client, app):
    user = linked_user()
    person = db.session.get(User, user.id).person
    org = person.organisation
    elsewhere = make_organisation()
    make_deliverable(title="Led late", lead_organisation=org, due_date=TODAY - timedelta(5))
    make_deliverable(
        title="Owned elsewhere",
        lead_organisation=elsewhere,
        owner_person_id=person.id,
        due_date=TODAY + timedelta(20),
        health=DeliverableHealth.AT_RISK,
        health_reason="Short of staff",
    )
    make_deliverable(title="Led fine", lead_organisation=org, due_date=TODAY + timedelta(200))
    make_deliverable(title="Not mine", lead_organisation=elsewhere)
    make_deliverable(
        title="Published one", lead_organisation=org, status=DeliverableStatus.PUBLISHED
    )
    db.session.commit()
    found = section(home(client, user), "deliverables-heading")
    assert found.index("Led late") < found.index("Owned elsewhere") < found.index("Led fine")
    assert "Not mine" not in found and "Published one" not in found
    assert "Overdue" in found.split("Led late")[1].split("</li>")[0]
    assert "At risk" in found.split("Owned elsewhere")[1].split("</li>")[0]
    assert "On track" in found.split("Led fine")[1].split("</li>")[0]
    assert f'href="/deliverables/?owner={person.id}"' in found
    assert f'href="/deliverables/?organisation={org.id}"' in found


def test_meetings_my_organisation_is_invited_to_in_my_time(client, app):
    user = linked_user(timezone="Europe/London")
    org = db.session.get(User, user.id).person.organisation
    year = TODAY.year + 1
    make_meeting(
        organisations=[org],
        title="Ours in January",
        starts_at=datetime(year, 1, 12, 13, 0, tzinfo=UTC),
        timezone="Europe/Sofia",
    )
    make_meeting(organisations=[org], title="Ours sooner", starts_at=utcnow() + timedelta(days=3))
    make_meeting(organisations=[make_organisation()], title="Not invited")
    make_meeting(organisations=[org], title="Ours held", starts_at=utcnow() - timedelta(days=30))
    db.session.commit()
    meetings = section(home(client, user), "meetings-heading")
    assert meetings.index("Ours sooner") < meetings.index("Ours in January")
    assert "Not invited" not in meetings and "Ours held" not in meetings
    january = meetings.split("Ours in January")[1].split("</li>")[0]
    # The meeting's own time, with the user's (London) clock beside it.
    assert f"12 Jan {year}, 15:00 Sofia · 13:00 your time (London)" in january
    assert "badge-invited" in january
    assert f'href="/meetings/?organisation={org.id}"' in meetings
    assert "Set your time zone" not in meetings


def test_unlinked_user_gets_empty_states_that_say_how_to_link(client, app):
    user = make_user(Role.VIEWER)
    make_deliverable(title="Someone's paper")
    db.session.commit()
    page = home(client, user)
    assert "not linked to a person" in page and "An admin links it" in page
    for heading in ("actions-heading", "deliverables-heading", "meetings-heading"):
        assert "once your account is linked to a person" in section(page, heading)
    assert "Someone's paper" not in page
    assert "Set your time zone" in page


def held_meeting(title: str, days_ago: int = 10):
    """A held meeting of days_ago."""
    return make_meeting(
        title=title, starts_at=utcnow() - timedelta(days=days_ago), status=MeetingStatus.HELD
    )


def test_minutes_to_write_and_approve_for_organisers_not_viewers(client, app):
    organiser = linked_user(Role.ORGANISER)
    viewer = make_user(Role.VIEWER)
    held_meeting("Needs minutes", 3)
    written = held_meeting("Written up", 20)
    make_minutes_revision(written, "We met.", author_id=viewer.id)
    older = held_meeting("Older written", 40)
    make_minutes_revision(older, "We met before.")
    approved = held_meeting("All done", 50)
    make_minutes_revision(approved, "Done.")
    db.session.add(MinutesApproval(meeting_id=approved.id, revision_number=1))
    make_meeting(title="Still planned")
    db.session.commit()
    minutes = section(home(client, organiser), "minutes-heading")
    to_write = minutes.split('id="write-heading"')[1].split('id="approve-heading"')[0]
    to_approve = minutes.split('id="approve-heading"')[1]
    assert "Needs minutes" in to_write and "Written up" not in to_write
    assert to_approve.index("Older written") < to_approve.index("Written up")
    assert "All done" not in minutes and "Still planned" not in minutes
    viewer_minutes = section(home(client, viewer), "minutes-heading")
    assert "Needs minutes" not in viewer_minutes and "Written up" not in viewer_minutes
    assert "Organisers write and approve" in viewer_minutes


def test_approval_waiting_respects_two_person_approval(client, app):
    author = linked_user(Role.ORGANISER)
    other = make_user(Role.ORGANISER)
    meeting = held_meeting("My own minutes")
    make_minutes_revision(meeting, "Draft", author_id=other.id)
    make_minutes_revision(meeting, "My final text", author_id=author.id)
    db.session.commit()
    app.config["TRACKER_TWO_PERSON_APPROVAL"] = False
    alone = section(home(client, author), "minutes-heading")
    assert "My own minutes" in alone.split('id="approve-heading"')[1]
    assert "second person" not in alone
    app.config["TRACKER_TWO_PERSON_APPROVAL"] = True
    paired = section(home(client, author), "minutes-heading")
    to_approve = paired.split('id="approve-heading"')[1].split('id="second-heading"')[0]
    assert "My own minutes" not in to_approve
    assert "My own minutes" in paired.split('id="second-heading"')[1]
    theirs = section(home(client, other), "minutes-heading")
    assert "My own minutes" in theirs.split('id="approve-heading"')[1]


def test_changed_since_last_visit(client, app):
    user = linked_user()
    editor = make_user(Role.ORGANISER, name="Eve Editor")
    db.session.commit()
    first = home(client, user)
    assert "Changed in the last week" in first
    stored = db.session.get(User, user.id)
    db.session.refresh(stored)
    assert stored.last_visit_at is not None and stored.previous_visit_at is None
    # The visit was an hour ago: what others changed since then is listed, grouped per record.
    an_hour_ago = utcnow() - timedelta(hours=1)
    stored.last_visit_at = an_hour_ago
    old_topic = make_topic(title="Before the visit")
    db.session.flush()
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "topic")):
        event.at = an_hour_ago - timedelta(minutes=5)
    db.session.info["actor_id"] = editor.id
    meeting = make_meeting(title="Renamed after")
    meeting.title = "Renamed twice"
    db.session.flush()
    deliverable = make_deliverable(title="New paper")
    db.session.info["actor_id"] = user.id
    make_topic(title="My own topic")
    db.session.info["actor_id"] = None
    db.session.commit()
    page = home(client, user)
    changes = section(page, "changes-heading")
    assert "Changed since your last visit" in page
    assert "Renamed twice" in changes and "New paper" in changes
    assert f'href="/meetings/{meeting.id}"' in changes
    assert f'href="/deliverables/{deliverable.id}"' in changes
    assert old_topic.title not in changes and "My own topic" not in changes
    assert "Eve Editor" in changes
    assert "/changes?since=" in changes
    full = client.get(changes.split('href="')[-1].split('"')[0].replace("&amp;", "&"))
    assert full.status_code == 200 and "New paper" in full.get_data(as_text=True)
    # Opening it again within the visit keeps counting from the same instant.
    assert "New paper" in section(home(client, user), "changes-heading")


def test_a_visit_is_recorded_once_per_gap_outside_the_trail_and_the_cache(app):
    user = make_user(Role.VIEWER)
    db.session.commit()
    events = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    counter = db.session.get(ChangeCounter, "data")
    data_before = counter.counter if counter else 0
    now = utcnow()
    assert changes_since(user, now) is None
    assert record_visit(db.session, user, now)
    db.session.commit()
    db.session.refresh(user)
    assert user.last_visit_at == now.replace(microsecond=user.last_visit_at.microsecond)
    assert not record_visit(db.session, user, now + VISIT_GAP / 2)
    assert changes_since(user, now + VISIT_GAP / 2) is None
    later = now + VISIT_GAP * 2
    assert changes_since(user, later) == user.last_visit_at
    assert record_visit(db.session, user, later)
    db.session.commit()
    db.session.refresh(user)
    assert user.previous_visit_at is not None and user.last_visit_at > user.previous_visit_at
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events
    counter = db.session.get(ChangeCounter, "data")
    assert (counter.counter if counter else 0) == data_before


def test_changes_page_needs_login(client, app):
    assert client.get("/changes").status_code == 302


def test_changes_to_deleted_records_are_listed_without_a_link(client, app):
    user = linked_user()
    db.session.commit()
    home(client, user)
    db.session.info["actor_id"] = None  # the request noted the user as the actor of writes
    stored = db.session.get(User, user.id)
    stored.last_visit_at = utcnow() - timedelta(hours=2)
    kept = make_meeting(title="Kept meeting")
    gone = make_meeting(title="Dropped meeting")
    topic = make_topic(title="Gone topic")
    db.session.flush()
    gone.deleted_at = utcnow()
    db.session.delete(topic)
    make_user(Role.VIEWER, name="Account Only", email="account.only@example.org")
    db.session.commit()
    changes = section(home(client, user), "changes-heading")
    # Accounts are not the initiative's records: their changes stay in the admin's trail.
    assert "Account Only" not in changes and "account.only" not in changes
    full = client.get("/changes").get_data(as_text=True)
    assert "Dropped meeting" in full and "Account Only" not in full
    assert f'href="/meetings/{kept.id}"' in changes
    assert "Dropped meeting (deleted)" in changes and f'href="/meetings/{gone.id}"' not in changes
    assert "Gone topic (deleted)" in changes


def test_a_busy_database_costs_the_visit_not_the_page(tmp_path):
    app = build_app(tmp_path, TRACKER_SQLITE_BUSY_TIMEOUT=0.2)
    path = tmp_path / "test.sqlite3"
    with app.app_context():
        user = linked_user()
        db.session.commit()
        client = app.test_client()
        login_as(client, user)
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            response = client.get("/")
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert response.status_code == 200
        assert "<h1>My work</h1>" in response.get_data(as_text=True)
        db.session.remove()
        assert db.session.get(User, user.id).last_visit_at is None
        client.get("/")  # free again: the visit is written
        db.session.remove()
        assert db.session.get(User, user.id).last_visit_at is not None
        db.session.remove()
        db.engine.dispose()
