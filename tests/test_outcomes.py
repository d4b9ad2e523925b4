"""Logging outcomes: outcomes, actions, carry-forward, timeline, attendance, lifecycle, report."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.conftest import login_as
from tests.factories import (
    make_action_item,
    make_deliverable,
    make_meeting,
    make_minutes_revision,
    make_organisation,
    make_outcome,
    make_person,
    make_series,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    MeetingStatus,
    MinutesApproval,
    Outcome,
    OutcomeKind,
    PersonAttendance,
    Role,
    utc_today,
    utcnow,
)
from tracker.operations import Refused
from tracker.outcomes.operations import carry_agenda_item
from tracker.outcomes.queries import (
    meeting_outcomes,
    next_meeting,
    organisation_attendance,
    series_matrix,
    topic_timeline,
)
from tracker.outcomes.report import report_markdown


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


@pytest.fixture
def setting(app):
    """A series with two meetings, two organisations (one with two people) and one topic."""
    series = make_series(name="Borderless AI")
    austria = make_organisation(name="AI Austria", short_name="AIAT", country="AT")
    serbia = make_organisation(name="AI Serbia", short_name="AIRS", country="RS")
    outsider = make_organisation(name="Outsider Org", short_name="OUT")
    anna = make_person(name="Anna Huber", organisation=austria)
    make_person(name="Max Gruber", organisation=austria)
    milan = make_person(name="Milan Petrovic", organisation=serbia)
    topic = make_topic(title="Analytical report on the AI ecosystem")
    first = make_meeting(
        series=series, number=1, title="Kick-off", organisations=[austria, serbia], topics=[topic]
    )
    second = make_meeting(
        series=series,
        number=2,
        title="Second meeting",
        organisations=[austria, serbia],
        starts_at=first.starts_at + timedelta(days=30),
    )
    return {
        "series": series,
        "austria": austria,
        "serbia": serbia,
        "outsider": outsider,
        "anna": anna,
        "milan": milan,
        "topic": topic,
        "first": first,
        "second": second,
        "item": first.agenda_items[0],
    }


# ------------------------------------------------------------------ agenda outcomes (point 2)


def test_logging_page_shows_agenda_topics(client, organiser_client, setting):
    page = text(organiser_client.get(f"/meetings/{setting['first'].id}/outcomes"))
    assert "Analytical report on the AI ecosystem" in page
    assert "Nothing logged on this topic yet" in page


def test_record_decision_and_information(organiser_client, setting):
    item = setting["item"]
    url = f"/meetings/{setting['first'].id}/outcomes/new"
    for kind, words in (("decision", "Write the report by March"), ("information", "AT shared")):
        response = organiser_client.post(
            url, data={"agenda_item": item.id, "kind": kind, "text": words}
        )
        assert response.status_code == 302
    kinds = {o.kind: o.text for o in db.session.scalars(db.select(Outcome))}
    assert kinds == {
        OutcomeKind.DECISION: "Write the report by March",
        OutcomeKind.INFORMATION: "AT shared",
    }
    page = text(organiser_client.get(f"/meetings/{setting['first'].id}/outcomes"))
    assert "Write the report by March" in page and "Decision" in page


def test_record_action_with_owner_person_and_deliverable(organiser_client, organiser, setting):
    deliverable = make_deliverable(title="Ecosystem report")
    due = utc_today() + timedelta(days=10)
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/outcomes/new",
        data={
            "agenda_item": setting["item"].id,
            "kind": "action",
            "text": "Draft chapter 1",
            "owner_organisation": setting["austria"].id,
            "owner_person": setting["anna"].id,
            "due_date": due.isoformat(),
            "deliverable": deliverable.id,
        },
    )
    assert response.status_code == 302
    action = db.session.scalars(db.select(ActionItem)).one()
    assert (action.owner_organisation, action.owner_person, action.due_date) == (
        setting["austria"],
        setting["anna"],
        due,
    )
    assert action.deliverable == deliverable and action.status == ActionStatus.OPEN
    assert action.agenda_item_id == setting["item"].id and action.created_by_id == organiser.id
    assert db.session.scalars(db.select(Outcome)).all() == []


def test_notes_are_saved_and_rendered_as_markdown(organiser_client, setting):
    item = setting["item"]
    url = f"/meetings/{setting['first'].id}/agenda/{item.id}/notes"
    assert organiser_client.get(url).status_code == 200
    response = organiser_client.post(
        url, data={"notes": "We **agreed** <script>x()</script>", "version": str(item.version)}
    )
    assert response.status_code == 302
    assert db.session.get(AgendaItem, item.id).notes.startswith("We **agreed**")
    page = text(organiser_client.get(f"/meetings/{setting['first'].id}/outcomes"))
    assert "<strong>agreed</strong>" in page and "<script>x()" not in page


def test_notes_too_long_is_an_error(organiser_client, setting):
    item = setting["item"]
    url = f"/meetings/{setting['first'].id}/agenda/{item.id}/notes"
    response = organiser_client.post(url, data={"notes": "x" * 20001})
    assert response.status_code == 200 and "Keep the notes under" in text(response)


def test_notes_of_another_meetings_item_is_404(organiser_client, setting):
    url = f"/meetings/{setting['second'].id}/agenda/{setting['item'].id}/notes"
    assert organiser_client.get(url).status_code == 404


# ------------------------------------------------------------------ bad input (point 8)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": ""}, "Write what was said, decided or agreed."),
        ({"text": "x" * 1001}, "Keep it under 1000 characters."),
        ({"due_date": "next friday"}, "Enter the due date as a date"),
        ({"due_date": "2026-02-30"}, "Enter the due date as a date"),
        ({"due_date": ""}, "Give the action a due date."),
        ({"owner_organisation": ""}, "Choose the organisation that owns this action."),
        ({"owner_organisation": "OUTSIDER"}, "does not take part in this meeting"),
        ({"owner_person": "MILAN"}, "Choose a person of the owner organisation"),
        ({"kind": "rumour"}, "Not a valid choice"),
        ({"deliverable": "99999"}, "Choose an existing deliverable"),
    ],
)
@pytest.mark.sqlite_only
def test_bad_action_input_is_explained_and_kept(organiser_client, setting, change, message):
    data = {
        "agenda_item": str(setting["item"].id),
        "kind": "action",
        "text": "Keep this text <typed>",
        "owner_organisation": str(setting["austria"].id),
        "owner_person": "",
        "due_date": "2030-01-15",
        "deliverable": "",
    }
    change = {
        key: {"OUTSIDER": str(setting["outsider"].id), "MILAN": str(setting["milan"].id)}.get(
            value, value
        )
        for key, value in change.items()
    }
    data.update(change)
    response = organiser_client.post(f"/meetings/{setting['first'].id}/outcomes/new", data=data)
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert 'class="error"' in page
    if data["text"] and len(data["text"]) < 50:
        assert "Keep this text &lt;typed&gt;" in page
    if change.get("due_date"):
        assert f'value="{change["due_date"]}"' in page
    assert db.session.scalars(db.select(ActionItem)).all() == []


def test_decision_needs_an_agenda_topic(organiser_client, setting):
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/outcomes/new",
        data={"agenda_item": "", "kind": "decision", "text": "Floating decision"},
    )
    assert response.status_code == 200
    assert "Choose the agenda topic this outcome belongs to." in text(response)
    assert db.session.scalars(db.select(Outcome)).all() == []


def test_action_operation_refuses_owner_outside_meeting(app, setting):
    from tracker.outcomes.operations import add_action

    with pytest.raises(Refused, match="does not take part"):
        add_action(
            db.session,
            setting["first"],
            {
                "text": "x",
                "owner_organisation_id": setting["outsider"].id,
                "due_date": utc_today(),
            },
            None,
        )


def test_unknown_meeting_is_404(client, organiser_client):
    for url in ("/meetings/999/outcomes", "/meetings/999/minutes", "/meetings/999/report"):
        assert client.get(url).status_code == 404
    assert organiser_client.post("/meetings/999/outcomes/new", data={}).status_code == 404


def test_deleted_meeting_is_404(client, setting):
    setting["first"].deleted_at = utcnow()
    db.session.commit()
    assert client.get(f"/meetings/{setting['first'].id}/outcomes").status_code == 404


# ------------------------------------------------------------------ action items list (point 3)


def test_actions_list_filters_by_owner_series_and_overdue(organiser_client, setting):
    client = organiser_client  # issue 14: draft actions are shown to logged-in members only
    other = make_meeting(organisations=[setting["serbia"]], title="Elsewhere")
    make_action_item(
        meeting=setting["first"], owner_organisation=setting["austria"], text="Austrian job"
    )
    make_action_item(
        meeting=setting["first"],
        owner_organisation=setting["serbia"],
        text="Late Serbian job",
        due_date=utc_today() - timedelta(days=3),
    )
    make_action_item(meeting=other, owner_organisation=setting["serbia"], text="Other series job")
    make_action_item(
        meeting=setting["first"],
        owner_organisation=setting["austria"],
        text="Finished job",
        status=ActionStatus.DONE,
    )
    page = text(client.get("/actions/"))
    assert "Austrian job" in page and "Late Serbian job" in page and "Other series job" in page
    assert "Finished job" not in page
    page = text(client.get(f"/actions/?owner={setting['austria'].id}"))
    assert "Austrian job" in page and "Late Serbian job" not in page
    page = text(client.get(f"/actions/?series={setting['series'].id}"))
    assert "Other series job" not in page and "Late Serbian job" in page
    page = text(client.get("/actions/?overdue=1"))
    assert "Late Serbian job" in page and "Austrian job" not in page and "Overdue" in page


def test_actions_list_paginates(organiser_client, app, setting):
    client = organiser_client  # issue 14: draft actions are shown to logged-in members only
    app.config["TRACKER_PAGE_SIZE"] = 2
    for n in range(5):
        make_action_item(
            meeting=setting["first"],
            text=f"Job {n}",
            due_date=utc_today() + timedelta(days=n),
        )
    first = text(client.get("/actions/"))
    assert "Job 0" in first and "Job 2" not in first and "Page 1 of 3" in first
    assert "Job 4" in text(client.get("/actions/?page=3"))


def test_close_action_done_and_dropped(organiser_client, organiser, setting):
    done = make_action_item(meeting=setting["first"], text="Do it")
    dropped = make_action_item(meeting=setting["first"], text="Forget it")
    back = f"/meetings/{setting['second'].id}/outcomes"
    response = organiser_client.post(
        f"/actions/{done.id}/close", data={"status": "done", "next": back}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    organiser_client.post(f"/actions/{dropped.id}/close", data={"status": "dropped"})
    db.session.expire_all()
    assert done.status == ActionStatus.DONE and done.closed_by_id == organiser.id
    assert done.closed_at is not None
    assert dropped.status == ActionStatus.DROPPED


@pytest.mark.sqlite_only
def test_close_never_redirects_off_site(organiser_client, setting):
    action = make_action_item(meeting=setting["first"])
    response = organiser_client.post(
        f"/actions/{action.id}/close", data={"status": "done", "next": "//evil.example/"}
    )
    assert response.headers["Location"].endswith("/actions/")


def test_closing_twice_or_with_bad_status_changes_nothing(organiser_client, setting):
    action = make_action_item(meeting=setting["first"], status=ActionStatus.DONE)
    organiser_client.post(f"/actions/{action.id}/close", data={"status": "dropped"})
    response = organiser_client.post(f"/actions/{action.id}/close", data={"status": "open"})
    assert response.status_code == 302
    db.session.expire_all()
    assert action.status == ActionStatus.DONE


def test_overdue_property(app, setting):
    late = make_action_item(meeting=setting["first"], due_date=utc_today() - timedelta(days=1))
    assert late.is_overdue
    late.status = ActionStatus.DONE
    assert not late.is_overdue


# ------------------------------------------------------------------ carry-forward (point 4)


def test_next_meeting_shows_open_actions_from_earlier_meetings(organiser_client, setting):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    third = make_meeting(
        series=setting["series"], number=3, organisations=[setting["austria"]], title="Third"
    )
    make_action_item(meeting=setting["first"], text="Open from the first")
    make_action_item(meeting=setting["first"], text="Done already", status=ActionStatus.DONE)
    make_action_item(meeting=third, text="From a later meeting")
    make_action_item(meeting=make_meeting(organisations=[setting["austria"]]), text="Elsewhere")
    page = text(client.get(f"/meetings/{setting['second'].id}/outcomes"))
    carried = page.split("Open actions from earlier meetings")[1].split("Attendance")[0]
    assert "Open from the first" in carried and "meeting 1: Kick-off" in carried
    for absent in ("Done already", "From a later meeting", "Elsewhere"):
        assert absent not in carried


def test_carried_actions_are_ordered_by_meeting_number(app, setting):
    third = make_meeting(
        series=setting["series"], number=3, organisations=[setting["austria"]], title="Third"
    )
    fourth = make_meeting(series=setting["series"], number=4, title="Fourth")
    make_action_item(meeting=third, text="B", due_date=utc_today())
    make_action_item(meeting=setting["first"], text="A", due_date=utc_today() + timedelta(9))
    assert [a.text for a in meeting_outcomes(db.session, fourth).carried] == ["A", "B"]


def test_actions_from_deleted_meetings_are_not_carried(app, setting):
    make_action_item(meeting=setting["first"], text="Ghost")
    setting["first"].deleted_at = utcnow()
    db.session.commit()
    assert meeting_outcomes(db.session, setting["second"]).carried == []


def test_close_button_on_carried_action(organiser_client, setting):
    action = make_action_item(meeting=setting["first"], text="Send the survey")
    page = text(organiser_client.get(f"/meetings/{setting['second'].id}/outcomes"))
    assert f'action="/actions/{action.id}/close"' in page and 'name="csrf_token"' in page
    organiser_client.post(
        f"/actions/{action.id}/close",
        data={"status": "done", "next": f"/meetings/{setting['second'].id}/outcomes"},
    )
    page = text(organiser_client.get(f"/meetings/{setting['second'].id}/outcomes"))
    carried = page.split("Open actions from earlier meetings")[1].split("Attendance")[0]
    assert "Send the survey" not in carried and "No open actions" in carried


def test_copy_topic_to_next_meeting_with_open_actions(organiser_client, setting):
    item = setting["item"]
    open_action = make_action_item(meeting=setting["first"], agenda_item=item, text="Open")
    closed = make_action_item(
        meeting=setting["first"], agenda_item=item, text="Closed", status=ActionStatus.DONE
    )
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/agenda/{item.id}/carry", data={"mode": "copy"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.meeting_id == setting["second"].id)
    ).one()
    assert target.topic_id == setting["topic"].id
    assert db.session.get(AgendaItem, item.id) is not None
    assert open_action.agenda_item_id == target.id and closed.agenda_item_id == item.id
    assert open_action.meeting_id == setting["first"].id
    page = text(organiser_client.get(f"/meetings/{setting['second'].id}/outcomes"))
    assert "Analytical report on the AI ecosystem" in page


def test_move_topic_removes_it_from_this_meeting(organiser_client, setting):
    item = setting["item"]
    action = make_action_item(meeting=setting["first"], agenda_item=item, text="Open")
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/agenda/{item.id}/carry", data={"mode": "move"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id) is None
    assert action.agenda_item.meeting_id == setting["second"].id


def test_move_is_refused_when_the_topic_has_outcomes(organiser_client, setting):
    item = setting["item"]
    make_outcome(agenda_item=item, text="Decided")
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/agenda/{item.id}/carry", data={"mode": "move"}
    )
    # Issue 14: a refusal is a message on the page the organiser came from, not a 409 page.
    assert response.status_code == 303
    page = text(organiser_client.get(response.headers["Location"]))
    assert "Copy it to the next meeting instead" in page
    assert db.session.get(AgendaItem, item.id) is not None


def test_carry_without_next_meeting_is_explained(organiser_client, setting):
    setting["second"].deleted_at = utcnow()
    db.session.commit()
    item = setting["item"]
    response = organiser_client.post(
        f"/meetings/{setting['first'].id}/agenda/{item.id}/carry", data={"mode": "copy"}
    )
    assert response.status_code == 303
    page = text(organiser_client.get(response.headers["Location"]))
    assert "There is no later meeting in Borderless AI" in page


def test_next_meeting_skips_deleted_and_other_series(app, setting):
    make_meeting(number=2)
    third = make_meeting(series=setting["series"], number=5, title="Fifth")
    setting["second"].deleted_at = utcnow()
    db.session.commit()
    assert next_meeting(db.session, setting["first"]) == third


def test_carry_reuses_the_next_agenda_item_for_the_same_topic(app, setting):
    existing = AgendaItem(meeting=setting["second"], topic=setting["topic"], position=0)
    db.session.add(existing)
    db.session.commit()
    meeting, target = carry_agenda_item(db.session, setting["item"], move=False)
    assert meeting == setting["second"] and target.id == existing.id


def test_carry_needs_a_mode(organiser_client, setting):
    item = setting["item"]
    url = f"/meetings/{setting['first'].id}/agenda/{item.id}/carry"
    assert organiser_client.post(url, data={"mode": "teleport"}).status_code == 400


# ------------------------------------------------------------------ topic timeline (point 5)


def test_topic_timeline_in_date_order_with_outcomes_and_deliverables(organiser_client, setting):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    topic = setting["topic"]
    later = AgendaItem(meeting=setting["second"], topic=topic, notes="Second look", position=0)
    db.session.add(later)
    setting["item"].notes = "First look"
    db.session.commit()
    make_outcome(agenda_item=setting["item"], text="Start the report")
    make_action_item(meeting=setting["second"], agenda_item=later, text="Collect data")
    deliverable = make_deliverable(title="AI ecosystem report")
    deliverable.topics.append(topic)
    gone = make_meeting(topics=[], title="Deleted meeting")
    db.session.add(AgendaItem(meeting=gone, topic=topic))
    gone.deleted_at = utcnow()
    db.session.commit()
    timeline = topic_timeline(db.session, topic)
    assert [e.meeting.title for e in timeline.entries] == ["Kick-off", "Second meeting"]
    assert [o.text for o in timeline.entries[0].decisions] == ["Start the report"]
    assert [a.text for a in timeline.entries[1].actions] == ["Collect data"]
    assert timeline.deliverables == [deliverable]
    page = text(client.get(f"/topics/{topic.id}/timeline"))
    positions = [page.index(t) for t in ("First look", "Start the report", "Second look")]
    assert positions == sorted(positions)
    assert "Collect data" in page and "AI ecosystem report" in page
    assert "Deleted meeting" not in page


def test_unknown_topic_timeline_is_404(client):
    assert client.get("/topics/999/timeline").status_code == 404


# ------------------------------------------------------------------ attendance (point 6)


def test_mark_attendance_of_organisations_and_people(organiser_client, setting):
    meeting = setting["first"]
    url = f"/meetings/{meeting.id}/attendance"
    page = text(organiser_client.get(url))
    assert "Anna Huber" in page and "Milan Petrovic" in page
    response = organiser_client.post(
        url,
        data={
            f"org_{setting['austria'].id}": "attended",
            f"org_{setting['serbia'].id}": "apologised",
            "people": [str(setting["anna"].id)],
            "version": str(meeting.version),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    states = {p.organisation.short_name: p.attendance for p in meeting.participations}
    assert states == {"AIAT": Attendance.ATTENDED, "AIRS": Attendance.APOLOGISED}
    present = db.session.scalars(db.select(PersonAttendance.person_id)).all()
    assert present == [setting["anna"].id]
    page = text(organiser_client.get(f"/meetings/{meeting.id}/outcomes"))
    assert "1 of 2 organisations attended" in page and "Anna Huber" in page
    db.session.refresh(meeting)
    organiser_client.post(
        url,
        data={
            f"org_{setting['austria'].id}": "attended",
            f"org_{setting['serbia'].id}": "attended",
            "people": [str(setting["milan"].id)],
            "version": str(meeting.version),
        },
    )
    present = db.session.scalars(db.select(PersonAttendance.person_id)).all()
    assert present == [setting["milan"].id]


def test_attendance_refuses_strangers_and_bad_states(organiser_client, setting):
    stranger = make_person(name="Stranger", organisation=setting["outsider"])
    url = f"/meetings/{setting['first'].id}/attendance"
    response = organiser_client.post(
        url,
        data={
            f"org_{setting['austria'].id}": "attended",
            f"org_{setting['serbia'].id}": "teleported",
            "people": [str(stranger.id)],
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Not a valid choice" in page
    assert db.session.scalars(db.select(PersonAttendance)).all() == []


def held(meeting, state_by_org):
    """Mark meeting held with the given attendance per organisation."""
    meeting.status = MeetingStatus.HELD
    for participation in meeting.participations:
        participation.attendance = state_by_org.get(participation.organisation, Attendance.INVITED)
    db.session.commit()


def test_organisation_attendance_record(client, setting):
    austria, serbia = setting["austria"], setting["serbia"]
    held(setting["first"], {austria: Attendance.ATTENDED, serbia: Attendance.ATTENDED})
    held(setting["second"], {austria: Attendance.APOLOGISED, serbia: Attendance.ATTENDED})
    make_meeting(series=setting["series"], number=3, organisations=[austria])  # not held
    record = organisation_attendance(db.session, austria)
    assert [(r.series_name, r.attended, r.held) for r in record] == [("Borderless AI", 1, 2)]
    page = text(client.get(f"/organisations/{austria.id}/attendance"))
    assert "attended 1 of 2" in page
    assert "attended 2 of 2" in text(client.get(f"/organisations/{serbia.id}/attendance"))


def test_series_participation_matrix(client, setting):
    austria, serbia = setting["austria"], setting["serbia"]
    held(setting["first"], {austria: Attendance.ATTENDED, serbia: Attendance.APOLOGISED})
    third = make_meeting(series=setting["series"], number=3, organisations=[austria])
    matrix = series_matrix(db.session, setting["series"])
    assert [m.number for m in matrix.meetings] == [1, 2, 3]
    cells = {row.organisation.short_name: row.cells for row in matrix.rows}
    assert cells["AIRS"] == [Attendance.APOLOGISED, Attendance.INVITED, None]
    assert cells["AIAT"][0] == Attendance.ATTENDED
    page = text(client.get(f"/series/{setting['series'].id}/participation"))
    assert "<caption>" in page and '<th scope="row">' in page and '<th scope="col">' in page
    assert "Apologised" in page and "Not invited" in page and "Attended" in page
    assert {row.organisation.short_name: row.text for row in matrix.rows} == {
        "AIAT": "attended 1 of 1",
        "AIRS": "attended 0 of 1",
    }
    assert "<td>attended 1 of 1</td>" in page
    assert f"/meetings/{third.id}/outcomes" in page


# ------------------------------------------------------------------ lifecycle (point 7)


def step(client, meeting, name):
    """POST one lifecycle step."""
    return client.post(f"/meetings/{meeting.id}/lifecycle", data={"step": name})


def test_lifecycle_planned_confirmed_held_approved(organiser_client, organiser, setting):
    meeting = setting["first"]
    meeting.starts_at = utcnow() - timedelta(hours=2)
    meeting.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert step(organiser_client, meeting, "confirm").status_code == 302
    assert meeting.status == MeetingStatus.CONFIRMED
    assert step(organiser_client, meeting, "hold").status_code == 302
    assert meeting.status == MeetingStatus.HELD
    response = step(organiser_client, meeting, "approve")
    assert response.status_code == 303
    page = text(organiser_client.get(response.headers["Location"]))
    assert "Write the minutes before approving" in page
    make_minutes_revision(meeting, "# Minutes")
    assert step(organiser_client, meeting, "approve").status_code == 302
    approval = db.session.get(MinutesApproval, meeting.id)
    assert approval.approved_by_id == organiser.id and approval.revision_number == 1
    page = text(organiser_client.get(f"/meetings/{meeting.id}/outcomes"))
    assert "Minutes approved" in page


def test_lifecycle_refuses_skipping_steps(organiser_client, setting):
    meeting = setting["first"]
    response = step(organiser_client, meeting, "approve")
    assert response.status_code == 303
    page = text(organiser_client.get(response.headers["Location"]))
    assert "Minutes can be approved only once the meeting is held" in page
    assert meeting.status == MeetingStatus.PLANNED
    response = step(organiser_client, meeting, "hold")
    assert response.status_code == 303
    assert "has not started yet" in text(organiser_client.get(response.headers["Location"]))
    assert meeting.status == MeetingStatus.PLANNED
    assert step(organiser_client, meeting, "explode").status_code == 400


def approve(meeting, text_="Original minutes"):
    """Make meeting held with approved minutes."""
    make_minutes_revision(meeting, text_)
    meeting.status = MeetingStatus.HELD
    db.session.add(MinutesApproval(meeting_id=meeting.id, revision_number=1))
    db.session.commit()


def test_approved_minutes_are_locked_for_organisers(organiser_client, setting):
    meeting = setting["first"]
    approve(meeting)
    page = text(organiser_client.get(f"/meetings/{meeting.id}/minutes"))
    assert "approved and locked" in page and "<textarea" not in page
    response = organiser_client.post(
        f"/meetings/{meeting.id}/minutes", data={"text": "Sneaky change", "base_revision": "1"}
    )
    assert response.status_code == 303
    assert "is locked" in text(organiser_client.get(response.headers["Location"]))
    db.session.expire_all()
    assert meeting.minutes == "Original minutes"


def test_admin_reopens_approved_minutes_with_a_reason(admin_client, admin, setting):
    """Issue 14: approved minutes are locked for admins too; they reopen them with a reason."""
    from tracker.models import AuditEvent, MinutesRevision

    meeting = setting["first"]
    approve(meeting)
    response = admin_client.post(
        f"/meetings/{meeting.id}/minutes", data={"text": "Corrected minutes", "base_revision": "1"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert meeting.minutes == "Original minutes"
    response = admin_client.post(f"/meetings/{meeting.id}/reopen", data={"reason": ""})
    assert response.status_code == 200 and "Say why" in text(response)
    response = admin_client.post(
        f"/meetings/{meeting.id}/reopen", data={"reason": "Decision on topic 1 was wrong"}
    )
    assert response.status_code == 302
    assert db.session.get(MinutesApproval, meeting.id) is None
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "reopen")).one()
    assert event.user_id == admin.id and event.entity_id == meeting.id
    assert "Decision on topic 1 was wrong" in event.summary
    response = admin_client.post(
        f"/meetings/{meeting.id}/minutes", data={"text": "Corrected minutes", "base_revision": "1"}
    )
    assert response.status_code == 302
    revision = db.session.scalars(
        db.select(MinutesRevision).where(MinutesRevision.number == 2)
    ).one()
    assert revision.author_id == admin.id


# ------------------------------------------------------------------ report (point 7)


@pytest.fixture
def logged(setting):
    """The first meeting with attendance, a decision, an action and minutes."""
    meeting, austria = setting["first"], setting["austria"]
    held(meeting, {austria: Attendance.ATTENDED, setting["serbia"]: Attendance.APOLOGISED})
    db.session.add(PersonAttendance(meeting_id=meeting.id, person_id=setting["anna"].id))
    db.session.commit()
    make_outcome(agenda_item=setting["item"], text="Publish in spring")
    make_action_item(
        meeting=meeting, owner_organisation=austria, owner_person=setting["anna"], text="Draft it"
    )
    make_minutes_revision(meeting, "## Summary\n\nA *good* meeting.")
    return setting


def test_printable_report(organiser_client, logged):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    meeting = logged["first"]
    page = text(client.get(f"/meetings/{meeting.id}/report"))
    for words in ("AI Austria: Anna Huber", "Publish in spring", "Draft it", "AIAT (Anna Huber)"):
        assert words in page
    assert "<em>good</em>" in page and "AIRS (apologised)" in page
    link = re.search(r'href="(/static/css/report-print\.css\?v=\w+)" media="print"', page)
    assert link, "the report links its print stylesheet"
    css = client.get(link.group(1))
    assert "@page" in text(css) and ".site-header" in text(css)
    css.close()


def test_markdown_export(organiser_client, logged):
    client = organiser_client  # issue 14: drafts are shown to logged-in members only
    meeting = logged["first"]
    response = client.get(f"/meetings/{meeting.id}/report.md")
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = text(response)
    assert body.startswith("# Kick-off")
    assert "- AI Austria: Anna Huber" in body
    assert "- **Analytical report on the AI ecosystem:** Publish in spring" in body
    assert "Draft it — AIAT (Anna Huber)" in body and "A *good* meeting." in body
    assert report_markdown(meeting_outcomes(db.session, meeting)) == body


# ------------------------------------------------------------------ access (point 8)

POSTS = [
    ("/meetings/{m}/outcomes/new", {"kind": "decision", "text": "x"}),
    ("/meetings/{m}/agenda/{i}/notes", {"notes": "x"}),
    ("/meetings/{m}/agenda/{i}/carry", {"mode": "copy"}),
    ("/meetings/{m}/attendance", {}),
    ("/meetings/{m}/lifecycle", {"step": "confirm"}),
    ("/meetings/{m}/minutes", {"text": "x", "base_revision": "0"}),
    ("/actions/{a}/close", {"status": "done"}),
]


def fill(url, setting, action):
    """Put the ids into a route pattern."""
    return url.format(m=setting["first"].id, i=setting["item"].id, a=action.id)


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
@pytest.mark.parametrize(("url", "data"), POSTS)
def test_changes_need_an_editor(client, setting, url, data, who):
    action = make_action_item(meeting=setting["first"])
    target = fill(url, setting, action)
    if who == "viewer":
        login_as(client, make_user(Role.VIEWER))
        assert client.post(target, data=data).status_code == 403
    else:
        response = client.post(target, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert setting["first"].status == MeetingStatus.PLANNED and action.is_open
    assert db.session.scalars(db.select(Outcome)).all() == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("url", "data"), POSTS)
def test_changes_need_csrf(organiser_client, setting, url, data):
    action = make_action_item(meeting=setting["first"])
    response = organiser_client.post(fill(url, setting, action), data=data, csrf=False)
    assert response.status_code == 400


def test_close_is_post_only(organiser_client, setting):
    action = make_action_item(meeting=setting["first"])
    assert organiser_client.get(f"/actions/{action.id}/close").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/actions/",
        "/meetings/{m}/outcomes",
        "/meetings/{m}/minutes",
        "/meetings/{m}/minutes/revisions",
        "/meetings/{m}/report",
        "/meetings/{m}/report.md",
        "/topics/{t}/timeline",
        "/organisations/{o}/attendance",
        "/series/{s}/participation",
    ],
)
def test_reading_follows_the_private_setting(app, client, setting, url):
    target = url.format(
        m=setting["first"].id,
        t=setting["topic"].id,
        o=setting["austria"].id,
        s=setting["series"].id,
    )
    assert client.get(target).status_code == 200
    app.config["TRACKER_PUBLIC_READ"] = False
    response = client.get(target)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.sqlite_only
def test_logged_in_viewers_read_in_private_mode(app, client, setting):
    app.config["TRACKER_PUBLIC_READ"] = False
    login_as(client, make_user(Role.VIEWER))
    for url in ("/actions/", f"/meetings/{setting['first'].id}/outcomes"):
        assert client.get(url).status_code == 200


@pytest.mark.sqlite_only
def test_viewer_sees_no_editing_controls(client, setting):
    make_action_item(meeting=setting["first"])
    login_as(client, make_user(Role.VIEWER))
    page = text(client.get(f"/meetings/{setting['second'].id}/outcomes"))
    assert "/close" not in page and "Log an outcome" not in page


# ------------------------------------------------------------------ fixed query counts


@contextmanager
def counted():
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def populate(setting, n):
    """n extra topics, outcomes, actions and people on the first meeting."""
    meeting = setting["first"]
    for k in range(n):
        topic = make_topic()
        item = AgendaItem(meeting=meeting, topic=topic, position=k + 1, notes="n")
        db.session.add(item)
        db.session.commit()
        make_outcome(agenda_item=item)
        make_action_item(meeting=meeting, agenda_item=item)
        make_person(organisation=setting["serbia"])
        deliverable = make_deliverable()
        deliverable.topics.append(topic)
        db.session.commit()


@pytest.mark.parametrize(
    "load",
    [
        lambda s: meeting_outcomes(db.session, s["second"]),
        lambda s: meeting_outcomes(db.session, s["first"]),
        lambda s: series_matrix(db.session, s["series"]),
        lambda s: organisation_attendance(db.session, s["serbia"]),
    ],
)
def test_loaders_use_a_fixed_number_of_queries(app, setting, load):
    populate(setting, 1)
    db.session.expire_all()
    with counted() as few:
        load(setting)
    populate(setting, 6)
    db.session.expire_all()
    with counted() as many:
        load(setting)
    assert len(many) == len(few)


def test_timeline_uses_a_fixed_number_of_queries(app, setting):
    topic = setting["topic"]

    def discuss(numbers):
        for number in numbers:
            meeting = make_meeting(series=setting["series"], number=number, topics=[topic])
            make_outcome(agenda_item=meeting.agenda_items[0])
            make_action_item(
                meeting=meeting,
                agenda_item=meeting.agenda_items[0],
                owner_organisation=setting["austria"],
            )
            deliverable = make_deliverable()
            deliverable.topics.append(topic)
            db.session.commit()
        db.session.expire_all()

    discuss([3])
    with counted() as few:
        topic_timeline(db.session, topic)
    discuss(range(4, 10))
    with counted() as many:
        timeline = topic_timeline(db.session, topic)
    assert len(timeline.entries) == 8
    assert len(many) == len(few)
