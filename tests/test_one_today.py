"""One "today" for the whole app: UTC's date, whatever the server's own zone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.factories import make_deliverable
from tracker.extensions import db
from tracker.models import DeliverableStatus, utc_today, utcnow


@pytest.fixture
def host_on_another_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone set to one whose date is not UTC's right now."""
    # Etc/GMT-13 is 13 hours ahead of UTC, Etc/GMT+12 twelve behind: one of them is on
    # another day at any hour.
    zone = "Etc/GMT-13" if utcnow().hour >= 11 else "Etc/GMT+12"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    assert time.strftime("%Y-%m-%d") != utc_today().isoformat()
    yield
    monkeypatch.undo()
    time.tzset()


def test_overdue_follows_utcs_day_not_the_servers(app, host_on_another_day) -> None:
    due_today = make_deliverable(due_date=utc_today(), status=DeliverableStatus.DRAFTING)
    due_yesterday = make_deliverable(
        due_date=utc_today() - timedelta(days=1), status=DeliverableStatus.DRAFTING
    )
    assert not due_today.is_overdue
    assert due_yesterday.is_overdue


def test_the_dashboard_counts_overdue_by_utcs_day(client, host_on_another_day) -> None:
    for title, due in (("Late paper", -1), ("Paper due today", 0)):
        make_deliverable(
            title=title,
            due_date=utc_today() + timedelta(days=due),
            status=DeliverableStatus.DRAFTING,
        )
    db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    overdue = page[
        page.index('id="overdue-heading"') : page.index(
            "</section>", page.index('id="overdue-heading"')
        )
    ]
    assert '<span id="overdue-count">1</span>' in overdue
    assert "Late paper" in overdue and "Paper due today" not in overdue
