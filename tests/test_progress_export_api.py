"""CSV exports and the read-only JSON API, checked against its own OpenAPI description."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.factories import (
    make_deliverable,
    make_meeting,
    make_organisation,
    make_topic,
    make_user,
)
from tracker.extensions import db
from tracker.models import DeliverableStatus, Milestone, utc_today, utcnow
from tracker.progress.export import cell
from tracker.progress.operations import add_progress_update, change_status

S = DeliverableStatus


def rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (7, 7),
        (None, ""),
        (True, "yes"),
        (date(2027, 1, 2), "2027-01-02"),
        (datetime(2027, 1, 2, 13, 0, tzinfo=UTC), "2027-01-02T13:00:00Z"),
    ],
)
def test_cells_are_guarded_against_formulas(value, expected):
    assert cell(value) == expected


def test_deliverables_csv(client, app):
    lead = make_organisation(short_name="AIRS")
    topic = make_topic(title="Regulation")
    make_deliverable(
        title="=cmd|' /C calc'!A0", lead_organisation=lead, topics=[topic], progress=30
    )
    make_deliverable(title="Deleted", deleted_at=utcnow())
    response = client.get("/deliverables/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    (row,) = rows(response)
    assert row["title"].startswith("'=")
    assert row["lead_organisation"] == "AIRS" and row["topics"] == "Regulation"
    assert row["progress_percent"] == "30" and row["status"] == "planned"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", row["created_at_utc"])


def test_progress_csv_has_the_history(client, app):
    user = make_user(name="Kristina")
    d = make_deliverable(title="Paper", status=S.DRAFTING)
    add_progress_update(db.session, d, 20, "-started", user)
    add_progress_update(db.session, d, 45, "Half", user)
    db.session.commit()
    got = rows(client.get("/deliverables/progress.csv"))
    assert [(r["previous_percent"], r["percent"], r["note"], r["by"]) for r in got] == [
        ("0", "20", "'-started", "Kristina"),
        ("20", "45", "Half", "Kristina"),
    ]
    assert all("@" not in r["by"] for r in got)  # no e-mail addresses


def test_meetings_csv_in_utc_with_zone(client, app):
    org = make_organisation(short_name="AIAT")
    start = datetime(2027, 3, 30, 12, 0, tzinfo=UTC)  # 15:00 in Sofia (EEST)
    make_meeting(
        title="Spring",
        starts_at=start,
        timezone="Europe/Sofia",
        organisations=[org],
        topics=[make_topic(title="Ethics")],
    )
    make_meeting(title="Gone", deleted_at=utcnow())
    (row,) = rows(client.get("/meetings/export.csv"))
    assert row["title"] == "Spring"
    assert row["starts_at_utc"] == "2027-03-30T12:00:00Z"
    assert row["ends_at_utc"] == "2027-03-30T14:00:00Z"
    assert row["timezone"] == "Europe/Sofia"
    assert row["local_start"] == "2027-03-30T15:00:00+03:00"
    assert row["organisations"] == "AIAT" and row["topics"] == "Ethics"


# --- API -------------------------------------------------------------------------------------


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validate(spec, schema_name, payload):
    """Validate payload against a component schema of the spec (refs resolved in the spec)."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(payload)


def response_schema(spec, path, status):
    """The component schema name the spec gives for path's GET response status."""
    content = spec["paths"][path]["get"]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


@pytest.fixture
def data(app):
    """A small world for the API: two of everything, plus deleted rows that must not show."""
    user = make_user()
    org, partner = make_organisation(), make_organisation(website="https://x.example")
    topic = make_topic()
    meeting = make_meeting(organisations=[org, partner], topics=[topic])
    make_meeting(deleted_at=utcnow())
    d = make_deliverable(
        lead_organisation=org,
        contributors=[partner],
        topics=[topic],
        meeting=meeting,
        status=S.DRAFTING,
        due_date=utc_today() + timedelta(days=3),
    )
    add_progress_update(db.session, d, 40, "Draft", user)
    change_status(db.session, d, S.IN_REVIEW, user, note="Ready")
    db.session.add(
        Milestone(deliverable=d, title="Review", due_date=utc_today(), done=True, done_at=utcnow())
    )
    make_deliverable(due_date=None, start_date=None)
    gone = make_deliverable(deleted_at=utcnow())
    db.session.commit()
    return {"org": org, "topic": topic, "meeting": meeting, "deliverable": d, "gone": gone}


