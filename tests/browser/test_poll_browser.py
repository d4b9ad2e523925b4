"""Issue 17 in a real browser: an organiser proposes times, a member in New York answers in
their own zone, the organiser picks one and the meeting is set to it and confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.browser.conftest import artifacts_dir, new_context, serving
from tests.conftest import build_app
from tracker.extensions import db
from tracker.meetings.operations import local_to_utc
from tracker.models import Meeting, MeetingStatus, Role, TimePoll, utc_today

pytestmark = pytest.mark.browser

YEAR = utc_today().year + 2
MONDAY = date(YEAR, 1, 10) + timedelta(days=-date(YEAR, 1, 10).weekday() % 7)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A planned meeting in Sofia with a London partner, an organiser and a member in New York."""
    app = build_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    with app.app_context():
        organiser = factories.make_user(Role.ORGANISER, email="organiser@example.org")
        member = factories.make_user(
            Role.VIEWER, email="member@example.org", name="Nora Member", timezone="America/New_York"
        )
        london = factories.make_organisation(
            name="AI London", short_name="AILDN", country="GB", timezone="Europe/London"
        )
        meeting = factories.make_meeting(
            title="Working group on data",
            organisations=[london],
            timezone="Europe/Sofia",
            starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(days=60),
        )
        ids = {"organiser": organiser.email, "member": member.email, "meeting": meeting.id}
        db.session.commit()
        db.session.remove()
    with serving(app) as url:
        yield {"url": url, "app": app, **ids}


def log_in(page: Any, base: str, email: str) -> None:
    """Log in through the login form."""
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def click_and_wait(page: Any, role: str, name: str) -> None:
    """Click the button or link with this accessible name and wait for the next page."""
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def test_propose_vote_and_pick(live: dict[str, Any], browser: Any) -> None:
    base, meeting_id = live["url"], live["meeting"]
    contexts = [new_context(browser), new_context(browser)]
    try:
        run_poll(live, base, meeting_id, *(context.new_page() for context in contexts))
    finally:
        for context in contexts:
            context.close()


def run_poll(live: dict[str, Any], base: str, meeting_id: int, organiser: Any, member: Any) -> None:
    """Propose two slots, answer them as the member, pick the second as the organiser."""
    log_in(organiser, base, live["organiser"])
    organiser.goto(f"{base}/meetings/{meeting_id}")
    click_and_wait(organiser, "link", "Propose candidate times in a poll")
    organiser.fill("#slots-0-day", MONDAY.isoformat())
    organiser.fill("#slots-0-start", "15:00")
    click_and_wait(organiser, "button", "More rows")  # no JavaScript needed: a submit
    assert organiser.input_value("#slots-0-day") == MONDAY.isoformat()
    assert organiser.locator("#slots-4-day").count() == 1
    organiser.fill("#slots-1-day", (MONDAY + timedelta(days=1)).isoformat())
    organiser.fill("#slots-1-start", "10:00")
    click_and_wait(organiser, "button", "Open the poll")
    assert "The time poll is open" in organiser.content()
    with live["app"].app_context():
        poll = db.session.scalars(db.select(TimePoll)).one()
        first, second = (slot.id for slot in poll.slots)
        db.session.remove()

    log_in(member, base, live["member"])
    member.goto(f"{base}/meetings/{meeting_id}/poll")
    # 15:00 in Sofia is 08:00 in New York in January: the member reads their own zone.
    assert "08:00 your time (New York)" in member.inner_text(f"#slot-{first}")
    member.check(f"#slot-{first}-no")
    member.check(f"#slot-{second}-yes")
    click_and_wait(member, "button", "Save my answers")
    assert "Your answers were saved" in member.content()
    assert member.is_checked(f"#slot-{second}-yes")

    organiser.goto(f"{base}/meetings/{meeting_id}/poll")
    row = organiser.inner_text(f"#slot-{second}")
    assert "Nora Member" in row
    assert "before working hours" in row  # 10:00 Sofia is 08:00 in London
    organiser.screenshot(path=str(artifacts_dir("polls") / "poll.png"), full_page=True)
    with organiser.expect_navigation():
        organiser.locator(f"#slot-{second} button", has_text="Pick this time").click()
    assert "is now confirmed" in organiser.content()
    with live["app"].app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting is not None
        expected = local_to_utc(
            datetime.combine(MONDAY + timedelta(days=1), datetime.min.time()).replace(hour=10),
            "Europe/Sofia",
        )
        assert meeting.starts_at == expected
        assert meeting.status == MeetingStatus.CONFIRMED
        db.session.remove()
