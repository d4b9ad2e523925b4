"""The home page answers "what's next?"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import make_deliverable, make_meeting, make_organisation
from tracker.models import DeliverableStatus, MeetingStatus, utc_today


def test_empty_home_says_what_to_do(client, app):
    page = client.get("/").get_data(as_text=True)
    assert "No meeting is planned yet" in page


def test_next_upcoming_and_recent(client, app):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    make_meeting(title="Far", starts_at=now + timedelta(days=40))
    make_meeting(title="Soon", starts_at=now + timedelta(days=3))
    make_meeting(title="Past", starts_at=now - timedelta(days=10), status=MeetingStatus.HELD)
    make_meeting(title="Gone", starts_at=now + timedelta(days=2), deleted_at=now)
    make_meeting(
        title="Called off", starts_at=now + timedelta(days=1), status=MeetingStatus.CANCELLED
    )
    page = client.get("/").get_data(as_text=True)
    next_section = page.split('id="next-heading"')[1].split('id="upcoming-heading"')[0]
    assert "Soon" in next_section
    assert page.index("Far") > page.index('id="upcoming-heading"')
    assert "Past" in page.split('id="recent-heading"')[1]
    assert "Gone" not in page and "Called off" not in page


def test_times_in_participant_zones(client, app):
    sofia = make_organisation(timezone="Europe/Sofia")
    london = make_organisation(timezone="Europe/London")
    vienna = make_organisation(timezone="Europe/Vienna")
    year = utc_today().year + 1
    make_meeting(
        organisations=[sofia, london, vienna],
        starts_at=datetime(year, 1, 12, 13, 0, tzinfo=UTC),
        timezone="Europe/Sofia",
    )
    page = client.get("/").get_data(as_text=True)
    assert "15:00 Sofia · 14:00 Vienna · 13:00 London" in page


def test_deliverables_due_soon_and_overdue(client, app):
    today = utc_today()
    make_deliverable(title="Late paper", due_date=today - timedelta(days=3))
    make_deliverable(title="Next paper", due_date=today + timedelta(days=5))
    make_deliverable(
        title="Done paper",
        due_date=today - timedelta(days=3),
        status=DeliverableStatus.PUBLISHED,
        progress=100,
    )
    make_deliverable(title="Later paper", due_date=today + timedelta(days=200), progress=50)
    page = client.get("/").get_data(as_text=True)
    overdue = page.split('id="flagged-heading"')[1].split('id="due-heading"')[0]
    assert "Late paper" in overdue and "Overdue" in overdue
    assert "Next paper" in page.split('id="due-heading"')[1]
    assert "Done paper" not in page and "Later paper" not in page


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"
