"""The page table: which endpoints count as pages and how their URLs are built."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.browser import pages
from tracker import create_app


@pytest.fixture
def site() -> Flask:
    """The real app's URL map plus two routes added by a 'later' feature."""
    app = create_app("testing")

    @app.route("/widgets/<int:widget_id>")
    def widget(widget_id: int) -> str:
        return "a page"

    @app.route("/widgets/<int:widget_id>.csv")
    def widget_csv(widget_id: int) -> str:
        return "data"

    return app


def test_pages_are_found_and_data_endpoints_left_out(site: Flask) -> None:
    """Home and lists are pages; static files, health checks and data downloads are not."""
    names = {t.name for t in pages.targets(site)}
    assert {"main.home", "organisations.list", "series.detail", "widget"} <= names
    assert "series.detail[long-word]" in names
    assert not names & {"static", "main.healthz", "widget_csv", "auth.logout"}


def test_a_page_added_later_without_a_known_argument_fails(site: Flask) -> None:
    """An endpoint whose URL argument is not in the table cannot be silently skipped."""
    target = next(t for t in pages.targets(site) if t.name == "widget")
    with pytest.raises(pages.UnbuildableEndpoint, match=r"widget_id.*URL_ARGUMENTS"):
        pages.build_path(site, target, {})


def test_known_arguments_come_from_the_demo_ids(site: Flask) -> None:
    """series_id is filled from the ids of the seeded demo records."""
    target = next(t for t in pages.targets(site) if t.name == "series.detail")
    assert pages.build_path(site, target, {"series": 7}) == "/series/7"
    long_word = next(t for t in pages.targets(site) if t.name == "series.detail[long-word]")
    assert pages.build_path(site, long_word, {"long_series": 9}) == "/series/9"
