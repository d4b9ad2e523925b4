"""Read-only JSON endpoints: meetings, organisations, topics, deliverables, and the OpenAPI file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, jsonify, request, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from tracker.api import bp, serializers
from tracker.api.openapi import openapi_document
from tracker.extensions import db
from tracker.models import (
    AgendaItem,
    Deliverable,
    DeliverableStatus,
    DeliverableStatusChange,
    Meeting,
    Milestone,
    Organisation,
    Participation,
    ProgressUpdate,
    Topic,
    utc_today,
)
from tracker.views import int_arg

MAX_PER_PAGE = 100


def page_of(query: Select[Any], serialize: Callable[[Any], dict[str, Any]]) -> Response:
    """One page of query as {items, page, per_page, total, pages, next, prev}."""
    pagination = db.paginate(
        query,
        page=int_arg("page") or 1,
        per_page=min(int_arg("per_page") or 20, MAX_PER_PAGE),
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )
    args = request.args.to_dict()
    assert request.endpoint is not None

    def link(number: int) -> str:
        return url_for(request.endpoint, **{**args, "page": number})  # type: ignore[arg-type]

    return jsonify(
        items=[serialize(item) for item in pagination.items],
        page=pagination.page,
        per_page=pagination.per_page,
        total=pagination.total,
        pages=pagination.pages,
        next=link(pagination.page + 1) if pagination.has_next else None,
        prev=link(pagination.page - 1) if pagination.has_prev else None,
    )


def meeting_query() -> Select[Any]:
    """Live meetings with what their JSON needs."""
    return (
        select(Meeting)
        .where(Meeting.deleted_at.is_(None))
        .options(
            selectinload(Meeting.series),
            selectinload(Meeting.participations).selectinload(Participation.organisation),
            selectinload(Meeting.agenda_items).selectinload(AgendaItem.topic),
        )
    )


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.route("/meetings")
def meetings() -> Response:
    """Live meetings, oldest first; ?series= filters by series."""
    query = meeting_query().order_by(Meeting.starts_at, Meeting.id)
    series_id = int_arg("series")
    if series_id:
        query = query.where(Meeting.series_id == series_id)
    return page_of(query, serializers.meeting)


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> Response:
    """One live meeting."""
    found = db.session.scalar(meeting_query().where(Meeting.id == meeting_id))
    if found is None:
        abort(404)
    return jsonify(serializers.meeting(found))


@bp.route("/organisations")
def organisations() -> Response:
    """Organisations by name."""
    return page_of(select(Organisation).order_by(Organisation.name), serializers.organisation)


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    """One organisation."""
    return jsonify(serializers.organisation(db.get_or_404(Organisation, organisation_id)))


@bp.route("/topics")
def topics() -> Response:
    """Topics by title."""
    return page_of(select(Topic).order_by(Topic.title), serializers.topic)


@bp.route("/topics/<int:topic_id>")
def topic(topic_id: int) -> Response:
    """One topic."""
    return jsonify(serializers.topic(db.get_or_404(Topic, topic_id)))


def deliverable_query() -> Select[Any]:
    """Live deliverables with their lead organisation."""
    return (
        select(Deliverable)
        .where(Deliverable.deleted_at.is_(None))
        .options(
            selectinload(Deliverable.lead_organisation),
            selectinload(Deliverable.owner),
            selectinload(Deliverable.health_set_by),
        )
    )


@bp.route("/deliverables")
def deliverables() -> Response:
    """Live deliverables by id; ?status= and ?organisation= (lead) filter."""
    query = deliverable_query().order_by(Deliverable.id)
    status = request.args.get("status", "")
    if status in DeliverableStatus._value2member_map_:
        query = query.where(Deliverable.status == DeliverableStatus(status))
    organisation_id = int_arg("organisation")
    if organisation_id:
        query = query.where(Deliverable.lead_organisation_id == organisation_id)
    today = utc_today()
    return page_of(query, lambda d: serializers.deliverable(d, today))


@bp.route("/deliverables/<int:deliverable_id>")
def deliverable(deliverable_id: int) -> Response:
    """One live deliverable with its progress history, status history and milestones."""
    found = db.session.scalar(
        deliverable_query()
        .where(Deliverable.id == deliverable_id)
        .options(selectinload(Deliverable.contributors), selectinload(Deliverable.topics))
    )
    if found is None:
        abort(404)
    updates = list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.deliverable_id == found.id)
            .order_by(ProgressUpdate.recorded_on, ProgressUpdate.created_at, ProgressUpdate.id)
        )
    )
    changes = list(
        db.session.scalars(
            select(DeliverableStatusChange)
            .where(DeliverableStatusChange.deliverable_id == found.id)
            .order_by(DeliverableStatusChange.at, DeliverableStatusChange.id)
        )
    )
    milestones = list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.deliverable_id == found.id)
            .order_by(Milestone.due_date.is_(None), Milestone.due_date, Milestone.id)
        )
    )
    return jsonify(serializers.deliverable_detail(found, utc_today(), updates, changes, milestones))