def test_openapi_document_is_3_1_and_describes_every_api_route(app, spec):
    assert spec["openapi"].startswith("3.1")
    Draft202012Validator.check_schema({"components": spec["components"]})
    routes = {
        re.sub(r"<(?:int:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(spec["paths"])
    for path, item in spec["paths"].items():
        for name in re.findall(r"{(\w+)}", path):
            assert any(p["name"] == name and p["in"] == "path" for p in item["get"]["parameters"])


def test_every_api_response_matches_the_spec(client, spec, data):
    ids = {
        "meeting_id": data["meeting"].id,
        "organisation_id": data["org"].id,
        "topic_id": data["topic"].id,
        "deliverable_id": data["deliverable"].id,
    }
    checked = 0
    for path in spec["paths"]:
        if path == "/api/openapi.json":
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "application/json"
        validate(spec, response_schema(spec, path, 200), response.get_json())
        checked += 1
        if "{" in path:
            missing = client.get(re.sub(r"{(\w+)}", "99999", path))
            assert missing.status_code == 404 and missing.mimetype == "application/json"
            validate(spec, response_schema(spec, path, 404), missing.get_json())
            checked += 1
    assert checked == 12


def test_api_deliverable_detail_content(client, spec, data):
    d = data["deliverable"]
    body = client.get(f"/api/deliverables/{d.id}").get_json()
    assert body["status"] == "in_review" and body["progress"] == 40
    assert body["flag"] == "at_risk"
    assert [(u["previous_percent"], u["percent"]) for u in body["progress_history"]] == [(0, 40)]
    assert [(c["from"], c["to"], c["note"]) for c in body["status_history"]] == [
        ("drafting", "in_review", "Ready")
    ]
    assert body["milestones"][0]["done"] is True
    assert body["contributors"][0]["id"] != body["lead_organisation"]["id"]


def test_api_excludes_deleted(client, data):
    items = client.get("/api/deliverables").get_json()["items"]
    assert data["gone"].id not in [i["id"] for i in items] and len(items) == 2
    assert client.get(f"/api/deliverables/{data['gone'].id}").status_code == 404
    assert len(client.get("/api/meetings").get_json()["items"]) == 1


def test_api_pagination(client, spec, app):
    for _ in range(5):
        make_organisation()
    first = client.get("/api/organisations?per_page=2").get_json()
    validate(spec, "OrganisationPage", first)
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert first["prev"] is None and "page=2" in first["next"]
    last = client.get("/api/organisations?per_page=2&page=3").get_json()
    assert len(last["items"]) == 1 and last["next"] is None
    beyond = client.get("/api/organisations?per_page=2&page=9").get_json()
    assert beyond["items"] == []
    capped = client.get("/api/organisations?per_page=1000").get_json()
    assert capped["per_page"] == 100


def test_api_filters(client, data):
    org = data["org"]
    by_org = client.get(f"/api/deliverables?organisation={org.id}").get_json()["items"]
    assert [i["id"] for i in by_org] == [data["deliverable"].id]
    by_status = client.get("/api/deliverables?status=in_review").get_json()["items"]
    assert [i["id"] for i in by_status] == [data["deliverable"].id]
    series = data["meeting"].series_id
    assert len(client.get(f"/api/meetings?series={series}").get_json()["items"]) == 1


def test_api_is_read_only(client, data):
    response = client.post("/api/deliverables", data={})
    assert response.status_code == 405 and response.mimetype == "application/json"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard",
        "/deliverables/board",
        "/deliverables/timeline",
        "/deliverables/export.csv",
        "/deliverables/progress.csv",
        "/meetings/export.csv",
        "/api/deliverables",
        "/api/openapi.json",
    ],
)
def test_private_mode_hides_progress_pages_exports_and_api(client, app, url):
    app.config["TRACKER_PUBLIC_READ"] = False
    response = client.get(url)
    if url.startswith("/api/"):  # programs get a JSON 401, not a login page (issue 13)
        assert response.status_code == 401 and response.is_json
        return
    assert response.status_code == 302 and "/login" in response.location
