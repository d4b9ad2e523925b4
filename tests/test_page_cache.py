"""The page cache: anonymous pages served again until any data changes, in any worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, update

from tests.conftest import build_app
from tests.factories import make_organisation
from tracker import page_cache
from tracker.extensions import db
from tracker.models import Organisation


@pytest.fixture
def cached_client(cached_app):
    """A client of the app with the page cache switched on, as in production."""
    return cached_app.test_client()


def fetch(client, path: str = "/organisations/") -> tuple[str, bool]:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers.get("X-Page-Cache") == "hit"


def test_second_anonymous_view_is_served_from_the_cache(cached_client):
    make_organisation(name="AI Austria")
    first, first_hit = fetch(cached_client)
    second, second_hit = fetch(cached_client)
    assert not first_hit and second_hit
    assert first == second and "AI Austria" in second


def test_a_cached_page_needs_no_pooled_connection(cached_client):
    """A hit reads the data counter on the state connection, not through the pool."""
    make_organisation(name="AI Sweden")
    db.session.commit()
    fetch(cached_client)
    db.session.commit()  # the test shares the requests' session: give its connection back
    checkouts = []

    def count(*args):
        checkouts.append(args)

    event.listen(db.engine, "checkout", count)
    try:
        page, hit = fetch(cached_client)
    finally:
        event.remove(db.engine, "checkout", count)
    assert hit and "AI Sweden" in page
    assert checkouts == []


def test_an_edit_makes_the_page_fresh(cached_client):
    organisation = make_organisation(name="AI Austria")
    fetch(cached_client)
    organisation.name = "AI Austria (renamed)"
    db.session.commit()
    page, hit = fetch(cached_client)
    assert not hit and "AI Austria (renamed)" in page


def test_a_bulk_update_makes_the_page_fresh(cached_client):
    make_organisation(name="AI Serbia")
    fetch(cached_client)
    db.session.execute(update(Organisation).values(name="AI Serbia (bulk)"))
    db.session.commit()
    page, hit = fetch(cached_client)
    assert not hit and "AI Serbia (bulk)" in page


def test_an_edit_in_another_worker_makes_the_page_fresh(tmp_path: Path, pinned_minute):
    first = build_app(tmp_path, TRACKER_PAGE_CACHE=True)
    second = build_app(tmp_path, TRACKER_PAGE_CACHE=True)  # same SQLite file: another worker
    with first.app_context():
        make_organisation(name="Before")
        db.session.commit()
    reader = first.test_client()
    fetch(reader)
    assert fetch(reader)[1]
    with second.app_context():
        organisation = db.session.scalars(db.select(Organisation)).one()
        organisation.name = "After"
        db.session.commit()
        db.session.remove()
    page, hit = fetch(reader)
    assert not hit and "After" in page
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_pages_with_a_form_token_are_never_cached(cached_client):
    cached_client.get("/login")
    assert cached_client.get("/login").headers.get("X-Page-Cache") is None


def test_a_pending_flash_is_shown_not_a_cached_page(cached_client):
    fetch(cached_client, "/")
    with cached_client.session_transaction() as session:
        session["_flashes"] = [("info", "You are logged out.")]
    page, hit = fetch(cached_client, "/")
    assert not hit and "You are logged out." in page


def test_pages_expire_when_the_minute_changes(cached_client, monkeypatch):
    from datetime import UTC, datetime

    make_organisation()
    monkeypatch.setattr(page_cache, "utcnow", lambda: datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    fetch(cached_client)
    assert fetch(cached_client)[1]
    monkeypatch.setattr(page_cache, "utcnow", lambda: datetime(2030, 1, 1, 12, 1, tzinfo=UTC))
    assert not fetch(cached_client)[1]


def test_cache_holds_a_bounded_number_of_pages():
    pages = page_cache.PageCache(size=2)
    for n in range(3):
        pages.put((n,), (b"page", "text/html"))
    assert pages.get((0,)) is None and pages.get((2,)) is not None


def test_cache_drops_the_oldest_pages_beyond_its_byte_budget():
    pages = page_cache.new_page_cache(size=10, budget=10)
    for n in range(3):
        pages.put((n,), (b"12345", "text/html"))
    assert pages.get((0,)) is None and pages.get((1,)) is not None and pages.get((2,)) is not None
    assert pages.weight == 10
