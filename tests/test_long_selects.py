"""Selects whose options are rendered once per language (zones, countries, a meeting's rows):
the same HTML as WTForms gives."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.widgets import Select

from tests import factories
from tests.conftest import build_app
from tracker.forms import (
    CountryField,
    FixedOptionsSelect,
    ZoneField,
    country_choices,
    select_choices,
)
from tracker.i18n.locale import LANGUAGE_COOKIE
from tracker.meetings.forms import MeetingForm


class LongSelects(FlaskForm):
    zone = ZoneField()
    country = CountryField()
    other = SelectField(
        "Other",
        choices=select_choices([('a"b', "<Quoted & marked>"), ("plain", "")], ""),
        widget=FixedOptionsSelect(),
    )


@pytest.fixture
def bare_app(tmp_path) -> Flask:
    return build_app(tmp_path)


def wtforms_html(field, **kwargs) -> str:
    return str(Select()(field, **kwargs))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"zone": "Europe/Vienna", "country": "SE", "other": 'a"b'},
        {"zone": "", "country": "", "other": "plain"},
        {"zone": "Not/AZone", "country": "XX", "other": "<nope>"},
    ],
)
@pytest.mark.parametrize("language", ["en", "de", "sr"])
def test_the_html_is_what_wtforms_renders(bare_app, data, language) -> None:
    headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
    with bare_app.test_request_context(headers=headers):
        form = LongSelects(meta={"csrf": False}, data=data)
        for field in (form.zone, form.country, form.other):
            assert str(field()) == wtforms_html(field)
            assert str(field(required=True, class_="wide")) == wtforms_html(
                field, required=True, class_="wide"
            )
            assert str(field()).count(" selected ") == (
                1 if data.get(field.name) in ("Europe/Vienna", "SE", 'a"b', "", "plain") else 0
            )


def test_labels_and_values_are_escaped(bare_app) -> None:
    with bare_app.test_request_context():
        html = str(LongSelects(meta={"csrf": False}, data={"other": 'a"b'}).other())
    assert '<option selected value="a&#34;b">&lt;Quoted &amp; marked&gt;</option>' in html
    assert '<option value="plain">plain</option>' in html  # an empty label shows the value


def test_countries_are_named_and_sorted_in_the_readers_language(bare_app) -> None:
    with bare_app.test_request_context(headers={"Cookie": f"{LANGUAGE_COOKIE}=de"}):
        german = dict(country_choices())
        order = [label for _, label in country_choices()]
    with bare_app.test_request_context():
        english = dict(country_choices())
    assert german["AT"] == "Österreich (AT)" and english["AT"] == "Austria (AT)"
    assert order.index("Österreich (AT)") < order.index("Polen (PL)")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_meeting_forms_rows_are_what_wtforms_renders(app, language) -> None:
    """The organisation, attendance and topic selects of every participant and agenda row."""
    organisation = factories.make_organisation(name="Ö & <Org>", short_name="Ö")
    factories.make_organisation(name="Other", short_name="O")
    topic = factories.make_topic(title='"Quoted" topic')
    data = {
        "participants-0-organisation": str(organisation.id),
        "participants-0-attendance": "attended",
        "agenda-0-topic": str(topic.id),
    }
    headers = {"Cookie": f"{LANGUAGE_COOKIE}={language}"}
    with app.test_request_context(method="POST", data=data, headers=headers):
        form = MeetingForm(meta={"csrf": False})
        rows = [(r.form.organisation, r.form.attendance) for r in form.participants]
        fields = [f for pair in rows for f in pair] + [r.form.topic for r in form.agenda]
        assert len(fields) > 12
        for field in fields:
            assert isinstance(field.widget, FixedOptionsSelect)
            assert str(field()) == wtforms_html(field)
        chosen = str(form.participants[0].form.organisation())
        assert f'<option selected value="{organisation.id}">' in chosen
        assert "&lt;Org&gt;" in chosen
        assert f'<option selected value="{topic.id}">' in str(form.agenda[0].form.topic())
        assert "<option selected " not in str(form.agenda[1].form.topic())  # a blank row
