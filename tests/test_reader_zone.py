"""Issue 17, point 1: every time shown also in the reader's own zone, on every page type."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import freeze_clock, login_as
from tests.factories import (
    make_deliverable,
    make_meeting,
    make_organisation,
    make_person,
    make_series,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.models import DeliverableStatus, DeliverableStatusChange, Meeting, Role
from tracker.outcomes.queries import meeting_outcomes
from tracker.outcomes.report import report_markdown
from tracker.timefmt import when, your_time
from tracker.zones.reader import BROWSER_COOKIE, CHOSEN_COOKIE, NO_CONVERSION

# Times rendered in the reader's zone: the same simple look-ups on both databases.
pytestmark = pytest.mark.sqlite_only

# Wed 3 Mar 2027 13:00 UTC: 15:00 in Sofia (EET), 08:00 in New York (EST), 22:00 in Tokyo.
INSTANT = datetime(2027, 3, 3, 13, 0, tzinfo=UTC)
SOFIA = "Wed 3 Mar 2027, 15:00 Sofia"
NEW_YORK = f"{SOFIA} · 08:00 your time (New York)"
TOKYO = f"{SOFIA} · 22:00 your time (Tokyo)"


@pytest.fixture
def board(app):
    """A Sofia meeting with a London partner, on a topic, and its ids."""
    london = make_organisation(name="AI London", short_name="AIL", timezone="Europe/London")
    series = make_series(name="Board")
    topic = make_topic(title="Compute sharing")
    meeting = make_meeting(
        series=series,
        title="Board meeting",
        starts_at=INSTANT,
        organisations=[london],
        topics=[topic],
    )
    db.session.commit()
    return {
        "meeting": meeting.id,
        "series": series.id,
        "topic": topic.id,
        "organisation": london.id,
    }


def page_urls(ids: dict[str, int]) -> list[str]:
    """Every page type that shows the board meeting's time."""
    return [
        "/",
        "/meetings/",
        f"/meetings/{ids['meeting']}",
        f"/series/{ids['series']}",
        f"/topics/{ids['topic']}/timeline",
        f"/organisations/{ids['organisation']}",
        f"/meetings/{ids['meeting']}/report",
    ]


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def main_part(html: str) -> str:
    """The page without its footer (which names the reader's zone)."""
    return html.split('<footer class="site-footer">')[0]


# ---- the formatter -------------------------------------------------------------------------


def test_when_puts_the_readers_clock_beside_the_meetings():
    assert when(INSTANT, "America/New_York", "Europe/Sofia") == NEW_YORK
    assert when(INSTANT, "Asia/Tokyo", "Europe/Sofia") == TOKYO
    assert when(INSTANT, None, "Europe/Sofia") == SOFIA
    assert when(INSTANT, "Europe/Sofia", "Europe/Sofia") == SOFIA


def test_same_clock_in_another_zone_adds_nothing():
    # Athens and Sofia both read 15:00.
    assert when(INSTANT, "Europe/Athens", "Europe/Sofia") == SOFIA


def test_a_reading_on_another_day_carries_its_weekday():
    late = datetime(2027, 3, 3, 21, 30, tzinfo=UTC)  # 23:30 Sofia, Thu 06:30 Tokyo
    assert your_time(late, "Europe/Sofia", "Asia/Tokyo") == "Thu 06:30 your time (Tokyo)"


def test_a_bad_reader_zone_is_ignored():
    assert when(INSTANT, "Mars/Olympus", "Europe/Sofia") == SOFIA
    assert when(INSTANT, "EST", "Europe/Sofia") == SOFIA


def test_without_a_meeting_zone_the_time_is_in_the_readers_zone():
    in_new_york = when(INSTANT, "America/New_York", None, "Europe/Sofia")
    assert in_new_york == "Wed 3 Mar 2027, 08:00 New York"
    assert when(INSTANT, None, None, "Europe/Sofia") == SOFIA


def test_dates_stay_dates():
    assert when(date(2027, 3, 3), "America/New_York", "Europe/Sofia") == "Wed 3 Mar 2027"


def test_us_dst_weeks_follow_the_readers_rules():
    # 16 Mar 2027: New York already on EDT, Sofia not yet on EEST: 6 hours apart, not 7.
    instant = datetime(2027, 3, 16, 13, 0, tzinfo=UTC)
    assert your_time(instant, "Europe/Sofia", "America/New_York") == "09:00 your time (New York)"


# ---- every page type -----------------------------------------------------------------------


def test_every_page_type_shows_the_chosen_zone(client, board):
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    for url in page_urls(board):
        assert NEW_YORK in body(client.get(url)), url


