"""Issue 14 in a real browser: plan the next meeting from the previous one in at most five
steps, record attendance, three outcomes and two actions on one page without reloading it,
approve, and check that only the status of an action can change afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import artifacts_dir, env_flag, serving
from tests.conftest import build_app
from tracker.extensions import db
from tracker.models import ActionItem, Meeting, MinutesApproval, Role, utc_today

pytestmark = pytest.mark.browser

README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "tracker" / "static" / "screenshots"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A series whose held first meeting left open actions on two topics, served locally."""
    app = build_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with app.app_context():
        user = factories.make_user(Role.ORGANISER, email="organiser@example.org")
        series = factories.make_series(name="Borderless AI meetings", timezone="Europe/Vienna")
        austria = factories.make_organisation(name="AI Austria", short_name="AIAT")
        serbia = factories.make_organisation(name="AI Serbia", short_name="AIRS")
        factories.make_person(name="Anna Huber", organisation=austria)
        report = factories.make_topic(title="Analytical report")
        data = factories.make_topic(title="Data sharing")
        # 10:00 UTC two weeks ago: never in an hour a clock change skips or repeats.
        start = datetime.combine(utc_today() - timedelta(days=14), time(10), tzinfo=UTC)
        first = factories.make_meeting(
            series=series,
            number=1,
            title="Kick-off in Sofia",
            organisations=[austria, serbia],
            topics=[report, data],
            starts_at=start,
            timezone="Europe/Vienna",
            online_url="https://meet.example.org/bai",
        )
        for item in first.agenda_items:
            factories.make_action_item(
                meeting=first, agenda_item=item, owner_organisation=austria, text="Open work"
            )
        ids = {"email": user.email, "first": first.id, "austria": austria.id, "serbia": serbia.id}
        db.session.commit()
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, "app": app, **ids}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context of the shared Chromium."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    try:
        yield tab
    finally:
        context.close()


def click_and_wait(page: Any, name: str) -> None:
    """Click the button or link with this accessible name and wait for the next page."""
    target = page.get_by_role("button", name=name, exact=True)
    if target.count() == 0:
        target = page.get_by_role("link", name=name, exact=True)
    with page.expect_navigation():
        target.first.click()


def save_inline(page: Any, form: Any, button: str) -> None:
    """Submit an inline form and wait until the swapped-in page says it was saved."""
    page.evaluate("document.querySelectorAll('.flashes').forEach(e => e.remove())")
    with page.expect_response(lambda r: r.request.method == "POST"):
        form.get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector(".flash-success, .has-error")
    errors = page.locator(".has-error .error").all_inner_texts()
    assert errors == [], errors


def test_plan_record_approve_and_lock(live: dict[str, Any], page: Any) -> None:
    base = live["url"]
    page.goto(f"{base}/login")
    page.fill("#email", live["email"])
    page.fill("#password", factories.PASSWORD)
    click_and_wait(page, "Log in")

    # Plan the next meeting from the previous one: open it, one button, save (3 steps).
    page.goto(f"{base}/meetings/{live['first']}")  # step 1
    click_and_wait(page, "Plan the next meeting")  # step 2
    assert page.input_value("#online_url") == "https://meet.example.org/bai"
    assert page.input_value("#agenda-0-topic") != ""
    click_and_wait(page, "Save")  # step 3
    assert "was added" in page.content()
    with live["app"].app_context():
        meeting = db.session.scalars(db.select(Meeting).where(Meeting.number == 2)).one()
        assert meeting.timezone == "Europe/Vienna" and meeting.starts_at > datetime.now(UTC)
        assert [i.topic.title for i in meeting.agenda_items] == [
            "Analytical report",
            "Data sharing",
        ]
        assert {p.organisation_id for p in meeting.participations} == {
            live["austria"],
            live["serbia"],
        }
        # Time passes: the meeting takes place.
        meeting.starts_at = datetime.now(UTC) - timedelta(hours=2)
        meeting.ends_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
        meeting_id = meeting.id
        items = [i.id for i in meeting.agenda_items]
        db.session.remove()

    page.goto(f"{base}/meetings/{meeting_id}/outcomes")
    click_and_wait(page, "Mark as held")
    page.evaluate("window.sameDocument = true")

    attendance = page.locator("form.attendance-form")
    attendance.locator(f"#org_{live['austria']}").select_option("attended")
    attendance.locator(f"#org_{live['serbia']}").select_option("attended")
    save_inline(page, attendance, "Save attendance")

    entries = [
        (items[0], "decision", "Publish the report in spring", None),
        (items[0], "action", "Collect national strategies", live["austria"]),
        (items[1], "information", "Serbia shared its data policy", None),
        (items[1], "decision", "Start a data-sharing pilot", None),
        (items[1], "action", "Draft the pilot plan", live["serbia"]),
    ]
    for item_id, kind, words, owner in entries:
        form = page.locator(f"#agenda-item-{item_id} form.topic-record")
        form.locator(f"#t{item_id}-kind").select_option(kind)
        form.locator(f"#t{item_id}-text").fill(words)
        if owner is not None:
            form.locator(f"#t{item_id}-owner_organisation").select_option(str(owner))
            form.locator(f"#t{item_id}-due_date").fill("2030-06-30")
        title = "Analytical report" if item_id == items[0] else "Data sharing"
        save_inline(page, form, f"Save {title}")
        assert words in page.locator("section.outcomes").inner_text()
    assert page.evaluate("window.sameDocument === true"), "the page was reloaded"
    assert "2 of 2 organisations attended" in page.content()

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px of horizontal scrolling at {width}px"
        name = f"outcomes-{width}.png"
        page.screenshot(path=str(artifacts_dir("screenshots") / name), full_page=True)
        if env_flag("TRACKER_README_SCREENSHOTS"):
            README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(README_SCREENSHOTS / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    click_and_wait(page, "Minutes")
    page.fill("#text", "## Summary\n\nA good meeting.")
    click_and_wait(page, "Save minutes")
    page.goto(f"{base}/meetings/{meeting_id}/outcomes")
    click_and_wait(page, "Approve the minutes")
    assert "approved and now locked" in page.content()
    with live["app"].app_context():
        assert db.session.get(MinutesApproval, meeting_id) is not None
        db.session.remove()

    # Nothing but action status can change now: no forms, and direct posts are refused.
    assert page.locator("form.topic-record").count() == 0
    assert page.locator("form.attendance-form").count() == 0
    refused = page.evaluate(
        """async (url) => {
            const token = document.querySelector("input[name='csrf_token']").value;
            const body = new URLSearchParams({csrf_token: token, notes: "changed"});
            const r = await fetch(url, {method: "POST", body, redirect: "manual"});
            return r.type === "opaqueredirect" || r.status === 303;
        }""",
        f"/meetings/{meeting_id}/agenda/{items[0]}/notes",
    )
    assert refused
    click_and_wait(page, "Mark “Collect national strategies” as done")
    with live["app"].app_context():
        action = db.session.scalars(
            db.select(ActionItem).where(ActionItem.text == "Collect national strategies")
        ).one()
        assert action.status.value == "done"
        db.session.remove()
    click_and_wait(page, "Report")
    report = page.locator("article.report").inner_text()
    assert "Publish the report in spring" in report and "Done" in report
