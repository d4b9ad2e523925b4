"""The OpenAPI 3.1 description of the read-only JSON API (JSON Schema 2020-12 schemas)."""

from __future__ import annotations

from typing import Any

from tracker.models import (
    Attendance,
    DeliverableKind,
    DeliverableStatus,
    MeetingStatus,
    OrganisationKind,
    TopicStatus,
)


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null."""
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any]) -> dict[str, Any]:
    """A closed object whose properties are all required."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def enum(values: type) -> dict[str, Any]:
    """A string from a closed vocabulary."""
    return {"type": "string", "enum": [m.value for m in values]}  # type: ignore[attr-defined]


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1}
PERCENT = {"type": "integer", "minimum": 0, "maximum": 100}
DATE = {"type": "string", "format": "date"}
INSTANT = {"type": "string", "format": "date-time", "pattern": "Z$"}
ORG_REF = obj({"id": ID, "short_name": STRING})
TOPIC_REF = obj({"id": ID, "title": STRING})

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": STRING}),
    "Organisation": obj(
        {
            "id": ID,
            "name": STRING,
            "short_name": STRING,
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "kind": enum(OrganisationKind),
            "website": STRING,
            "timezone": STRING,
            "description": STRING,
        }
    ),
    "Topic": obj({"id": ID, "title": STRING, "description": STRING, "status": enum(TopicStatus)}),
    "Meeting": obj(
        {
            "id": ID,
            "uid": STRING,
            "series": obj({"id": ID, "name": STRING}),
            "number": INTEGER,
            "title": STRING,
            "status": enum(MeetingStatus),
            "starts_at": INSTANT,
            "ends_at": INSTANT,
            "timezone": {**STRING, "description": "IANA zone the meeting was planned in"},
            "location": STRING,
            "online_url": STRING,
            "description": STRING,
            "organisations": {
                "type": "array",
                "items": obj({"id": ID, "short_name": STRING, "attendance": enum(Attendance)}),
            },
            "agenda": {"type": "array", "items": TOPIC_REF},
        }
    ),
    "Deliverable": obj(
        {
            "id": ID,
            "title": STRING,
            "kind": enum(DeliverableKind),
            "status": enum(DeliverableStatus),
            "progress": PERCENT,
            "lead_organisation": ORG_REF,
            "start_date": nullable(DATE),
            "due_date": nullable(DATE),
            "flag": nullable({"type": "string", "enum": ["overdue", "at_risk", "off_track"]}),
            "flag_reasons": {"type": "array", "items": STRING},
            "owner": nullable(obj({"id": ID, "name": STRING})),
            "health": nullable({"type": "string", "enum": ["on_track", "at_risk", "off_track"]}),
            "meeting_id": nullable(ID),
        }
    ),
    "ProgressUpdate": obj(
        {
            "recorded_on": DATE,
            "previous_percent": PERCENT,
            "percent": PERCENT,
            "note": STRING,
            "created_at": INSTANT,
        }
    ),
    "StatusChange": obj(
        {
            "from": enum(DeliverableStatus),
            "to": enum(DeliverableStatus),
            "at": INSTANT,
            "note": STRING,
        }
    ),
    "Milestone": obj(
        {
            "id": ID,
            "title": STRING,
            "due_date": nullable(DATE),
            "done": {"type": "boolean"},
            "done_at": nullable(INSTANT),
        }
    ),
}
SCHEMAS["DeliverableDetail"] = obj(
    {
        **SCHEMAS["Deliverable"]["properties"],
        "description": STRING,
        "document_url": STRING,
        "contributors": {"type": "array", "items": ORG_REF},
        "topics": {"type": "array", "items": TOPIC_REF},
        "progress_history": {"type": "array", "items": ref("ProgressUpdate")},
        "status_history": {"type": "array", "items": ref("StatusChange")},
        "milestones": {"type": "array", "items": ref("Milestone")},
    }
)
for _name in ("Meeting", "Organisation", "Topic", "Deliverable"):
    SCHEMAS[f"{_name}Page"] = obj(
        {
            "items": {"type": "array", "items": ref(_name)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
            "next": nullable(STRING),
            "prev": nullable(STRING),
        }
    )

PAGE_PARAMETERS = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
]


def json_response(description: str, schema: str) -> dict[str, Any]:
    """A JSON response described by a component schema."""
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


NOT_FOUND = json_response("No such record (or it was deleted).", "Error")


def list_path(name: str, plural: str, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A paginated list operation."""
    return {
        "get": {
            "operationId": f"list{plural}",
            "summary": f"{plural}, one page at a time",
            "parameters": PAGE_PARAMETERS + (extra or []),
            "responses": {"200": json_response(f"A page of {plural.lower()}", f"{name}Page")},
        }
    }


def detail_path(name: str, parameter: str, schema: str | None = None) -> dict[str, Any]:
    """A single-record operation."""
    return {
        "get": {
            "operationId": f"get{name}",
            "summary": f"One {name.lower()}",
            "parameters": [
                {"name": parameter, "in": "path", "required": True, "schema": ID},
            ],
            "responses": {"200": json_response(name, schema or name), "404": NOT_FOUND},
        }
    }


def query_int(name: str, description: str) -> dict[str, Any]:
    """An optional integer query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": ID,
    }


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Borderless AI tracker API",
            "version": "1.0.0",
            "description": (
                "Read-only JSON: meetings, organisations, topics and deliverables. "
                "Deleted meetings "
                "and deliverables are left out. Instants are UTC (ISO 8601 with Z); a meeting "
                "carries the IANA zone it was planned in."
            ),
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This description",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/api/meetings": list_path(
                "Meeting", "Meetings", [query_int("series", "Only meetings of this series")]
            ),
            "/api/meetings/{meeting_id}": detail_path("Meeting", "meeting_id"),
            "/api/organisations": list_path("Organisation", "Organisations"),
            "/api/organisations/{organisation_id}": detail_path("Organisation", "organisation_id"),
            "/api/topics": list_path("Topic", "Topics"),
            "/api/topics/{topic_id}": detail_path("Topic", "topic_id"),
            "/api/deliverables": list_path(
                "Deliverable",
                "Deliverables",
                [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": enum(DeliverableStatus),
                    },
                    query_int("organisation", "Only deliverables led by this organisation"),
                ],
            ),
            "/api/deliverables/{deliverable_id}": detail_path(
                "Deliverable", "deliverable_id", "DeliverableDetail"
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
