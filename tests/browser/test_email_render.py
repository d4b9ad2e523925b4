"""An invitation e-mail as a mail client shows it: rendered by Chromium, wide and on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.browser.conftest import artifacts_dir, env_flag
from tests.conftest import build_app
from tests.factories import make_meeting, make_organisation, make_person, make_series, make_topic
from tracker.extensions import db
from tracker.models import MeetingStatus, OutboxMessage

pytestmark = pytest.mark.browser
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "tracker" / "static" / "screenshots"


@pytest.fixture
def invitation_html(tmp_path: Path) -> Iterator[str]:
    """The HTML part of an invitation to a realistic meeting, as queued in the outbox."""
    app: Flask = build_app(tmp_path, TRACKER_BASE_URL="https://tracker.borderless-ai.eu")
    with app.app_context():
        series = make_series(name="Borderless AI Initiative", timezone="Europe/Sofia")
        bg = make_organisation(name="Bulgarian AI Association", short_name="BAIA")
        at = make_organisation(name="AI Austria", short_name="AIA", timezone="Europe/Vienna")
        make_person(organisation=at, name="Lena Gruber", email="lena@example.org")
        make_person(organisation=bg, name="Ivan Petrov", email="ivan@example.org")
        meeting = make_meeting(
            organisations=[bg, at],
            topics=[
                make_topic(title="Regulatory sandboxes for AI"),
                make_topic(title="Shared GPU capacity"),
            ],
            series=series,
            number=7,
            title="Borderless AI Initiative meeting #7",
            starts_at=datetime(2031, 3, 4, 13, 0, tzinfo=UTC),
            ends_at=datetime(2031, 3, 4, 15, 30, tzinfo=UTC),
            location="Sofia Tech Park, Lab building, room 2",
            online_url="https://meet.example.org/borderless-7",
        )
        meeting.status = MeetingStatus.CONFIRMED
        db.session.commit()
        row = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == "lena@example.org")
        ).one()
        yield row.html_body
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("width", [640, 390])
def test_invitation_renders_without_overflow(
    browser: Any, invitation_html: str, width: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=True
    )
    page = context.new_page()
    try:
        page.set_content(invitation_html, wait_until="load")
        assert (
            page.locator("h1").inner_text()
            == "You are invited: Borderless AI Initiative meeting #7"
        )
        assert "14:00 Vienna" in page.locator("body").inner_text()  # Lena's own zone
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px of horizontal scrolling at {width}px"
        name = f"invitation-email-{width}.png"
        page.screenshot(path=str(artifacts_dir("screenshots") / name), full_page=True)
        if width == 640 and env_flag("TRACKER_README_SCREENSHOTS"):
            README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(README_SCREENSHOTS / "invitation-email.png"), full_page=True)
    finally:
        context.close()
