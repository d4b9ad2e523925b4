"""Risk flags, charts, board, timeline, dashboard and "since the last meeting"."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.factories import (
    make_deliverable,
    make_meeting,
    make_organisation,
    make_series,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.models import (
    DeliverableStatus,
    DeliverableStatusChange,
    Milestone,
    ProgressUpdate,
    utc_today,
    utcnow,
)
from tracker.progress import charts, queries, risk
from tracker.progress.operations import add_progress_update, change_status

S = DeliverableStatus
TODAY = date(2027, 3, 1)


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


# --- risk ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "due", "today", "expected"),
    [
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 6), 50),
        (date(2027, 1, 1), date(2027, 1, 11), date(2026, 12, 1), 0),
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 2, 1), 100),
        (None, date(2027, 1, 11), date(2027, 1, 6), None),
        (date(2027, 1, 11), date(2027, 1, 11), date(2027, 1, 6), None),
    ],
)
def test_expected_progress_is_the_straight_line(start, due, today, expected):
    assert risk.expected_progress(start, due, today) == expected


def test_overdue():
    assert risk.assess(S.DRAFTING, 90, None, TODAY - timedelta(days=1), TODAY).flag == "overdue"
    assert not risk.assess(S.PUBLISHED, 100, None, TODAY - timedelta(days=1), TODAY)
    assert not risk.assess(S.DROPPED, 10, None, TODAY - timedelta(days=1), TODAY)


def test_due_soon_with_much_left_is_at_risk():
    # Issue 15 changed the rule: near the due date only a large share of work left flags it.
    due = TODAY + timedelta(days=14)
    flagged = risk.assess(S.DRAFTING, 40, None, due, TODAY)
    assert flagged.flag == "at_risk"
    assert "due in 14 days with 60 % of the work still to do" in flagged.reasons
    assert not risk.assess(S.IN_REVIEW, 95, None, due, TODAY)
    assert not risk.assess(S.DRAFTING, 40, None, TODAY + timedelta(days=31), TODAY)
    assert not risk.assess(S.PUBLISHED, 100, None, due, TODAY)


def test_far_behind_the_line_is_at_risk():
    start, due = TODAY - timedelta(days=50), TODAY + timedelta(days=50)
    behind = risk.assess(S.DRAFTING, 20, start, due, TODAY)
    assert behind.flag == "at_risk" and behind.expected == 50
    assert "20 % done where 50 % was expected by now" in behind.reasons
    assert not risk.assess(S.DRAFTING, 40, start, due, TODAY)


def test_risk_of_a_deliverable(app):
    d = make_deliverable(start_date=TODAY - timedelta(days=10), due_date=TODAY - timedelta(days=1))
    assert risk.deliverable_risk(d, TODAY).label == "Overdue"
    assert risk.deliverable_risk(d, TODAY).css == "overdue"


@pytest.mark.sqlite_only
def test_risk_badge_partial(app):
    from flask import render_template_string

    d = make_deliverable(due_date=utc_today() - timedelta(days=2))
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/badges.html" import risk_badge %}{{ risk_badge(d) }}', d=d
        )
    assert "badge-overdue" in html and "Overdue" in html


# --- charts ----------------------------------------------------------------------------------


def test_progress_chart_geometry():
    history = [(date(2027, 1, 10), 0, 20), (date(2027, 2, 10), 20, 60)]
    chart = charts.progress_chart(history, date(2027, 1, 1), date(2027, 4, 1), TODAY, "Paper")
    assert [p.percent for p in chart.points] == [0, 20, 60]
    ys = [p.y for p in chart.points]
    assert ys[0] > ys[1] > ys[2]  # higher percent, higher on the chart
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and xs[0] == chart.left
    assert chart.expected is not None and chart.today_x is not None
    assert "Wed 10 Feb 2027: 60 %" in chart.desc  # issue 15: no ISO dates for people


def test_chart_starts_at_start_date_only_from_zero():
    history = [(date(2027, 2, 1), 80, 50)]
    chart = charts.progress_chart(history, date(2027, 1, 1), date(2027, 4, 1), TODAY, "P", 50)
    assert [(p.day, p.percent) for p in chart.points] == [
        (date(2027, 2, 1), 80),
        (date(2027, 2, 1), 50),
    ]


def test_empty_progress_chart():
    chart = charts.progress_chart([], None, None, TODAY, "Paper", 0)
    assert chart.points == [] and chart.desc == "No progress updates yet."


def test_chart_ends_at_the_current_percentage():
    chart = charts.progress_chart([], None, None, TODAY, "Paper", 45)
    assert [(p.day, p.percent) for p in chart.points] == [(TODAY, 0), (TODAY, 45)]
    history = [(date(2027, 1, 10), 0, 20)]
    chart = charts.progress_chart(history, None, None, TODAY, "Paper", 30)
    assert [p.percent for p in chart.points] == [0, 20, 30] and chart.points[-1].day == TODAY
    chart = charts.progress_chart(history, None, None, TODAY, "Paper", 20)
    assert [p.percent for p in chart.points] == [0, 20]


@pytest.mark.sqlite_only
def test_progress_page_draws_svg_with_text_alternative(client, app, organiser):
    d = make_deliverable(status=S.DRAFTING, title="Policy paper")
    add_progress_update(db.session, d, 30, "Outline agreed", organiser)
    db.session.commit()
    page = client.get(f"/deliverables/{d.id}/progress").get_data(as_text=True)
    svg = re.search(r"<svg class=\"progress-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "30 %" in svg and "<polyline" in svg
    assert "Outline agreed" in page  # the history as a list too
    assert "<script" not in page.split("</head>")[1]


# --- board -----------------------------------------------------------------------------------


def test_board_has_a_column_per_status_and_cards(client, app):
    lead = make_organisation(short_name="AICB")
    make_deliverable(title="Late one", lead_organisation=lead, due_date=utc_today() - timedelta(1))
    make_deliverable(title="In review", status=S.IN_REVIEW, progress=90)
    page = client.get("/deliverables/board").get_data(as_text=True)
    for status in ("Planned", "Drafting", "In review", "Published", "Dropped"):
        assert f'>{status} <span class="count">' in page
    assert "Late one" in page and "AICB" in page and "badge-overdue" in page
    assert '<progress class="progress-bar" max="100" value="90"' in page
    assert "move-form" not in page  # anonymous: no forms


@pytest.mark.sqlite_only
def test_board_move_forms_for_editors(organiser_client, app):
    d = make_deliverable(title="Movable")
    page = organiser_client.get("/deliverables/board").get_data(as_text=True)
    form = re.search(rf'<form[^>]*action="/deliverables/{d.id}/status".*?</form>', page, re.S)
    assert form is not None
    assert 'value="drafting"' in form.group(0) and 'value="dropped"' in form.group(0)
    assert 'value="published"' not in form.group(0)  # only allowed targets offered
    assert f'<label for="move-{d.id}">' in form.group(0)
    response = organiser_client.post(
        f"/deliverables/{d.id}/status",
        data={"status": "drafting", "version": str(d.version), "next": "/deliverables/board?"},
    )
    assert response.status_code == 302 and "/deliverables/board" in response.location
    page = organiser_client.get("/deliverables/board").get_data(as_text=True)
    drafting = page.split('id="col-drafting"')[1].split("</section>")[0]
    assert "Movable" in drafting


def test_board_filters_by_organisation_and_reopen_label(organiser_client, app, organiser):
    lead = make_organisation()
    mine = make_deliverable(title="Mine", lead_organisation=lead, status=S.DRAFTING)
    make_deliverable(title="Other")
    change_status(db.session, mine, S.DROPPED, organiser)
    db.session.commit()
    page = organiser_client.get(f"/deliverables/board?organisation={lead.id}").get_data(
        as_text=True
    )
    assert "Mine" in page and "Other" not in page
    assert "Reopen as" in page and '<option value="drafting">' in page


def test_board_route_does_not_collide_with_detail(client, app):
    assert client.get("/deliverables/board").status_code == 200
    assert client.get("/deliverables/timeline").status_code == 200


def test_board_loads_in_fixed_number_of_queries(app):
    make_deliverable(status=S.DROPPED)
    db.session.commit()  # both counts start from committed, expired rows
    with count_queries() as few:
        queries.board(db.session, TODAY)
    for status in S:
        for _ in range(3):
            make_deliverable(status=status)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        queries.board(db.session, TODAY)
    assert len(few) == len(many)


def test_board_script_is_an_enhancement_only(app):
    from pathlib import Path

    script = (Path(app.root_path) / "static" / "js" / "board.js").read_text()
    assert "requestSubmit" in script  # dropping submits the same form


# --- timeline --------------------------------------------------------------------------------


def test_timeline_bars_markers_today_and_table(client, app):
    d = make_deliverable(title="Framework", progress=40)
    db.session.add(Milestone(deliverable=d, title="Outline", due_date=utc_today(), done=True))
    db.session.commit()
    page = client.get("/deliverables/timeline").get_data(as_text=True)
    assert 'role="img"' in page and 'id="timeline-title"' in page and "<desc" in page
    assert 'class="bar"' in page and 'class="bar-done"' in page
    assert 'class="milestone done"' in page and 'class="today"' in page
    assert "Milestone: Outline" in page and "Framework" in page
    assert "<table" in page  # the text alternative


def test_timeline_geometry():
    items = [
        charts.TimelineItem(1, "A", date(2027, 1, 1), date(2027, 3, 1), 50, "", []),
        charts.TimelineItem(2, "B", None, None, 0, "", []),
    ]
    chart = charts.timeline(items, TODAY)
    first, second = chart.rows
    assert first.bar_x is not None and first.done_width == pytest.approx(first.bar_width / 2, 0.1)
    assert second.bar_x is None
    assert chart.today_x is not None and first.bar_x < chart.today_x


@pytest.mark.parametrize("by", ["organisation", "topic", "status"])
def test_timeline_filters(client, app, by):
    lead, topic = make_organisation(), make_topic()
    make_deliverable(title="Wanted", lead_organisation=lead, topics=[topic], status=S.DRAFTING)
    make_deliverable(title="Unwanted")
    value = {"organisation": lead.id, "topic": topic.id, "status": "drafting"}[by]
    page = client.get(f"/deliverables/timeline?{by}={value}").get_data(as_text=True)
    assert "Wanted" in page and "Unwanted" not in page


def test_timeline_contributor_counts_for_organisation_filter(client, app):
    partner = make_organisation()
    make_deliverable(title="Shared", contributors=[partner])
    page = client.get(f"/deliverables/timeline?organisation={partner.id}").get_data(as_text=True)
    assert "Shared" in page


def test_timeline_empty(client, app):
    page = client.get("/deliverables/timeline?status=published").get_data(as_text=True)
    assert "No deliverables match" in page


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_numbers_and_explanation(client, app):
    a, b = make_organisation(short_name="AAA"), make_organisation(short_name="BBB")
    make_deliverable(lead_organisation=a, status=S.PUBLISHED, progress=100)
    make_deliverable(
        lead_organisation=a, status=S.DRAFTING, progress=20, due_date=utc_today() - timedelta(1)
    )
    make_deliverable(lead_organisation=b, status=S.DROPPED, progress=10)
    make_deliverable(lead_organisation=b, status=S.IN_REVIEW, progress=60)
    make_deliverable(lead_organisation=b, progress=0, deleted_at=utcnow())
    data = queries.dashboard(db.session, utc_today())
    assert data.total == 4 and data.counted == 3
    assert data.overall == pytest.approx(60.0)  # (100 + 20 + 60) / 3
    assert dict((s, n) for s, _, n in data.by_status)[S.DRAFTING] == 1
    lines = {line.organisation.short_name: line for line in data.by_organisation}
    assert lines["AAA"].count == 2 and lines["AAA"].mean_progress == 60.0
    assert lines["BBB"].count == 2 and lines["BBB"].open == 1 and lines["BBB"].mean_progress == 60.0
    assert len(data.overdue) == 1
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="overall-progress">60.0 %' in page
    assert 'id="overdue-count">1<' in page
    assert "How this is calculated" in page and "not dropped" in page


def test_dashboard_empty(client, app):
    page = client.get("/dashboard").get_data(as_text=True)
    assert "No deliverables to measure yet" in page


def test_flagged_deliverables_for_home_page(app):
    late = make_deliverable(title="Late", due_date=utc_today() - timedelta(days=3))
    make_deliverable(title="Fine", start_date=utc_today(), due_date=utc_today() + timedelta(60))
    flagged = queries.flagged_deliverables(db.session, utc_today())
    assert [(d.title, r.flag) for d, r in flagged] == [("Late", "overdue")]
    assert late.is_overdue


# --- since the last meeting ------------------------------------------------------------------


def at(day: int) -> datetime:
    return datetime(2027, 1, day, 12, tzinfo=UTC)


def test_since_last_meeting(client, app):
    user = make_user()
    series = make_series()
    first = make_meeting(series=series, number=1, starts_at=at(1))
    make_meeting(series=series, number=2, starts_at=at(8), deleted_at=at(9))  # ignored
    third = make_meeting(series=series, number=3, starts_at=at(15))
    make_meeting(series=make_series(), number=2, starts_at=at(10))  # another series
    old = make_deliverable(title="Old paper", created_at=at(1) - timedelta(days=5))
    new = make_deliverable(title="New paper", created_at=at(5))
    done = make_deliverable(title="Done paper", created_at=at(1) - timedelta(days=9))
    make_deliverable(title="Too late", created_at=at(20))
    db.session.add_all(
        [
            ProgressUpdate(
                deliverable=old,
                recorded_on=date(2026, 12, 30),
                previous_percent=0,
                percent=10,
                note="before window",
                user=user,
                created_at=at(1) - timedelta(days=1),
            ),
            ProgressUpdate(
                deliverable=old,
                recorded_on=date(2027, 1, 3),
                previous_percent=10,
                percent=30,
                note="a",
                user=user,
                created_at=at(3),
            ),
            ProgressUpdate(
                deliverable=old,
                recorded_on=date(2027, 1, 9),
                previous_percent=30,
                percent=45,
                note="b",
                user=user,
                created_at=at(9),
            ),
            DeliverableStatusChange(
                deliverable=old, from_status=S.PLANNED, to_status=S.DRAFTING, user=user, at=at(4)
            ),
            DeliverableStatusChange(
                deliverable=done,
                from_status=S.IN_REVIEW,
                to_status=S.PUBLISHED,
                user=user,
                at=at(12),
            ),
            DeliverableStatusChange(
                deliverable=done, from_status=S.PLANNED, to_status=S.DRAFTING, user=user, at=at(1)
            ),  # at the boundary
        ]
    )
    db.session.commit()
    since = queries.since_last_meeting(db.session, third)
    assert since.previous.id == first.id
    assert [(m.deliverable.title, m.before, m.after, m.updates) for m in since.progress_moves] == [
        ("Old paper", 10, 45, 2)
    ]
    assert [(c.deliverable.title, c.to_status) for c in since.status_changes] == [
        ("Old paper", S.DRAFTING),
        ("Done paper", S.PUBLISHED),
    ]
    assert [d.title for d in since.new] == ["New paper"]
    assert [c.deliverable.title for c in since.finished] == ["Done paper"]
    page = client.get(f"/meetings/{third.id}/since-last").get_data(as_text=True)
    assert "Old paper</a>: 10 % → 45 %" in page and "New paper" in page
    assert "Finished" in page and "Too late" not in page
    assert new.id


def test_since_first_meeting_and_empty(client, app):
    only = make_meeting(number=1, starts_at=at(1))
    since = queries.since_last_meeting(db.session, only)
    assert since.previous is None and since.empty
    page = client.get(f"/meetings/{only.id}/since-last").get_data(as_text=True)
    assert "first meeting of the series" in page and "Nothing changed" in page
    assert client.get("/meetings/999/since-last").status_code == 404


def test_since_last_meeting_fixed_queries(app):
    user = make_user()
    series = make_series()
    make_meeting(series=series, number=1, starts_at=at(1))
    meeting = make_meeting(series=series, number=2, starts_at=at(20))

    def add(n):
        for i in range(n):
            d = make_deliverable(created_at=at(5), lead_organisation=make_organisation())
            db.session.add(
                ProgressUpdate(
                    deliverable=d,
                    recorded_on=date(2027, 1, 6),
                    previous_percent=0,
                    percent=10 + i,
                    note="x",
                    user=user,
                    created_at=at(6),
                )
            )
            db.session.add(
                DeliverableStatusChange(
                    deliverable=d, from_status=S.PLANNED, to_status=S.DRAFTING, user=user, at=at(7)
                )
            )
        db.session.commit()
        db.session.expire_all()

    add(1)
    with count_queries() as few:
        queries.since_last_meeting(db.session, meeting)
    add(5)
    with count_queries() as many:
        result = queries.since_last_meeting(db.session, meeting)
        [c.deliverable.lead_organisation.short_name for c in result.status_changes]
        [m.deliverable.lead_organisation.short_name for m in result.progress_moves]
    assert len(few) == len(many) and len(result.new) == 6


def test_deliverable_progress_fixed_queries(app):
    user = make_user()
    d = make_deliverable(status=S.DRAFTING)
    add_progress_update(db.session, d, 10, "one", user)
    change_status(db.session, d, S.IN_REVIEW, user)
    db.session.add(Milestone(deliverable=d, title="First"))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as few:
        queries.deliverable_progress(db.session, d, TODAY)
    for n in range(5):
        add_progress_update(db.session, d, 20 + n, "more", make_user())
        db.session.add(Milestone(deliverable=d, title=f"M{n}"))
        change_status(db.session, d, S.DRAFTING if n % 2 == 0 else S.IN_REVIEW, user)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        data = queries.deliverable_progress(db.session, d, TODAY)
        [(u.user.name if u.user else "") for u in data.updates]
        [(c.user.name if c.user else "") for c in data.status_changes]
    assert len(few) == len(many)


# --- partials, called the way the pages call them ------------------------------------


@pytest.mark.sqlite_only
def test_partials_render_with_their_declared_arguments(app, organiser):
    from flask import render_template_string

    from tracker.progress.routes import progress_context

    d = make_deliverable(title="Late paper", due_date=utc_today() - timedelta(days=1), progress=5)
    meeting = make_meeting(number=1)
    with app.test_request_context("/deliverables/1"):
        detail = render_template_string(
            '{% from "progress/_deliverable_progress.html" import deliverable_progress %}'
            "{{ deliverable_progress(progress, progress_form, milestone_form, tracking_form,"
            " false) }}",
            **progress_context(d),
        )
        row = render_template_string(
            '{% from "_macros/badges.html" import risk_badge %}'
            '{% from "progress/_progress_bar.html" import progress_bar %}'
            "{{ progress_bar(d) }}{{ risk_badge(d) }}",
            d=d,
        )
        home = render_template_string(
            '{% from "progress/_flagged_deliverables.html" import flagged_deliverables %}'
            "{{ flagged_deliverables(flagged) }}",
            flagged=queries.flagged_deliverables(db.session, utc_today()),
        )
        since = render_template_string(
            '{% from "progress/_since_last_meeting.html" import since_last_meeting %}'
            "{{ since_last_meeting(since) }}",
            since=queries.since_last_meeting(db.session, meeting),
        )
    assert "Progress over time" in detail and 'role="img"' in detail
    assert 'value="5"' in row and "Overdue" in row
    assert "Late paper" in home and "badge-overdue" in home
    assert "Deliverables since the last meeting" in since and "Late paper" in since


def test_board_columns_show_the_soonest_due_and_link_to_the_rest(client, app):
    from datetime import timedelta

    from tests.factories import make_deliverable, make_organisation
    from tracker.progress import queries

    lead = make_organisation()
    for n in range(5):
        make_deliverable(
            title=f"Paper {n}", lead_organisation=lead, due_date=utc_today() + timedelta(days=n)
        )
    columns = queries.board(db.session, utc_today(), per_column=3)
    planned = next(c for c in columns if c.status.value == "planned")
    assert planned.total == 5 and planned.hidden == 2
    assert [card.deliverable.title for card in planned.cards] == ["Paper 0", "Paper 1", "Paper 2"]
    page = client.get("/deliverables/board").get_data(as_text=True)
    assert "Paper 4" in page and "(5)" in page
