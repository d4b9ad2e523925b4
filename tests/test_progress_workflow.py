"""Status workflow, progress updates and milestones: rules, operations and their POST views."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tests.factories import make_deliverable, make_user
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    DeliverableStatus,
    DeliverableStatusChange,
    Milestone,
    ProgressUpdate,
    Role,
    utc_today,
)
from tracker.operations import Refused
from tracker.progress import operations, workflow
from tracker.progress.operations import TransitionRefused

S = DeliverableStatus


def changes_of(deliverable):
    return list(
        db.session.scalars(
            select(DeliverableStatusChange)
            .where(DeliverableStatusChange.deliverable_id == deliverable.id)
            .order_by(DeliverableStatusChange.id)
        )
    )


def updates_of(deliverable):
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.deliverable_id == deliverable.id)
            .order_by(ProgressUpdate.id)
        )
    )


# --- the rules -------------------------------------------------------------------------------

ALLOWED = {
    (S.PLANNED, S.DRAFTING),
    (S.DRAFTING, S.IN_REVIEW),
    (S.IN_REVIEW, S.PUBLISHED),
    (S.DRAFTING, S.PLANNED),
    (S.IN_REVIEW, S.DRAFTING),
    (S.PLANNED, S.DROPPED),
    (S.DRAFTING, S.DROPPED),
    (S.IN_REVIEW, S.DROPPED),
    (S.PUBLISHED, S.DROPPED),
}


@pytest.mark.parametrize("current", [s for s in S if s != S.DROPPED])
@pytest.mark.parametrize("target", list(S))
def test_transition_table(current, target):
    assert workflow.is_allowed(current, target) == ((current, target) in ALLOWED)


def test_dropped_only_reopens_to_its_previous_status():
    assert workflow.allowed_targets(S.DROPPED, S.IN_REVIEW) == (S.IN_REVIEW,)
    assert workflow.allowed_targets(S.DROPPED) == (S.PLANNED,)
    assert not workflow.is_allowed(S.DROPPED, S.PUBLISHED, S.DRAFTING)


@pytest.mark.parametrize(
    ("status", "asked", "allowed"),
    [
        (S.PLANNED, 100, 99),
        (S.DRAFTING, 100, 99),
        (S.DRAFTING, 40, 40),
        (S.IN_REVIEW, 100, 100),
        (S.PUBLISHED, 10, 100),
        (S.DRAFTING, -5, 0),
    ],
)
def test_percent_for_status(status, asked, allowed):
    assert workflow.percent_for(status, asked) == allowed


def test_consistency_check():
    assert workflow.is_consistent(S.PUBLISHED, 100)
    assert not workflow.is_consistent(S.PUBLISHED, 90)
    assert not workflow.is_consistent(S.DRAFTING, 100)
    assert not workflow.is_consistent(S.IN_REVIEW, 101)


# --- operations --------------------------------------------------------------------------------


def test_full_path_records_every_change_and_publishing_sets_100(app, organiser):
    d = make_deliverable()
    for target in (S.DRAFTING, S.IN_REVIEW, S.PUBLISHED):
        operations.change_status(db.session, d, target, organiser, note=f"to {target}")
    db.session.commit()
    assert d.status == S.PUBLISHED and d.progress == 100
    recorded = [(c.from_status, c.to_status, c.user_id, c.note) for c in changes_of(d)]
    assert recorded == [
        (S.PLANNED, S.DRAFTING, organiser.id, "to drafting"),
        (S.DRAFTING, S.IN_REVIEW, organiser.id, "to in_review"),
        (S.IN_REVIEW, S.PUBLISHED, organiser.id, "to published"),
    ]
    last = updates_of(d)[-1]
    assert (last.previous_percent, last.percent) == (0, 100)
    assert "Published" in last.note


def test_disallowed_transition_is_refused_and_changes_nothing(app, organiser):
    d = make_deliverable()
    db.session.commit()  # the refusal is rolled back to here
    with pytest.raises(TransitionRefused, match="cannot move from planned to published"):
        operations.change_status(db.session, d, S.PUBLISHED, organiser)
    db.session.rollback()
    assert d.status == S.PLANNED and changes_of(d) == []


def test_same_status_is_refused(app, organiser):
    d = make_deliverable()
    with pytest.raises(TransitionRefused, match="already planned"):
        operations.change_status(db.session, d, S.PLANNED, organiser)


def test_drop_and_reopen_to_previous_status(app, organiser):
    d = make_deliverable(status=S.IN_REVIEW, progress=80)
    operations.change_status(db.session, d, S.DROPPED, organiser)
    db.session.commit()
    assert d.status == S.DROPPED and d.progress == 80
    assert operations.reopen_status(db.session, d) == S.IN_REVIEW
    with pytest.raises(TransitionRefused):
        operations.change_status(db.session, d, S.PLANNED, organiser)
    db.session.rollback()
    operations.change_status(db.session, d, S.IN_REVIEW, organiser)
    db.session.commit()
    assert d.status == S.IN_REVIEW and d.progress == 80
    assert [c.to_status for c in changes_of(d)] == [S.DROPPED, S.IN_REVIEW]


def test_dropped_without_history_reopens_to_planned(app, organiser):
    d = make_deliverable(status=S.DROPPED, progress=30)
    operations.change_status(db.session, d, S.PLANNED, organiser)
    assert d.status == S.PLANNED


def test_sending_back_from_review_lowers_100_to_99(app, organiser):
    d = make_deliverable(status=S.IN_REVIEW, progress=100)
    operations.change_status(db.session, d, S.DRAFTING, organiser)
    db.session.commit()
    assert d.progress == 99
    assert [(u.previous_percent, u.percent) for u in updates_of(d)] == [(100, 99)]


def test_status_change_is_audited(app, organiser):
    d = make_deliverable()
    db.session.info["actor_id"] = organiser.id
    operations.change_status(db.session, d, S.DRAFTING, organiser)
    db.session.commit()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "deliverable", AuditEvent.action == "update")
    ).all()
    assert any(e.changes.get("status") == ["planned", "drafting"] for e in events)


def test_progress_update_sets_percentage_and_records_who(app, organiser):
    d = make_deliverable(status=S.DRAFTING, progress=10)
    day = utc_today() - timedelta(days=1)
    operations.add_progress_update(db.session, d, 35, " First draft ", organiser, day)
    db.session.commit()
    (update,) = updates_of(d)
    assert d.progress == 35
    assert (update.previous_percent, update.percent, update.note) == (10, 35, "First draft")
    assert update.user_id == organiser.id and update.recorded_on == day


@pytest.mark.parametrize(
    ("status", "percent", "message"),
    [
        (S.DRAFTING, 100, "cannot be at 100 %"),
        (S.PUBLISHED, 50, "final"),
        (S.DROPPED, 50, "final"),
        (S.DRAFTING, 101, "0 to 100"),
        (S.DRAFTING, -1, "0 to 100"),
    ],
)
def test_progress_update_refused_when_it_would_lie(app, organiser, status, percent, message):
    d = make_deliverable(status=status, progress=100 if status == S.PUBLISHED else 20)
    with pytest.raises(Refused, match=message):
        operations.add_progress_update(db.session, d, percent, "note", organiser)


def test_in_review_may_reach_100(app, organiser):
    d = make_deliverable(status=S.IN_REVIEW, progress=90)
    operations.add_progress_update(db.session, d, 100, "Ready", organiser)
    assert d.progress == 100


# --- milestones ------------------------------------------------------------------------------


def test_progress_follows_milestones(app, organiser):
    d = make_deliverable(status=S.DRAFTING, progress=5)
    first = operations.add_milestone(db.session, d, "Outline", utc_today(), organiser)
    operations.add_milestone(db.session, d, "Draft", None, organiser)
    operations.add_milestone(db.session, d, "Review", None, organiser)
    operations.add_milestone(db.session, d, "Final", None, organiser)
    assert d.progress == 5  # by hand until switched
    operations.set_follow_milestones(db.session, d, True, organiser)
    assert d.progress == 0
    operations.toggle_milestone(db.session, first, organiser)
    db.session.commit()
    assert first.done and first.done_at is not None
    assert d.progress == 25
    assert updates_of(d)[-1].note == "Milestone done: Outline"
    operations.toggle_milestone(db.session, first, organiser)
    assert not first.done and first.done_at is None and d.progress == 0
    with pytest.raises(Refused, match="follows its milestones"):
        operations.add_progress_update(db.session, d, 50, "by hand", organiser)


def test_all_milestones_done_stops_at_99_until_review(app, organiser):
    d = make_deliverable(status=S.DRAFTING)
    operations.set_follow_milestones(db.session, d, True, organiser)
    m = operations.add_milestone(db.session, d, "Only", None, organiser)
    operations.toggle_milestone(db.session, m, organiser)
    assert d.progress == 99
    operations.change_status(db.session, d, S.IN_REVIEW, organiser)
    assert d.progress == 100


def test_deleting_a_milestone_recomputes(app, organiser):
    d = make_deliverable(status=S.DRAFTING)
    operations.set_follow_milestones(db.session, d, True, organiser)
    done = operations.add_milestone(db.session, d, "Done one", None, organiser)
    open_one = operations.add_milestone(db.session, d, "Open one", None, organiser)
    operations.toggle_milestone(db.session, done, organiser)
    assert d.progress == 50
    operations.delete_milestone(db.session, open_one, organiser)
    assert d.progress == 99


def test_milestone_percent_rounds_down():
    ms = [Milestone(title=str(i), done=i < 2) for i in range(3)]
    assert operations.milestone_percent(ms) == 66
    assert operations.milestone_percent([]) is None


# --- views -----------------------------------------------------------------------------------


def test_status_post_moves_and_redirects(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(
        f"/deliverables/{d.id}/status",
        data={"status": "drafting", "version": str(d.version), "next": "/deliverables/board"},
    )
    assert response.status_code == 302 and response.location.endswith("/deliverables/board")
    db.session.refresh(d)
    assert d.status == S.DRAFTING and len(changes_of(d)) == 1


def test_disallowed_status_post_gives_409_with_reason(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(f"/deliverables/{d.id}/status", data={"status": "published"})
    assert response.status_code == 409
    assert "cannot move from planned to published" in response.get_data(as_text=True)
    db.session.refresh(d)
    assert d.status == S.PLANNED


def test_stale_version_gives_409(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(
        f"/deliverables/{d.id}/status", data={"status": "drafting", "version": "99"}
    )
    assert response.status_code == 409 and "someone else" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_unsafe_next_is_refused(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(
        f"/deliverables/{d.id}/status", data={"status": "drafting", "next": "//evil.example"}
    )
    assert response.status_code == 400
    db.session.refresh(d)
    assert d.status == S.PLANNED


def test_unknown_status_is_400(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(f"/deliverables/{d.id}/status", data={"status": "bogus"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_status_post_needs_csrf(organiser_client, app):
    d = make_deliverable()
    response = organiser_client.post(
        f"/deliverables/{d.id}/status", data={"status": "drafting"}, csrf=False
    )
    assert response.status_code == 400
    db.session.refresh(d)
    assert d.status == S.PLANNED


@pytest.mark.parametrize(
    "path",
    [
        "/deliverables/{id}/status",
        "/deliverables/{id}/progress/updates",
        "/deliverables/{id}/milestones",
        "/deliverables/{id}/tracking",
        "/deliverables/{id}/milestones/{m}/toggle",
        "/deliverables/{id}/milestones/{m}/delete",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_changes_need_an_editor(client, app, path, who):
    d = make_deliverable()
    m = Milestone(deliverable=d, title="M")
    db.session.add(m)
    db.session.commit()
    url = path.format(id=d.id, m=m.id)
    if who == "viewer":
        login_as(client, make_user(Role.VIEWER))
    response = client.post(url, data={"status": "drafting", "percent": "5", "note": "x"})
    if who == "viewer":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/login" in response.location
    db.session.refresh(d)
    assert d.status == S.PLANNED and d.progress == 0


def test_unknown_or_deleted_deliverable_is_404(organiser_client, app):
    from tracker.models import utcnow

    d = make_deliverable(deleted_at=utcnow())
    assert organiser_client.get(f"/deliverables/{d.id}/progress").status_code == 404
    assert organiser_client.get("/deliverables/9999/progress").status_code == 404
    assert (
        organiser_client.post(
            f"/deliverables/{d.id}/status", data={"status": "drafting"}
        ).status_code
        == 404
    )


def test_milestone_of_another_deliverable_is_404(organiser_client, app):
    d, other = make_deliverable(), make_deliverable()
    m = Milestone(deliverable=other, title="Theirs")
    db.session.add(m)
    db.session.commit()
    response = organiser_client.post(f"/deliverables/{d.id}/milestones/{m.id}/toggle")
    assert response.status_code == 404


def test_progress_update_post(organiser_client, app):
    d = make_deliverable(status=S.DRAFTING)
    response = organiser_client.post(
        f"/deliverables/{d.id}/progress/updates",
        data={"percent": "40", "recorded_on": utc_today().isoformat(), "note": "Half a draft"},
    )
    assert response.status_code == 302
    db.session.refresh(d)
    assert d.progress == 40
    page = organiser_client.get(f"/deliverables/{d.id}/progress").get_data(as_text=True)
    assert "Half a draft" in page and "0 % → 40 %" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"percent": "140", "note": "x"}, "from 0 to 100"),
        ({"percent": "", "note": "x"}, "Enter a percentage"),
        ({"percent": "20", "note": ""}, "Say briefly what changed"),
        (
            {"percent": "20", "note": "x", "recorded_on": "2999-01-01"},
            "cannot be in the future",
        ),
    ],
)
@pytest.mark.sqlite_only
def test_progress_update_errors_next_to_field(organiser_client, app, data, error):
    d = make_deliverable(status=S.DRAFTING, progress=10)
    data = {"recorded_on": utc_today().isoformat(), **data}
    response = organiser_client.post(f"/deliverables/{d.id}/progress/updates", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and error in page and 'class="error"' in page
    db.session.refresh(d)
    assert d.progress == 10


def test_progress_update_refused_keeps_input(organiser_client, app):
    d = make_deliverable(status=S.DRAFTING, progress=10)
    response = organiser_client.post(
        f"/deliverables/{d.id}/progress/updates",
        data={"percent": "100", "recorded_on": utc_today().isoformat(), "note": "All done"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "cannot be at 100 %" in page
    assert 'value="All done"' in page


def test_milestone_views(organiser_client, app):
    d = make_deliverable(status=S.DRAFTING)
    response = organiser_client.post(
        f"/deliverables/{d.id}/milestones", data={"title": "Outline", "due_date": "2027-01-10"}
    )
    assert response.status_code == 302
    assert organiser_client.post(f"/deliverables/{d.id}/milestones", data={}).status_code == 400
    organiser_client.post(f"/deliverables/{d.id}/milestones", data={"title": "Draft"})
    organiser_client.post(f"/deliverables/{d.id}/tracking", data={"follow_milestones": "y"})
    m = db.session.scalar(select(Milestone).where(Milestone.title == "Outline"))
    organiser_client.post(f"/deliverables/{d.id}/milestones/{m.id}/toggle")
    db.session.refresh(d)
    assert d.progress == 50
    page = organiser_client.get(f"/deliverables/{d.id}/progress").get_data(as_text=True)
    assert "Outline" in page and "Mark not done" in page and "follows the milestones" in page
    organiser_client.post(f"/deliverables/{d.id}/milestones/{m.id}/delete")
    db.session.refresh(d)
    assert d.progress == 0
    organiser_client.post(f"/deliverables/{d.id}/tracking", data={})
    assert not operations.following_milestones(db.session, d)


# --- helpers for the deliverables create/edit forms ------------------------------------------


def test_set_status_and_progress_records_both(app, organiser):
    d = make_deliverable(status=S.DRAFTING, progress=40)
    operations.set_status_and_progress(db.session, d, S.IN_REVIEW, 100, organiser)
    assert (d.status, d.progress) == (S.IN_REVIEW, 100)
    assert [c.to_status for c in changes_of(d)] == [S.IN_REVIEW]
    assert [(u.previous_percent, u.percent) for u in updates_of(d)] == [(40, 100)]


def test_set_status_and_progress_refuses_lies(app, organiser):
    d = make_deliverable(status=S.DRAFTING, progress=40)
    with pytest.raises(Refused, match="cannot be at 100"):
        operations.set_status_and_progress(db.session, d, S.DRAFTING, 100, organiser)
    with pytest.raises(TransitionRefused):
        operations.set_status_and_progress(db.session, d, S.PUBLISHED, 100, organiser)


def test_set_status_and_progress_publishing_ignores_percent(app, organiser):
    d = make_deliverable(status=S.IN_REVIEW, progress=90)
    operations.set_status_and_progress(db.session, d, S.PUBLISHED, 50, organiser)
    assert d.progress == 100


def test_record_created(app, organiser):
    d = make_deliverable(status=S.DRAFTING, progress=100)
    operations.record_created(db.session, d, organiser)
    db.session.commit()
    assert d.progress == 99
    assert [(u.previous_percent, u.percent) for u in updates_of(d)] == [(0, 99)]
    empty = make_deliverable()
    operations.record_created(db.session, empty, organiser)
    assert updates_of(empty) == []
