"""Issue 14: a guarded lifecycle, approval that locks, drafts, planning the next meeting."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tests.conftest import login_as
from tests.factories import (
    make_action_item,
    make_meeting,
    make_minutes_revision,
    make_organisation,
    make_outcome,
    make_person,
    make_series,
    make_topic,
    make_user,
)
from tests.formtools import page_form
from tracker.extensions import db
from tracker.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    AuditEvent,
    Meeting,
    MeetingStatus,
    MinutesApproval,
    Outcome,
    Participation,
    utc_today,
    utcnow,
)


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def follow(client, response) -> str:
    """The page a refusal redirected to, with its message."""
    assert response.status_code in (302, 303), response.status_code
    return text(client.get(response.headers["Location"]))


def meeting_form(meeting: Meeting, **overrides: str) -> dict[str, str]:
    """The edit form of meeting as submitted unchanged, with overrides."""
    local_start = meeting.local_start.strftime("%Y-%m-%dT%H:%M")
    local_end = meeting.local_end.strftime("%Y-%m-%dT%H:%M")
    data = {
        "series_id": str(meeting.series_id),
        "number": str(meeting.number),
        "title": meeting.title,
        "starts": local_start,
        "ends": local_end,
        "timezone": meeting.timezone,
        "location": meeting.location,
        "online_url": meeting.online_url,
        "status": meeting.status.value,
        "description": meeting.description,
        "version": str(meeting.version),
    }
    data.update(overrides)
    return data


@pytest.fixture
def past(app):
    """A held meeting of last week with two organisations, a topic, an outcome and an action."""
    series = make_series(name="Borderless AI")
    austria = make_organisation(name="AI Austria", short_name="AIAT")
    serbia = make_organisation(name="AI Serbia", short_name="AIRS")
    anna = make_person(name="Anna Huber", organisation=austria)
    topic = make_topic(title="Analytical report")
    # 10:00 UTC a week ago: the next one planned from it never lands in an hour a clock
    # change skips or repeats.
    start = datetime.combine(utc_today() - timedelta(days=7), time(10), tzinfo=UTC)
    meeting = make_meeting(
        series=series,
        number=1,
        title="Kick-off",
        organisations=[austria, serbia],
        topics=[topic],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    meeting.status = MeetingStatus.HELD
    db.session.commit()
    item = meeting.agenda_items[0]
    outcome = make_outcome(agenda_item=item, text="Publish in spring")
    action = make_action_item(
        meeting=meeting, agenda_item=item, owner_organisation=austria, text="Draft the report"
    )
    make_minutes_revision(meeting, "## Summary\n\nDraft minutes text.")
    following = make_meeting(series=series, number=2, title="Second", organisations=[austria])
    return {
        "series": series,
        "meeting": meeting,
        "item": item,
        "outcome": outcome,
        "action": action,
        "austria": austria,
        "anna": anna,
        "following": following,
    }


def approve(meeting: Meeting) -> None:
    """Approve meeting's minutes directly."""
    db.session.add(MinutesApproval(meeting_id=meeting.id, revision_number=1))
    db.session.commit()


# --- point 1: the lifecycle guards itself -----------------------------------------------------


def test_future_meeting_cannot_be_held_through_the_form(organiser_client, app):
    meeting = make_meeting(title="Far away", starts_at=utcnow() + timedelta(days=120))
    response = organiser_client.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting, status="held")
    )
    assert response.status_code == 200
    assert "marked held only once it has started" in text(response)
    db.session.expire_all()
    assert meeting.status == MeetingStatus.PLANNED


