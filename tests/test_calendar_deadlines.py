"""Deadlines that move: SEQUENCE, cancelled deliverables, milestones and action items in feeds."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.calendar_parsers import by_uid_ical_js, by_uid_icalendar, by_uid_vobject
from tests.conftest import login_as
from tracker.calendar.changes import bump_deadline_sequences
from tracker.calendar.operations import (
    action_uid,
    deadline_uid,
    milestone_uid,
    regenerate_feed_token,
)
from tracker.extensions import db
from tracker.models import (
    ActionStatus,
    DeliverableStatus,
    Meeting,
    Milestone,
    MinutesApproval,
    User,
    utc_today,
)

# A feed's window and ETag carry its day: hold the day still (see conftest.pinned_day).
pytestmark = pytest.mark.usefixtures("pinned_day")


def approve(meeting: Meeting) -> MinutesApproval:
    """Approve meeting's minutes, which publishes its record (actions included)."""
    approval = MinutesApproval(meeting_id=meeting.id, revision_number=0)
    db.session.add(approval)
    db.session.commit()
    return approval


def feed(client: FlaskClient, url: str = "/feeds/deadlines.ics") -> dict[str, icalendar.Event]:
    """uid -> VEVENT of a deadlines feed."""
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_moving_the_due_date_or_status_raises_sequence(client: FlaskClient) -> None:
    today = utc_today()  # one day for the whole test, even across midnight
    deliverable = factories.make_deliverable(due_date=today + timedelta(10))
    uid = deadline_uid(deliverable.id)
    assert feed(client)[uid]["SEQUENCE"] == 0
    deliverable.due_date = today + timedelta(20)
    db.session.commit()
    event = feed(client)[uid]
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == today + timedelta(20)
    deliverable.status = DeliverableStatus.DRAFTING
    db.session.commit()
    assert feed(client)[uid]["SEQUENCE"] == 2
    deliverable.title = "Renamed"  # neither date nor status: SEQUENCE stays
    db.session.commit()
    assert feed(client)[uid]["SEQUENCE"] == 2
    # Assigned right after a commit (old value expired) but unchanged: still no bump.
    deliverable.due_date = today + timedelta(20)
    db.session.commit()
    assert feed(client)[uid]["SEQUENCE"] == 2


