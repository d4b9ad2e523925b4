"""Issue 15: one way to write a time; no ISO timestamps or UTC times shown to people."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.conftest import login_as
from tests.factories import make_user
from tracker.demo import seed_demo
from tracker.extensions import db
from tracker.models import Deliverable, Meeting, Organisation, Person, Role, Topic
from tracker.timefmt import pick_zone, when

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
UTC_SHOWN = re.compile(r"\bUTC\b|\+00:00|\d{2}:\d{2}Z\b")


class VisibleText(HTMLParser):
    """The text a person reads: text nodes and title/alt/aria-label, not scripts or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "option"):  # zone names in a menu are not times
            self.skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "option"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def pages() -> list[str]:
    urls = ["/", "/meetings/", "/deliverables/", "/deliverables/board", "/deliverables/timeline"]
    urls += ["/dashboard", "/topics/", "/organisations/", "/people/", "/calendar/"]
    for model, prefix in (
        (Deliverable, "/deliverables/"),
        (Meeting, "/meetings/"),
        (Topic, "/topics/"),
        (Organisation, "/organisations/"),
        (Person, "/people/"),
    ):
        urls += [f"{prefix}{i}" for i in db.session.scalars(select(model.id))]
    urls += [f"/deliverables/{i}/progress" for i in db.session.scalars(select(Deliverable.id))]
    return urls


def check(client, urls: list[str]) -> None:
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = visible(response.get_data(as_text=True))
        for pattern in (ISO, UTC_SHOWN):
            for found in pattern.finditer(text):
                problems.append((url, text[max(0, found.start() - 40) : found.end() + 20]))
    assert problems == [], problems[:5]


def test_no_iso_or_utc_times_for_anonymous_readers(client, app):
    seed_demo(db.session)
    db.session.commit()
    urls = pages()
    assert len(urls) > 30
    check(client, urls)


def test_no_iso_or_utc_times_for_a_logged_in_organiser(client, app):
    seed_demo(db.session)
    user = make_user(Role.ADMIN, name="Ana", timezone="America/New_York")
    db.session.commit()
    login_as(client, user)
    check(client, [*pages(), "/admin/audit", "/account"])


def test_meeting_zone_first_with_the_readers_beside_then_initiative():
    instant = datetime(2027, 3, 3, 13, 0, tzinfo=UTC)
    # Issue 17: the meeting's own time stays, the reader's local time is shown beside it.
    assert when(instant, "Asia/Tokyo", "Europe/Sofia") == (
        "Wed 3 Mar 2027, 15:00 Sofia · 22:00 your time (Tokyo)"
    )
    assert when(instant, "Asia/Tokyo") == "Wed 3 Mar 2027, 22:00 Tokyo"
    assert when(instant, None, "Europe/Sofia") == "Wed 3 Mar 2027, 15:00 Sofia"
    assert when(instant, None, None, "Europe/Vienna") == "Wed 3 Mar 2027, 14:00 Vienna"
    assert pick_zone("Not/AZone", None, None) == "Europe/Sofia"


@pytest.mark.sqlite_only
def test_audit_times_follow_the_readers_zone(client, app):
    user = make_user(Role.ADMIN, name="Ana", timezone="Asia/Tokyo")
    db.session.commit()
    login_as(client, user)
    page = visible(client.get("/admin/audit").get_data(as_text=True))
    assert "Tokyo" in page
