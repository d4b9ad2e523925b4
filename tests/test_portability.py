"""SQLite and PostgreSQL behave alike, and no raw input can make either database fail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import DataError

from tests.factories import make_organisation
from tracker.extensions import db
from tracker.inputs import MAX_ID
from tracker.models import Base, Organisation
from tracker.organisations.forms import OrganisationForm

HUGE_IDS = [MAX_ID + 1, 10**19, 10**30]
ODD_ARGUMENTS = {
    "page": str(10**30),
    "series": "²",
    "year": str(10**25),
    "organisation": "-1",
    "status": "x" * 300,
    "country": "ZZZ",
    "kind": "🙂",
    "q": "%_\\",
}


def get_rules(app, with_arguments: bool):
    """GET rules of the app (except static), with or without URL arguments."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and rule.endpoint != "static"
        and bool(rule.arguments) == with_arguments
    ]


def test_every_enum_value_fits_its_column():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.Enum) and column.type.length:
                longest = max(len(v) for v in column.type.enums)
                assert longest <= column.type.length, f"{table.name}.{column.name}"


def test_ids_beyond_the_integer_range_are_404_on_every_route(app, organiser_client):
    rules = [r for r in get_rules(app, True) if all(a.endswith("_id") for a in r.arguments)]
    assert rules, "no GET routes with id arguments were found"
    for rule in rules:
        for huge in HUGE_IDS:
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<int:{argument}>", str(huge))
            response = organiser_client.get(path)
            assert response.status_code == 404, f"{path} -> {response.status_code}"


def test_odd_query_arguments_never_cause_a_500(app, organiser_client):
    for rule in get_rules(app, False):
        with app.test_request_context():
            path = url_for(rule.endpoint, **ODD_ARGUMENTS)
        response = organiser_client.get(path)
        assert response.status_code < 500, f"{path} -> {response.status_code}"


def test_nul_characters_are_refused_with_400(app, organiser_client):
    for rule in get_rules(app, False):
        with app.test_request_context():
            path = url_for(rule.endpoint, q="a\x00b")
        assert organiser_client.get(path).status_code == 400, path
    response = organiser_client.post(
        "/organisations/new",
        data={"name": "Null\x00Org", "short_name": "N", "country": "BG", "kind": "other"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_database_refusals_become_a_400_page(app, client):
    def refuse() -> str:
        raise DataError("INSERT ...", {}, Exception("value too long"))

    app.add_url_rule("/test-only/refuse", "test_only_refuse", refuse)
    response = client.get("/test-only/refuse")
    assert response.status_code == 400
    assert "too long or out of range" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["ärzte ai", "ÄRZTE AI"])
def test_case_insensitive_uniqueness_folds_every_letter(app, typed):
    make_organisation(name="Ärzte AI", short_name="ÄAI")
    with app.test_request_context(method="POST"):
        form = OrganisationForm(data={"name": typed})
        assert not form.unique(Organisation.name, typed)
        assert form.unique(Organisation.name, "Aerzte AI")


def test_text_search_folds_every_letter(app, client):
    make_organisation(name="Ärzte AI", short_name="ÄAI")
    make_organisation(name="Zebra Unrelated", short_name="ZBR")
    page = client.get("/organisations/?q=ärzte").get_data(as_text=True)
    assert "Ärzte AI" in page and "Zebra Unrelated" not in page


def test_timestamps_come_back_aware_utc(app):
    organisation = make_organisation()
    db.session.commit()  # read back below on a connection of its own
    db.session.expire_all()
    loaded = db.session.get(Organisation, organisation.id)
    assert loaded.created_at.utcoffset().total_seconds() == 0
    with db.engine.connect() as connection:
        year = connection.scalar(sa.select(sa.extract("year", Organisation.created_at)).limit(1))
    assert int(year) == loaded.created_at.year


def test_filter_years_come_from_the_database_as_numbers(app):
    from datetime import UTC, datetime

    from tests.factories import make_meeting
    from tracker.views import filter_options

    make_meeting(starts_at=datetime(2021, 12, 31, 23, 30, tzinfo=UTC))
    make_meeting(starts_at=datetime(2023, 6, 1, 12, 0, tzinfo=UTC))
    with app.test_request_context():
        assert filter_options().years == [("2023", "2023"), ("2021", "2021")]