def test_a_dropped_deliverable_stays_as_a_cancelled_event(client: FlaskClient) -> None:
    deliverable = factories.make_deliverable(due_date=utc_today() + timedelta(10))
    deliverable.status = DeliverableStatus.DROPPED
    db.session.commit()
    event = feed(client)[deadline_uid(deliverable.id)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Dropped: ")


def test_milestones_and_actions_are_all_day_events_in_both_feeds(client: FlaskClient) -> None:
    lead = factories.make_organisation(name="INSAIT", short_name="INSAIT")
    other = factories.make_organisation(name="AI Sweden", short_name="AIS")
    deliverable = factories.make_deliverable(lead_organisation=lead)
    milestone = factories.save(
        Milestone(deliverable=deliverable, title="First draft", due_date=utc_today() + timedelta(9))
    )
    meeting = factories.make_meeting(organisations=[lead, other])
    ours = factories.make_action_item(meeting=meeting, owner_organisation=lead, text="Send data")
    theirs = factories.make_action_item(meeting=meeting, owner_organisation=other)
    approve(meeting)  # until then its actions are drafts, not in public feeds
    everything = feed(client)
    for uid in (milestone_uid(milestone.id), action_uid(ours.id), action_uid(theirs.id)):
        event = everything[uid]
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
        assert isinstance(event.decoded("DTSTART"), date)
    assert str(everything[milestone_uid(milestone.id)]["SUMMARY"]) == "Milestone: First draft"
    assert "INSAIT" in str(everything[milestone_uid(milestone.id)]["DESCRIPTION"])
    assert str(everything[action_uid(ours.id)]["SUMMARY"]) == "Action: Send data"
    assert "Owner: INSAIT" in str(everything[action_uid(ours.id)]["DESCRIPTION"])
    mine = feed(client, f"/feeds/organisations/{lead.id}/deadlines.ics")
    assert set(mine) == {
        deadline_uid(deliverable.id),
        milestone_uid(milestone.id),
        action_uid(ours.id),
    }
    body = client.get(f"/feeds/organisations/{lead.id}/deadlines.ics").data
    assert by_uid_icalendar(body) == by_uid_vobject(body) == by_uid_ical_js(body)


def test_milestone_and_action_sequences_rise_and_dropped_actions_are_cancelled(
    client: FlaskClient,
) -> None:
    deliverable = factories.make_deliverable()
    milestone = factories.save(
        Milestone(deliverable=deliverable, title="Draft", due_date=utc_today() + timedelta(9))
    )
    action = factories.make_action_item()
    approve(action.meeting)
    milestone.due_date = utc_today() + timedelta(12)
    action.due_date = utc_today() + timedelta(15)
    db.session.commit()
    milestone.done = True
    action.status = ActionStatus.DROPPED
    db.session.commit()
    events = feed(client)
    assert events[milestone_uid(milestone.id)]["SEQUENCE"] == 2
    assert str(events[milestone_uid(milestone.id)]["SUMMARY"]) == "Done: Draft"
    assert events[action_uid(action.id)]["SEQUENCE"] == 2
    assert str(events[action_uid(action.id)]["STATUS"]) == "CANCELLED"


def test_the_sequence_function_runs_on_its_own(client: FlaskClient) -> None:
    deliverable = factories.make_deliverable()
    deliverable.due_date = utc_today() + timedelta(99)
    bump_deadline_sequences(db.session)  # what the integrator wires into the ordered hooks
    assert deliverable.deadline_sequence == 1
    db.session.rollback()


def test_a_milestone_change_ends_a_304(client: FlaskClient) -> None:
    deliverable = factories.make_deliverable()
    milestone = factories.save(
        Milestone(deliverable=deliverable, title="Draft", due_date=utc_today() + timedelta(9))
    )
    etag = client.get("/feeds/deadlines.ics").headers["ETag"]
    assert client.get("/feeds/deadlines.ics", headers={"If-None-Match": etag}).status_code == 304
    milestone.due_date = utc_today() + timedelta(10)
    db.session.commit()
    assert client.get("/feeds/deadlines.ics", headers={"If-None-Match": etag}).status_code == 200


def test_actions_of_unapproved_meetings_only_in_logged_in_and_token_feeds(
    client: FlaskClient, viewer: User, app: Flask
) -> None:
    lead = factories.make_organisation(name="INSAIT", short_name="INSAIT")
    draft_meeting = factories.make_meeting(organisations=[lead])
    draft = factories.make_action_item(meeting=draft_meeting, owner_organisation=lead)
    approved_meeting = factories.make_meeting(organisations=[lead])
    approve(approved_meeting)
    published = factories.make_action_item(meeting=approved_meeting, owner_organisation=lead)
    public = ["/feeds/deadlines.ics", f"/feeds/organisations/{lead.id}/deadlines.ics"]
    for url in public:
        uids = set(feed(client, url))
        assert action_uid(published.id) in uids and action_uid(draft.id) not in uids
    with app.test_request_context():
        token = regenerate_feed_token(db.session, viewer, app.config["SECRET_KEY"])
    db.session.commit()
    private = [
        f"/feeds/private/{token}/deadlines.ics",
        f"/feeds/private/{token}/organisations/{lead.id}/deadlines.ics",
    ]
    for url in private:
        assert {action_uid(published.id), action_uid(draft.id)} <= set(feed(client, url))
    login_as(client, viewer)
    for url in public:
        assert action_uid(draft.id) in set(feed(client, url))
    client.post("/logout")
    approval = approve(draft_meeting)
    assert action_uid(draft.id) in set(feed(client))
    db.session.delete(approval)
    db.session.commit()
    assert action_uid(draft.id) not in set(feed(client))


def test_json_api_and_csv_carry_no_draft_record(client: FlaskClient) -> None:
    topic = factories.make_topic(title="Budget")
    meeting = factories.make_meeting(topics=[topic])
    meeting.agenda_items[0].notes = "Secret draft note"
    meeting.minutes = "Secret draft minutes"
    db.session.commit()
    factories.make_outcome(agenda_item=meeting.agenda_items[0], text="Secret draft decision")
    for url in (f"/api/meetings/{meeting.id}", "/api/meetings", "/meetings/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Secret draft" not in response.data, url