def test_future_meeting_cannot_be_held_through_the_button(organiser_client, app):
    meeting = make_meeting(title="Far away", starts_at=utcnow() + timedelta(days=120))
    response = organiser_client.post(f"/meetings/{meeting.id}/lifecycle", data={"step": "hold"})
    assert "has not started yet" in follow(organiser_client, response)
    db.session.expire_all()
    assert meeting.status == MeetingStatus.PLANNED


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_held_meeting_cannot_be_cancelled_or_postponed(organiser_client, past, status):
    meeting = past["meeting"]
    response = organiser_client.post(
        f"/meetings/{meeting.id}/edit", data=meeting_form(meeting, status=status)
    )
    assert response.status_code == 200
    assert "cannot be cancelled or postponed" in text(response)
    db.session.expire_all()
    assert meeting.status == MeetingStatus.HELD


def test_held_pill_never_shows_under_upcoming(client, app):
    legacy = make_meeting(title="Wrongly held", starts_at=utcnow() + timedelta(days=3))
    legacy.status = MeetingStatus.HELD
    db.session.commit()
    page = text(client.get(f"/meetings/{legacy.id}"))
    assert "badge-held" not in page and "badge-confirmed" in page
    home = text(client.get("/"))
    assert "Wrongly held" not in home or "badge-held" not in home


# --- point 2: approval locks the record ---------------------------------------------------------


def test_every_editing_route_refuses_a_locked_record(organiser_client, past):
    meeting, item, action = past["meeting"], past["item"], past["action"]
    approve(meeting)
    mid = meeting.id
    attempts = [
        ("get", f"/meetings/{mid}/outcomes/new", None),
        (
            "post",
            f"/meetings/{mid}/outcomes/new",
            {"agenda_item": str(item.id), "kind": "decision", "text": "Late decision"},
        ),
        (
            "post",
            f"/meetings/{mid}/outcomes/new",
            {
                "agenda_item": str(item.id),
                "kind": "action",
                "text": "Late action",
                "owner_organisation": str(past["austria"].id),
                "due_date": "2030-01-01",
            },
        ),
        ("get", f"/meetings/{mid}/agenda/{item.id}/notes", None),
        ("post", f"/meetings/{mid}/agenda/{item.id}/notes", {"notes": "Changed notes"}),
        ("get", f"/meetings/{mid}/attendance", None),
        ("post", f"/meetings/{mid}/attendance", {f"org_{past['austria'].id}": "apologised"}),
        ("post", f"/meetings/{mid}/agenda/{item.id}/carry", {"mode": "move"}),
        ("post", f"/meetings/{mid}/minutes", {"text": "Rewritten", "base_revision": "1"}),
        (
            "post",
            f"/meetings/{mid}/agenda/{item.id}/record",
            {
                f"t{item.id}-notes": "Changed",
                f"t{item.id}-kind": "decision",
                f"t{item.id}-text": "X",
            },
        ),
        ("get", f"/meetings/{mid}/edit", None),
        ("post", f"/meetings/{mid}/edit", meeting_form(meeting, title="Renamed")),
    ]
    for method, url, data in attempts:
        response = getattr(organiser_client, method)(url, data=data)
        page = follow(organiser_client, response)
        assert "locked" in page, (method, url)
    db.session.expire_all()
    assert meeting.title == "Kick-off" and meeting.minutes.startswith("## Summary")
    assert item.notes == ""
    assert db.session.get(AgendaItem, item.id) is not None
    assert db.session.scalars(db.select(Outcome)).all() == [past["outcome"]]
    assert db.session.scalars(db.select(ActionItem).where(ActionItem.meeting_id == mid)).all() == [
        action
    ]
    assert {
        p.attendance
        for p in db.session.scalars(db.select(Participation).where(Participation.meeting_id == mid))
    } == {Attendance.INVITED}


def test_locked_page_offers_no_editing_buttons_but_action_status(organiser_client, past):
    meeting = past["meeting"]
    approve(meeting)
    page = text(organiser_client.get(f"/meetings/{meeting.id}/outcomes"))
    assert "record is read-only" in page
    assert f"/meetings/{meeting.id}/attendance" not in page
    assert f"/meetings/{meeting.id}/outcomes/new" not in page
    assert f"/actions/{past['action'].id}/close" in page


