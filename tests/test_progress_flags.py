"""Issue 15: flags people believe (reasons, grace period, health override) and history in order."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from tests.conftest import login_as
from tests.factories import make_deliverable, make_organisation, make_person, make_user
from tracker.extensions import db
from tracker.models import DeliverableHealth, DeliverableStatus, Milestone, Role, utc_today
from tracker.progress import operations, risk

S = DeliverableStatus
TODAY = date(2027, 3, 15)
H = DeliverableHealth


# --- the computed rules, in words ---------------------------------------------------------------


def test_a_new_paper_is_not_flagged_in_its_grace_period():
    # The case from the issue: 5 % done, 12 % expected, created days ago.
    start, due = TODAY - timedelta(days=10), TODAY + timedelta(days=75)
    assert risk.expected_progress(start, due, TODAY) == 12
    assert not risk.assess(S.DRAFTING, 5, start, due, TODAY)


def test_far_behind_is_flagged_only_after_the_grace_period():
    rules = risk.RiskRules(grace_days=28, behind_points=25, window_days=10)
    start, due = TODAY - timedelta(days=20), TODAY + timedelta(days=40)
    assert not risk.assess(S.DRAFTING, 0, start, due, TODAY, rules=rules)  # 33 % expected
    later = TODAY + timedelta(days=10)  # 30 days in: 50 % expected, 0 % done
    flagged = risk.assess(S.DRAFTING, 0, start, due, later, rules=rules)
    assert flagged.flag == "at_risk"
    assert flagged.reasons == ("0 % done where 50 % was expected by now",)


def test_rules_come_from_config(app):
    app.config.update(RISK_WINDOW_DAYS=60, RISK_REMAINING_SHARE=20)
    d = make_deliverable(
        status=S.DRAFTING,
        progress=70,
        start_date=TODAY - timedelta(400),
        due_date=TODAY + timedelta(45),
    )
    with app.app_context():
        flagged = risk.deliverable_risk(d, TODAY)
    assert flagged.reasons == ("due in 45 days with 30 % of the work still to do",)
    app.config.update(RISK_WINDOW_DAYS=30)
    with app.app_context():
        assert not risk.deliverable_risk(d, TODAY)


def test_overdue_reason_names_the_date_and_days():
    flagged = risk.assess(S.DRAFTING, 60, None, date(2027, 3, 12), TODAY)
    assert flagged.flag == "overdue"
    assert flagged.reasons == ("was due Fri 12 Mar 2027, 3 days ago, and is not finished",)


def test_an_overdue_milestone_flags_the_deliverable(app):
    d = make_deliverable(status=S.DRAFTING, progress=50)
    db.session.add(Milestone(deliverable=d, title="Draft", due_date=utc_today() - timedelta(2)))
    db.session.add(
        Milestone(deliverable=d, title="Done one", due_date=utc_today() - timedelta(9), done=True)
    )
    db.session.commit()
    db.session.expire_all()
    flagged = risk.deliverable_risk(d)
    assert flagged.flag == "at_risk"
    assert any(
        r.startswith("a milestone was due ") and r.endswith("is not done") for r in flagged.reasons
    )


# --- the health override and its expiry ----------------------------------------------------------


def test_health_overrides_until_the_next_progress_update(app):
    lead = make_user(Role.ORGANISER, name="Mila Petrova")
    d = make_deliverable(status=S.DRAFTING, progress=10, due_date=utc_today() + timedelta(10))
    assert risk.deliverable_risk(d).flag == "at_risk"
    operations.set_health(db.session, d, H.ON_TRACK, "The draft is with the lawyers", lead)
    db.session.commit()
    said = risk.deliverable_risk(d)
    assert not said and said.health is not None
    assert said.reasons == ("Mila Petrova says it is on track: The draft is with the lawyers",)
    operations.set_health(db.session, d, H.OFF_TRACK, "Funding fell through", lead)
    db.session.commit()
    assert risk.deliverable_risk(d).flag == "off_track"
    assert risk.deliverable_risk(d).label == "Off track"
    operations.add_progress_update(db.session, d, 30, "Second draft", lead)
    db.session.commit()
    assert d.health is None and d.health_set_at is None
    assert risk.deliverable_risk(d).flag == "at_risk"  # the computed rule is back


def test_health_does_not_hide_overdue(app):
    lead = make_user(Role.ORGANISER)
    d = make_deliverable(status=S.DRAFTING, progress=10, due_date=utc_today() - timedelta(1))
    operations.set_health(db.session, d, H.ON_TRACK, "Nearly there", lead)
    assert risk.deliverable_risk(d).flag == "overdue"


def test_health_shown_on_card_page_and_dashboard(client, app):
    organiser = make_user(Role.ORGANISER, name="Ana Novak")
    d = make_deliverable(title="Paper on compute", status=S.DRAFTING, progress=40)
    operations.set_health(db.session, d, H.AT_RISK, "Waiting for the ministry's data", organiser)
    db.session.commit()
    for url in (
        "/deliverables/board",
        f"/deliverables/{d.id}",
        "/dashboard",
        f"/deliverables/{d.id}/progress",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "Waiting for the ministry" in page, url
        assert "Ana Novak" in page, url


def test_health_form_for_lead_person_and_organiser_not_viewer(client, app):
    org = make_organisation(short_name="AIS")
    d = make_deliverable(lead_organisation=org, status=S.DRAFTING, progress=40)
    viewer = make_user(Role.VIEWER)
    login_as(client, viewer)
    url = f"/deliverables/{d.id}/health"
    assert client.post(url, data={"health": "at_risk", "reason": "x"}).status_code == 403
    lead = make_user(Role.VIEWER, person=make_person(organisation=org), name="Lead person")
    login_as(client, lead)
    bad = client.post(url, data={"health": "at_risk", "reason": ""})
    assert bad.status_code == 400 and "Say briefly why" in bad.get_data(as_text=True)
    good = client.post(url, data={"health": "at_risk", "reason": "Late data"})
    assert good.status_code == 302
    db.session.expire_all()
    assert (
        d.health == H.AT_RISK and d.health_reason == "Late data" and d.health_set_by_id == lead.id
    )


# --- the history in order of effective date ------------------------------------------------------


@pytest.fixture
def backdated(app):
    """Updates entered 1 Dec (25 %), then a backdated one for 20 Nov (15 %)."""
    user = make_user(Role.ORGANISER, name="Eva")
    d = make_deliverable(
        title="Backdated", status=S.DRAFTING, progress=0, start_date=utc_today() - timedelta(90)
    )
    late = utc_today() - timedelta(5)
    early = utc_today() - timedelta(16)
    operations.add_progress_update(db.session, d, 25, "Later one", user, late)
    operations.add_progress_update(db.session, d, 15, "Earlier one", user, early)
    db.session.commit()
    return d, early, late


def test_backdated_update_keeps_current_and_previous_right(app, backdated):
    d, early, late = backdated
    assert d.progress == 25  # the newest by effective date stays the current percentage
    from tracker.progress.queries import deliverable_progress

    data = deliverable_progress(db.session, d, utc_today())
    assert [(u.recorded_on, u.previous_percent, u.percent) for u in data.updates] == [
        (late, 0, 25),
        (early, 0, 15),
    ]
    days = [p.day for p in data.chart.points]
    assert days == sorted(days)
    assert [p.percent for p in data.chart.points][-2:] == [15, 25]


def test_backdated_in_order_in_list_csv_and_api(client, app, backdated):
    d, early, late = backdated
    page = client.get(f"/deliverables/{d.id}/progress").get_data(as_text=True)
    assert page.index("Later one") < page.index("Earlier one")  # newest effective date first
    assert "entered " in page  # entry date shown where it differs from the effective date
    text = client.get("/deliverables/progress.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["deliverable_id"] == str(d.id)]
    assert [r["recorded_on"] for r in rows] == [early.isoformat(), late.isoformat()]
    assert all(r["created_at_utc"] for r in rows)
    body = client.get(f"/api/deliverables/{d.id}").get_json()
    history = body["progress_history"]
    assert [h["recorded_on"] for h in history] == [early.isoformat(), late.isoformat()]
    assert all("created_at" in h for h in history)


def test_chart_points_follow_the_time_axis(client, app, backdated):
    d, _early, _late = backdated
    page = client.get(f"/deliverables/{d.id}/progress").get_data(as_text=True)
    points = re.search(r'class="progress-line" points="([^"]+)"', page)
    assert points is not None
    xs = [float(pair.split(",")[0]) for pair in points.group(1).split()]
    assert xs == sorted(xs)


# --- a readable timeline -------------------------------------------------------------------------


def test_timeline_window_defaults_and_steps():
    from tracker.progress.charts import add_months, timeline_window

    today = date(2027, 5, 31)
    default = timeline_window("", None, today)
    assert (default.first, default.last) == (date(2027, 2, 28), date(2028, 5, 28))
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    quarter = timeline_window("quarter", None, today)
    assert (quarter.first, quarter.last) == (date(2027, 4, 1), date(2027, 7, 1))
    assert quarter.shifted(1) == date(2027, 7, 1) and quarter.shifted(-1) == date(2027, 1, 1)
    assert timeline_window("all", None, today).first is None


def test_timeline_labels_wrap_between_words():
    from tracker.progress.charts import wrap_words

    title = "Policy recommendations on cross-border data sharing for AI research"
    lines = wrap_words(title)
    assert all(len(line) <= 32 for line in lines)
    assert (
        " ".join(lines).replace(" …", "").split() == title.split()[: len(" ".join(lines).split())]
    )
    assert not any(line.endswith("-") for line in lines)


def test_timeline_page_window_links_and_old_work_hidden(client, app):
    make_deliverable(
        title="Old 2020 review", start_date=date(2020, 1, 1), due_date=date(2020, 6, 1)
    )
    make_deliverable(
        title="Current paper on cross-border data sharing for AI research",
        start_date=utc_today() - timedelta(30),
        due_date=utc_today() + timedelta(60),
    )
    page = client.get("/deliverables/timeline").get_data(as_text=True)
    assert "Current paper" in page and "Old 2020 review" not in page
    for text in ("← Earlier", "Later →", "Quarter", "Year", "All"):
        assert text in page
    assert "<tspan" in page and "…</tspan>" not in page.split("Current paper")[0]
    everything = client.get("/deliverables/timeline?window=all").get_data(as_text=True)
    assert "Old 2020 review" in everything
    assert client.get("/deliverables/timeline?window=year&start=bad").status_code == 200