def test_every_page_type_shows_the_browsers_zone(client, board):
    client.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    for url in page_urls(board):
        assert TOKYO in body(client.get(url)), url


def test_no_choice_shows_todays_output(client, board):
    for url in page_urls(board):
        page = body(client.get(url))
        assert SOFIA in page, url
        assert "your time" not in page, url
        assert "Show times in your own zone" in page, url


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (CHOSEN_COOKIE, "Mars/Olympus"),
        (CHOSEN_COOKIE, "CEST"),
        (CHOSEN_COOKIE, "../../etc/passwd"),
        (CHOSEN_COOKIE, "x" * 3000),
        (BROWSER_COOKIE, "Not a zone"),
        (CHOSEN_COOKIE, NO_CONVERSION),
    ],
)
def test_a_bad_cookie_or_no_conversion_changes_nothing(client, board, name, value):
    url = f"/meetings/{board['meeting']}"
    plain = main_part(body(client.get(url)))
    client.set_cookie(name, value)
    assert main_part(body(client.get(url))) == plain


def test_no_conversion_wins_over_the_browsers_zone(client, board):
    client.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    client.set_cookie(CHOSEN_COOKIE, NO_CONVERSION)
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert SOFIA in page and "your time" not in page


def test_a_chosen_zone_wins_over_the_browsers(client, board):
    client.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert NEW_YORK in page and "Tokyo" not in page


def test_the_account_setting_wins_over_the_cookie(client, board, monkeypatch):
    # A member of the meeting's organisation: "My work" at / lists the meeting while it is ahead.
    freeze_clock(monkeypatch, INSTANT - timedelta(days=1))
    person = make_person(organisation_id=board["organisation"])
    user = make_user(Role.VIEWER, timezone="Asia/Tokyo", person_id=person.id)
    db.session.commit()
    login_as(client, user)
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    for url in [*page_urls(board), "/next"]:
        page = body(client.get(url))
        assert TOKYO in page and "New York" not in page, url


def test_a_member_without_a_home_zone_gets_the_cookie(client, board):
    user = make_user(Role.VIEWER)
    db.session.commit()
    login_as(client, user)
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    assert NEW_YORK in body(client.get(f"/meetings/{board['meeting']}"))


def test_the_meetings_end_time_gets_the_readers_clock_too(client, board):
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert "Wed 3 Mar 2027, 17:00 Sofia · 10:00 your time (New York)" in page


def test_the_partner_zones_line_stays(client, board):
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert "15:00 Sofia · 13:00 London" in page


# ---- reports -------------------------------------------------------------------------------


def test_markdown_report_gets_the_readers_time(client, board):
    url = f"/meetings/{board['meeting']}/report.md"
    plain = body(client.get(url))
    assert "2027-03-03 15:00 (Europe/Sofia)\n" in plain and "your time" not in plain
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    text = body(client.get(url))
    assert "2027-03-03 15:00 (Europe/Sofia) · 08:00 your time (New York)" in text
    assert text.replace(" · 08:00 your time (New York)", "") == plain


def test_markdown_report_builder_without_a_reader_is_unchanged(board):
    outcomes = meeting_outcomes(db.session, db.session.get_one(Meeting, board["meeting"]))
    assert report_markdown(outcomes, True) == report_markdown(outcomes, True, None)
    assert "08:00 your time (New York)" in report_markdown(outcomes, True, "America/New_York")


# ---- instants without a meeting: progress history and the audit log -----------------------


def test_progress_history_is_in_the_readers_zone(client, app):
    deliverable = make_deliverable(title="Compute map")
    db.session.add(
        DeliverableStatusChange(
            deliverable=deliverable,
            from_status=DeliverableStatus.PLANNED,
            to_status=DeliverableStatus.DRAFTING,
            at=INSTANT,
        )
    )
    db.session.commit()
    url = f"/deliverables/{deliverable.id}/progress"
    assert SOFIA in body(client.get(url))
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    assert "Wed 3 Mar 2027, 08:00 New York" in body(client.get(url))


def test_audit_log_is_in_the_readers_zone(client, app):
    admin = make_user(Role.ADMIN, timezone="Asia/Tokyo")
    make_organisation(name="Audited")
    db.session.commit()
    login_as(client, admin)
    page = body(client.get("/admin/audit"))
    assert re.search(r"\d{2}:\d{2} Tokyo", page)
    admin.timezone = None
    db.session.commit()
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    assert re.search(r"\d{2}:\d{2} New York", body(client.get("/admin/audit")))


def test_search_results_work_with_a_zone(client, board):
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    # Search hits carry dates only, which need no zone.
    page = body(client.get("/search?q=Board"))
    assert f'href="/meetings/{board["meeting"]}"' in page and "Wed 3 Mar 2027" in page