def test_action_status_stays_changeable_after_approval(organiser_client, past):
    meeting, action = past["meeting"], past["action"]
    approve(meeting)
    response = organiser_client.post(
        f"/actions/{action.id}/close",
        data={"status": "done", "next": f"/meetings/{meeting.id}/report"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert action.status == ActionStatus.DONE
    report = text(organiser_client.get(f"/meetings/{meeting.id}/report"))
    assert "Draft the report" in report and "Status now" in report and "<td>Done</td>" in report


def test_copy_forward_of_a_locked_topic_keeps_its_actions(organiser_client, past):
    meeting, item, action = past["meeting"], past["item"], past["action"]
    approve(meeting)
    response = organiser_client.post(
        f"/meetings/{meeting.id}/agenda/{item.id}/carry", data={"mode": "copy"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert action.agenda_item_id == item.id
    assert [i.topic_id for i in past["following"].agenda_items] == [item.topic_id]


def test_only_admins_reopen_and_the_reason_is_audited(client, past):
    meeting = past["meeting"]
    approve(meeting)
    login_as(client, make_user(role="organiser", email="org2@example.org"))
    assert client.post(f"/meetings/{meeting.id}/reopen", data={"reason": "x"}).status_code == 403
    login_as(client, make_user(role="admin", email="boss@example.org"))
    response = client.post(f"/meetings/{meeting.id}/reopen", data={"reason": "Wrong owner"})
    assert response.status_code == 302
    assert db.session.get(MinutesApproval, meeting.id) is None
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "reopen")).one()
    assert "Wrong owner" in event.summary
    db.session.expire_all()
    response = client.post(
        f"/meetings/{meeting.id}/agenda/{past['item'].id}/notes",
        data={"notes": "Fixed", "version": past["item"].version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert past["item"].notes == "Fixed"


def test_two_person_approval(app, client, past):
    meeting = past["meeting"]
    writer = make_user(role="organiser", email="writer@example.org")
    make_minutes_revision(meeting, "Final minutes", author_id=writer.id, number=2)
    app.config["TRACKER_TWO_PERSON_APPROVAL"] = True
    login_as(client, writer)
    response = client.post(f"/meetings/{meeting.id}/lifecycle", data={"step": "approve"})
    assert "A second person must approve" in follow(client, response)
    assert db.session.get(MinutesApproval, meeting.id) is None
    login_as(client, make_user(role="organiser", email="second@example.org"))
    response = client.post(f"/meetings/{meeting.id}/lifecycle", data={"step": "approve"})
    assert response.status_code == 302
    assert db.session.get(MinutesApproval, meeting.id) is not None


def test_two_person_approval_is_off_by_default(app, client, past):
    meeting = past["meeting"]
    writer = make_user(role="organiser", email="writer@example.org")
    make_minutes_revision(meeting, "Final minutes", author_id=writer.id, number=2)
    login_as(client, writer)
    response = client.post(f"/meetings/{meeting.id}/lifecycle", data={"step": "approve"})
    assert response.status_code == 302
    assert db.session.get(MinutesApproval, meeting.id) is not None


# --- point 3: drafts are drafts -------------------------------------------------------------


DRAFT_PAGES = ["", "/outcomes", "/minutes", "/minutes/revisions", "/report", "/report.md"]


@pytest.mark.parametrize("suffix", DRAFT_PAGES)
def test_anonymous_readers_see_minutes_in_preparation(client, past, suffix):
    meeting = past["meeting"]
    page = text(client.get(f"/meetings/{meeting.id}{suffix}"))
    assert "in preparation" in page
    for secret in ("Draft minutes text", "Publish in spring", "Draft the report"):
        assert secret not in page


@pytest.mark.parametrize("suffix", DRAFT_PAGES)
def test_members_see_drafts_under_a_draft_label(client, viewer, past, suffix):
    meeting = past["meeting"]
    login_as(client, viewer)
    page = text(client.get(f"/meetings/{meeting.id}{suffix}"))
    assert "Draft" in page and "in preparation" not in page
    if suffix != "/minutes/revisions":
        assert "Draft minutes text" in page or "Publish in spring" in page


@pytest.mark.parametrize("suffix", DRAFT_PAGES)
def test_approved_record_is_public(client, past, suffix):
    meeting = past["meeting"]
    approve(meeting)
    page = text(client.get(f"/meetings/{meeting.id}{suffix}"))
    assert "in preparation" not in page and "badge-draft" not in page
    if suffix not in ("/minutes/revisions", "/outcomes"):
        assert "Draft minutes text" in page


def test_markdown_export_puts_minutes_headings_below_its_own(client, past):
    meeting = past["meeting"]
    approve(meeting)
    markdown = text(client.get(f"/meetings/{meeting.id}/report.md"))
    assert "\n## Minutes\n" in markdown
    assert "\n#### Summary\n" in markdown and "\n## Summary" not in markdown


def test_action_list_shows_draft_actions_to_members_only(client, viewer, past):
    assert "Draft the report" not in text(client.get("/actions/"))
    login_as(client, viewer)
    assert "Draft the report" in text(client.get("/actions/"))


# --- point 4 and 9: plan the next meeting from this one -----------------------------------------


def test_plan_next_prefills_the_form(organiser_client, past):
    meeting = past["meeting"]
    meeting.online_url = "https://meet.example.org/bai"
    meeting.location = "Vienna"
    past["following"].deleted_at = utcnow()
    db.session.commit()
    page = text(organiser_client.get(f"/meetings/new?after={meeting.id}"))
    assert f'<option selected value="{past["series"].id}">' in page
    assert "https://meet.example.org/bai" in page and 'value="Vienna"' in page
    assert f'<option selected value="{past["austria"].id}">' in page
    assert f'<option selected value="{past["item"].topic_id}">' in page
    local = meeting.local_start
    assert f"T{local:%H:%M}" in page


def test_plan_next_then_save_is_one_submit(organiser_client, past):
    meeting = past["meeting"]
    past["following"].deleted_at = utcnow()
    db.session.commit()
    page = text(organiser_client.get(f"/meetings/new?after={meeting.id}"))
    form = page_form(page, "/meetings/new")
    assert form is not None
    response = organiser_client.post("/meetings/new", data=form.values())
    assert response.status_code == 302
    created = db.session.scalars(db.select(Meeting).order_by(Meeting.id.desc())).first()
    assert created.number == 3 and created.series_id == meeting.series_id
    assert created.starts_at > utcnow()
    assert created.ends_at - created.starts_at == meeting.ends_at - meeting.starts_at
    assert [i.topic_id for i in created.agenda_items] == [past["item"].topic_id]
    assert {p.organisation_id for p in created.participations} == {
        p.organisation_id for p in meeting.participations
    }


def test_carry_without_a_later_meeting_offers_to_plan_one(organiser_client, past):
    meeting = past["meeting"]
    past["following"].deleted_at = utcnow()
    db.session.commit()
    other = make_topic(title="Cross-border data")
    db.session.add(AgendaItem(meeting_id=meeting.id, topic_id=other.id, position=1))
    db.session.commit()
    page = text(organiser_client.get(f"/meetings/{meeting.id}/outcomes"))
    link = f"/meetings/new?after={meeting.id}&amp;topic={other.id}"
    assert link in page
    form_page = text(organiser_client.get(link.replace("&amp;", "&")))
    assert f'<option selected value="{other.id}">' in form_page


def test_empty_zone_means_the_series_zone(organiser_client, past):
    series = past["series"]
    data = {
        "series_id": str(series.id),
        "title": "Zone-less",
        "starts": "2030-01-14T15:00",
        "ends": "2030-01-14T17:00",
        "timezone": "",
        "status": "planned",
    }
    response = organiser_client.post("/meetings/new", data=data)
    assert response.status_code == 302
    created = db.session.scalars(db.select(Meeting).where(Meeting.title == "Zone-less")).one()
    assert created.timezone == series.timezone


# --- point 5: agenda and organisations that fit (without JavaScript) ----------------------------


def test_more_rows_without_javascript_keeps_input(organiser_client, past):
    series = past["series"]
    data = {
        "series_id": str(series.id),
        "title": "Kept title",
        "starts": "2030-01-14T15:00",
        "ends": "2030-01-14T17:00",
        "status": "planned",
        "more_rows": "1",
    }
    for n in range(6):
        data[f"agenda-{n}-topic"] = ""
        data[f"agenda-{n}-order"] = str(n + 1)
        data[f"participants-{n}-organisation"] = ""
        data[f"participants-{n}-attendance"] = "invited"
    page = text(organiser_client.post("/meetings/new", data=data))
    assert 'value="Kept title"' in page
    assert 'name="agenda-8-topic"' in page and 'name="participants-8-organisation"' in page
    assert db.session.scalars(db.select(Meeting).where(Meeting.title == "Kept title")).all() == []


def test_new_topic_typed_inline_and_order_numbers(organiser_client, past):
    series, topic = past["series"], past["item"].topic
    data = {
        "series_id": str(series.id),
        "title": "Ordered",
        "starts": "2030-01-14T15:00",
        "ends": "2030-01-14T17:00",
        "status": "planned",
        "agenda-0-topic": str(topic.id),
        "agenda-0-order": "2",
        "agenda-1-topic": "",
        "agenda-1-new_topic": "Compute sharing",
        "agenda-1-order": "1",
    }
    response = organiser_client.post("/meetings/new", data=data)
    assert response.status_code == 302
    created = db.session.scalars(db.select(Meeting).where(Meeting.title == "Ordered")).one()
    titles = [item.topic.title for item in created.agenda_items]
    assert titles == ["Compute sharing", topic.title]


# --- point 6: outcomes in one flow on the outcomes page (without JavaScript) ---------------------


def record_url(past) -> str:
    """Where a topic's inline form posts."""
    return f"/meetings/{past['meeting'].id}/agenda/{past['item'].id}/record"


def test_outcomes_page_has_a_form_per_topic_and_attendance(organiser_client, past):
    page = text(organiser_client.get(f"/meetings/{past['meeting'].id}/outcomes"))
    assert f'action="{record_url(past)}"' in page
    assert f'action="/meetings/{past["meeting"].id}/attendance"' in page
    assert f'name="t{past["item"].id}-notes"' in page


def notes_version(item) -> str:
    """The agenda item's current version, as the topic form carries it."""
    db.session.refresh(item)
    return str(item.version)


def test_one_submit_per_topic_records_notes_decision_and_action(organiser_client, past):
    prefix = f"t{past['item'].id}-"
    response = organiser_client.post(
        record_url(past),
        data={
            prefix + "notes": "Talked it through",
            prefix + "version": notes_version(past["item"]),
            prefix + "kind": "decision",
            prefix + "text": "Go ahead",
        },
    )
    assert response.status_code == 302
    response = organiser_client.post(
        record_url(past),
        data={
            prefix + "notes": "Talked it through",
            prefix + "version": notes_version(past["item"]),
            prefix + "kind": "action",
            prefix + "text": "Write chapter 2",
            prefix + "owner_organisation": str(past["austria"].id),
            prefix + "due_date": "2030-03-01",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert past["item"].notes == "Talked it through"
    assert "Go ahead" in {o.text for o in db.session.scalars(db.select(Outcome))}
    action = db.session.scalars(
        db.select(ActionItem).where(ActionItem.text == "Write chapter 2")
    ).one()
    assert action.agenda_item_id == past["item"].id and str(action.due_date) == "2030-03-01"


def test_topic_form_errors_are_shown_with_input_kept(organiser_client, past):
    prefix = f"t{past['item'].id}-"
    response = organiser_client.post(
        record_url(past),
        data={
            prefix + "notes": "Kept notes",
            prefix + "version": notes_version(past["item"]),
            prefix + "kind": "action",
            prefix + "text": "No owner",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Choose the organisation that owns this action." in page
    assert "Kept notes" in page and "No owner" in page
    assert (
        db.session.scalars(db.select(ActionItem).where(ActionItem.text == "No owner")).all() == []
    )


def test_a_stale_topic_save_is_a_conflict_with_the_input_kept(organiser_client, past):
    prefix = f"t{past['item'].id}-"
    page = text(organiser_client.get(f"/meetings/{past['meeting'].id}/outcomes"))
    loaded = notes_version(past["item"])
    assert f'name="{prefix}version" type="hidden" value="{loaded}"' in page
    past["item"].notes = "Their notes, saved first"
    db.session.commit()
    mine = {
        prefix + "notes": "My notes, typed meanwhile",
        prefix + "version": loaded,
        prefix + "kind": "decision",
        prefix + "text": "My decision",
    }
    response = organiser_client.post(record_url(past), data=mine)
    assert response.status_code == 409
    page = text(response)
    assert "My notes, typed meanwhile" in page and "My decision" in page
    assert "Their notes, saved first" in page and "Someone else saved the notes" in page
    db.session.expire_all()
    assert past["item"].notes == "Their notes, saved first"
    assert "My decision" not in {o.text for o in db.session.scalars(db.select(Outcome))}
    # The answer carries the version it showed: saving again keeps mine on purpose.
    assert f'name="{prefix}version" type="hidden" value="{notes_version(past["item"])}"' in page
    response = organiser_client.post(
        record_url(past), data={**mine, prefix + "version": notes_version(past["item"])}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert past["item"].notes == "My notes, typed meanwhile"


def test_a_topic_save_without_the_notes_version_is_refused(organiser_client, past):
    prefix = f"t{past['item'].id}-"
    response = organiser_client.post(
        record_url(past), data={prefix + "notes": "Unversioned", prefix + "kind": "decision"}
    )
    assert response.status_code == 400
    assert "lost track of the notes" in text(response)
    db.session.expire_all()
    assert past["item"].notes != "Unversioned"


# --- point 7: minutes worth writing (without JavaScript) ---------------------------------------


def test_minutes_editor_starts_from_an_agenda_template(organiser_client, app):
    topic = make_topic(title="Compute sharing")
    meeting = make_meeting(title="Fresh", topics=[topic])
    page = text(organiser_client.get(f"/meetings/{meeting.id}/minutes"))
    assert 'rows="20"' in page
    assert "## Summary\n\n\n## Compute sharing" in page


def test_preview_submit_renders_through_the_sanitiser_and_saves_nothing(organiser_client, app):
    meeting = make_meeting(title="Fresh")
    response = organiser_client.post(
        f"/meetings/{meeting.id}/minutes",
        data={
            "text": "## Hello\n\n<script>alert(1)</script> **bold**",
            "base_revision": "0",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "<strong>bold</strong>" in page and "<script>alert(1)" not in page
    assert "## Hello" in page  # the typed text stays in the editor
    db.session.expire_all()
    assert meeting.minutes == ""


def test_word_diff_marks_words():
    from tracker.outcomes.report import word_diff

    parts = word_diff("We agreed to publish.\n", "We agreed to draft and publish.\n")
    assert [(p.kind, p.text) for p in parts] == [
        ("same", "We agreed to "),
        ("added", "draft and "),
        ("same", "publish.\n"),
    ]


# --- point 8: a meeting page that reads once ---------------------------------------------------


def test_meeting_page_shows_attendance_and_agenda_once(organiser_client, past):
    page = text(organiser_client.get(f"/meetings/{past['meeting'].id}"))
    assert page.count("<h3>Attendance</h3>") == 1
    assert page.count("<h3>Agenda</h3>") == 1 and "<h2>Agenda</h2>" not in page
    assert "Participating organisations" not in page
    agenda = page.index("<h3>Agenda</h3>")
    assert agenda < page.index("Analytical report", agenda) < page.index("Publish in spring")


def test_first_meeting_shows_nothing_since_the_last_one(client, app):
    from tests.factories import make_deliverable

    meeting = make_meeting(title="First ever", number=1)
    make_deliverable(meeting=meeting, title="Some paper")
    page = text(client.get(f"/meetings/{meeting.id}"))
    assert "since the last meeting" not in page.lower()


def test_since_the_last_meeting_is_capped_with_a_link(client, app):
    from tests.factories import make_deliverable

    series = make_series(name="Capped")
    start = utcnow() - timedelta(days=60)
    make_meeting(series=series, number=1, starts_at=start)
    second = make_meeting(series=series, number=2, starts_at=start + timedelta(days=30))
    for n in range(8):
        make_deliverable(title=f"Paper {n}", created_at=start + timedelta(days=5))
    page = text(client.get(f"/meetings/{second.id}"))
    assert sum(f"Paper {n}<" in page for n in range(8)) == 5
    assert f"/meetings/{second.id}/since-last" in page and "See all 8" in page


def test_since_the_last_meeting_groups_its_decisions_and_actions_capped(client, app, viewer):
    series = make_series(name="Grouped")
    org = make_organisation(name="AI Sweden", short_name="AIS")
    topic = make_topic(title="Budget")
    start = utcnow() - timedelta(days=60)
    first = make_meeting(
        series=series, number=1, starts_at=start, organisations=[org], topics=[topic]
    )
    second = make_meeting(series=series, number=2, starts_at=start + timedelta(days=30))
    for n in range(7):
        make_outcome(agenda_item=first.agenda_items[0], text=f"Decision {n} taken")
        make_action_item(meeting=first, owner_organisation=org, text=f"Action {n} given")
    page = text(client.get(f"/meetings/{second.id}"))
    assert "Since the last meeting" in page and "in preparation" in page
    assert "Decision 0 taken" not in page and "Action 0 given" not in page
    login_as(client, viewer)
    page = text(client.get(f"/meetings/{second.id}"))
    assert "badge-draft" in page.split('id="since-record-heading"')[1].split("</section>")[0]
    client.post("/logout")
    db.session.add(MinutesApproval(meeting_id=first.id, revision_number=0))
    db.session.commit()
    page = text(client.get(f"/meetings/{second.id}"))
    block = page.split('id="since-record-heading"')[1].split("</section>")[0]
    assert "<h3>Decisions</h3>" in block and "<h3>Actions</h3>" in block
    assert sum(f"Decision {n} taken" in block for n in range(7)) == 5
    assert sum(f"Action {n} given" in block for n in range(7)) == 5
    assert "See all 7 decisions" in block and "See all 7 actions" in block
    assert f'href="/meetings/{first.id}/outcomes"' in block
    assert "in preparation" not in block and "badge-draft" not in block


def test_series_button_plans_the_next_meeting(organiser_client, past):
    series = past["series"]
    page = text(organiser_client.get(f"/series/{series.id}"))
    assert "Plan the next meeting" in page
    form = text(organiser_client.get(f"/meetings/new?series={series.id}"))
    # Prefilled from the latest live meeting of the series (number 2), as its next one.
    assert 'value="3"' in form and f'<option selected value="{past["austria"].id}">' in form


def test_topic_timeline_follows_the_draft_rule(client, viewer, past):
    topic_id = past["item"].topic_id
    for url in (f"/topics/{topic_id}/timeline", f"/topics/{topic_id}"):
        page = text(client.get(url))
        assert "Publish in spring" not in page and "in preparation" in page
    login_as(client, viewer)
    page = text(client.get(f"/topics/{topic_id}/timeline"))
    assert "Publish in spring" in page and "badge-draft" in page
