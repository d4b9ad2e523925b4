"""Shared UI pieces without a browser: form macro, navigation, flashes, empty states, <time>."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask, render_template_string

from tests import factories
from tests.conftest import CSRFClient

# Rendering and validation only: the SQL cannot differ between the databases.
pytestmark = pytest.mark.sqlite_only

FIELD_TEMPLATE = (
    """{% from "_macros/forms.html" import field %}{{ field(form.name, hint='Say it') }}"""
)


def test_field_macro_links_hint_and_error_to_the_input(app: Flask) -> None:
    """A field with an error: label for the input, aria-invalid, aria-describedby -> hint, error."""
    from tracker.organisations.forms import OrganisationForm

    with app.test_request_context(method="POST", data={}):
        form = OrganisationForm()
        form.validate()
        html = render_template_string(FIELD_TEMPLATE, form=form)
    assert '<label for="name">Name</label>' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="name-hint name-error"' in html
    assert re.search(r'<p class="error" id="name-error">.*required', html, re.S)
    assert 'id="name-hint"' in html


def test_field_macro_passes_extra_attributes(app: Flask) -> None:
    """Keyword arguments such as autocomplete end up on the input."""
    from tracker.auth.forms import LoginForm

    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/forms.html" import field %}'
            "{{ field(form.email, autocomplete='username') }}",
            form=LoginForm(),
        )
    assert 'autocomplete="username"' in html
    assert "aria-describedby" not in html


def test_nav_marks_the_current_section(client: CSRFClient) -> None:
    """The Organisations tab carries aria-current on an organisation page, Home does not."""
    html = client.get("/organisations/").get_data(as_text=True)
    icon = r"(<svg[^>]*>.*?</svg>)?"
    assert re.search(
        rf'<a href="/organisations/" aria-current="page">{icon}Organisations</a>', html
    )
    assert '<a href="/" aria-current="page">' not in html


@pytest.mark.parametrize(
    ("path", "tab", "current"),
    [
        ("/", "Home", "page"),
        ("/deliverables/", "Deliverables", "page"),
        ("/deliverables/board", "Deliverables", "true"),
        ("/deliverables/timeline", "Deliverables", "true"),
        ("/dashboard", "Dashboard", "page"),
        ("/subscribe", "Subscribe", "page"),
    ],
)
def test_nav_marks_exactly_one_tab_by_the_address(
    client: CSRFClient, path: str, tab: str, current: str
) -> None:
    """Pages under /deliverables mark Deliverables, even those of the progress feature."""
    response = client.get(path)
    assert response.status_code == 200
    nav = response.get_data(as_text=True).split('<nav aria-label="Main">')[1].split("</nav>")[0]
    marked = re.findall(r'aria-current="(\w+)">(?:<svg[^>]*>.*?</svg>)?([^<]+)</a>', nav)
    assert marked == [(current, tab)]


def test_empty_list_says_what_to_do_next(organiser_client: CSRFClient) -> None:
    """An empty organisation list invites an organiser to add the first one."""
    html = organiser_client.get("/organisations/").get_data(as_text=True)
    assert "No organisations match." in html
    assert "Add the first organisation" in html


def test_flash_message_is_announced(organiser_client: CSRFClient) -> None:
    """After saving, the flash sits in a status region on the next page."""
    series = factories.make_series(name="Flash series")
    response = organiser_client.post(
        f"/series/{series.id}/edit",
        data={"name": "Flash series", "timezone": "Europe/Sofia", "version": series.version},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert '<div class="flashes" role="status">' in html
    assert 'class="flash flash-' in html


def test_time_datetime_has_whole_seconds(app: Flask) -> None:
    """The iso filter drops microseconds (HTML allows three fraction digits at most)."""
    with app.test_request_context():
        text = render_template_string(
            "{{ a|iso }} {{ b|iso }}",
            a=datetime(2027, 3, 3, 13, 0, 5, 123456, tzinfo=UTC),
            b=date(2027, 3, 3),
        )
    assert text == "2027-03-03T13:00:05+00:00 2027-03-03"