# ---- the zone picker -----------------------------------------------------------------------


def cookie_value(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def test_picker_keeps_a_valid_zone_and_goes_back(client, board):
    back = f"/meetings/{board['meeting']}"
    response = client.post("/zone", data={"zone": "America/New_York", "next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    assert cookie_value(client, CHOSEN_COOKIE) == "America/New_York"
    page = body(client.get(back))
    assert NEW_YORK in page
    assert "Times are now also shown in your zone (New York)." in page


def test_picker_refuses_a_bad_zone_next_to_the_field(client, board):
    response = client.post("/zone", data={"zone": "Mars/Olympus", "next": "/"})
    assert response.status_code == 400
    assert "Choose a real IANA time zone" in response.get_data(as_text=True)
    assert cookie_value(client, CHOSEN_COOKIE) is None


def test_picker_needs_a_csrf_token(client, board):
    response = client.post("/zone", data={"zone": "America/New_York"}, csrf=False)
    assert response.status_code == 400
    assert cookie_value(client, CHOSEN_COOKIE) is None


def test_picker_never_sends_the_reader_off_site(client, board):
    response = client.post("/zone", data={"zone": "Asia/Tokyo", "next": "//evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_picker_can_turn_conversion_off(client, board):
    client.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    client.post("/zone", data={"zone": NO_CONVERSION, "next": "/"})
    assert cookie_value(client, CHOSEN_COOKIE) == NO_CONVERSION
    assert "your time" not in body(client.get(f"/meetings/{board['meeting']}"))


def test_picker_preselects_the_chosen_then_the_browsers_zone(client, app):
    selected = re.compile(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected')

    def preselected() -> str | None:
        found = selected.search(body(client.get("/zone")))
        return (found.group(1) or found.group(2)) if found else None

    assert preselected() in (None, "")
    client.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    assert preselected() == "Asia/Tokyo"
    client.set_cookie(CHOSEN_COOKIE, "America/New_York")
    assert preselected() == "America/New_York"


def test_footer_links_to_the_picker_with_the_way_back(client, board):
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert f'href="/zone?next=/meetings/{board["meeting"]}"' in page


def test_footer_tells_the_script_which_zones_the_page_used(client, board):
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert 'data-time-zones="Europe/Sofia"' in page and 'data-zone-source=""' in page
    client.set_cookie(CHOSEN_COOKIE, "Asia/Tokyo")
    page = body(client.get(f"/meetings/{board['meeting']}"))
    assert 'data-zone-source="chosen"' in page


# ---- the page cache ------------------------------------------------------------------------


def test_page_cache_varies_by_the_readers_zone(cached_app, board):
    app = cached_app
    url = f"/meetings/{board['meeting']}"
    new_york, tokyo, plain = app.test_client(), app.test_client(), app.test_client()
    new_york.set_cookie(CHOSEN_COOKIE, "America/New_York")
    tokyo.set_cookie(BROWSER_COOKIE, "Asia/Tokyo")
    first = new_york.get(url)
    assert NEW_YORK in body(first) and first.headers.get("X-Page-Cache") != "hit"
    second = tokyo.get(url)
    assert TOKYO in body(second) and second.headers.get("X-Page-Cache") != "hit"
    third = plain.get(url)
    assert "your time" not in body(third) and third.headers.get("X-Page-Cache") != "hit"
    again = new_york.get(url)
    assert again.headers.get("X-Page-Cache") == "hit" and NEW_YORK in body(again)
    # A bad cookie shares the page of readers without a zone.
    bad = app.test_client()
    bad.set_cookie(CHOSEN_COOKIE, "Mars/Olympus")
    shared = bad.get(url)
    assert shared.headers.get("X-Page-Cache") == "hit" and "your time" not in body(shared)


# ---- the archive is for everyone -----------------------------------------------------------


def test_the_downloaded_archive_does_not_follow_the_admins_zone(client, board):
    admin = make_user(Role.ADMIN, timezone="Asia/Tokyo")
    db.session.commit()
    login_as(client, admin)
    response = client.get("/admin/archive/archive.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive_zip:
        pages = [archive_zip.read(name).decode() for name in archive_zip.namelist()]
    text = "".join(page for page in pages)
    assert SOFIA in text
    assert "your time" not in text and "Tokyo" not in text


def test_a_home_zone_saved_on_the_account_page_is_used(client, board):
    user = make_user(Role.VIEWER, name="Mia")
    db.session.commit()
    login_as(client, user)
    assert "beside each meeting" in body(client.get("/account"))
    response = client.post(
        "/account/profile", data={"profile-name": "Mia", "profile-timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    assert TOKYO in body(client.get(f"/meetings/{board['meeting']}"))
