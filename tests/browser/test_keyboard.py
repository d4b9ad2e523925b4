"""Main flows with the keyboard alone: Tab to reach, type to fill, Enter or Space to act."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from flask import url_for

from tests.browser.conftest import ADMIN_EMAIL, LiveServer
from tests.browser.keyboard import (
    activate,
    fill_by_keyboard,
    log_in_by_keyboard,
    submit_by_keyboard,
    tab_to,
)
from tracker.demo import SERIES_NAME
from tracker.extensions import db
from tracker.models import ActionItem, Meeting, utc_today

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_stop(page: Any, live_server: LiveServer) -> None:
    """The first Tab shows the skip link; Enter on it moves focus to the main content."""
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_log_in_with_the_keyboard_alone(page: Any, live_server: LiveServer) -> None:
    """An organiser logs in without touching the mouse."""
    log_in_by_keyboard(page, live_server, ADMIN_EMAIL)
    assert ADMIN_EMAIL in page.inner_text("header")


def test_create_a_meeting_with_the_keyboard_alone(page: Any, live_server: LiveServer) -> None:
    """Log in, open Meetings from the nav, plan a meeting and save it: keyboard only."""
    log_in_by_keyboard(page, live_server)
    with live_server.app.test_request_context():
        create_path = url_for("meetings.create")
    activate(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings"))
    activate(page, page.locator(f'main a[href="{create_path}"]'))
    # 10:00 Sofia three weeks on: never in an hour a clock change skips or repeats.
    starts = datetime.combine(utc_today() + timedelta(days=21), time(10))
    title = "Keyboard-only planning meeting"
    fill_by_keyboard(
        page,
        {
            "Series": SERIES_NAME,
            "Title": title,
            "Starts": starts,
            "Ends": starts + timedelta(hours=2),
            "Time zone": "Europe/Sofia",
        },
    )
    form = page.locator("main form[method=post]").filter(has=page.get_by_label("Title", exact=True))
    response = submit_by_keyboard(
        page, form.get_by_role("button", name=re.compile(r"^(save|create|plan)", re.I))
    )
    assert response is not None and response.status == 200, page.inner_text("main")
    assert title in page.inner_text("h1"), page.inner_text("main")[:1000]
    with live_server.app.app_context():
        meeting = db.session.scalars(db.select(Meeting).where(Meeting.title == title)).one()
        assert meeting.starts_at.minute == 0
        db.session.remove()


def test_log_an_outcome_with_the_keyboard_alone(page: Any, live_server: LiveServer) -> None:
    """Log in, open a meeting from the list, log an action with owner and due date: keys only."""
    log_in_by_keyboard(page, live_server)
    with live_server.app.app_context():
        meeting = db.session.scalars(
            db.select(Meeting).where(Meeting.number == 4, Meeting.deleted_at.is_(None))
        ).one()
        meeting_id, title = meeting.id, meeting.title
        topic = meeting.agenda_items[0].topic.title
        owner = meeting.participations[0].organisation.name
        db.session.remove()
    with live_server.app.test_request_context():
        meeting_path = url_for("meetings.detail", meeting_id=meeting_id)
    activate(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings"))
    activate(page, page.locator(f'main a[href="{meeting_path}"]').first)
    assert title in page.inner_text("h1")
    activate(page, page.get_by_role("link", name="Log an outcome"))
    due = utc_today() + timedelta(days=30)
    text = "Circulate the keyboard-only draft of the network charter"
    fill_by_keyboard(
        page,
        {
            "Agenda topic": topic,
            "Kind of outcome": "Action",
            "Text": text,
            "Owner organisation (actions)": owner,
            "Due date (actions)": due,
        },
    )
    response = submit_by_keyboard(page, page.get_by_role("button", name="Save outcome"))
    assert response is not None and response.status == 200, page.inner_text("main")[:1000]
    with live_server.app.app_context():
        action = db.session.scalars(db.select(ActionItem).where(ActionItem.text == text)).one()
        assert (action.meeting_id, action.due_date) == (meeting_id, due)
        assert action.owner_organisation.name == owner
        db.session.remove()


def test_focus_is_visible_on_nav_links(page: Any, live_server: LiveServer) -> None:
    """Tabbing to a nav link shows a visible focus ring."""
    page.goto(live_server.url + "/")
    tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Series"))
