"""Topic views."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import extract, or_, select
from werkzeug.wrappers import Response

from tracker.audit import visible_audit_for
from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.models import AgendaItem, Meeting, Topic, TopicStatus
from tracker.models.enums import choices
from tracker.outcomes.queries import topic_timeline
from tracker.topics import bp
from tracker.topics.forms import TopicForm
from tracker.topics.operations import create_topic, delete_topic, update_topic
from tracker.topics.queries import reference_text, references
from tracker.views import confirm_and_delete, filter_options, int_arg, paginate, save_edit


@bp.route("/")
def list() -> str:
    """All topics, filtered by status, series, year and text."""
    query = select(Topic).order_by(Topic.title)
    status = request.args.get("status", "")
    q = request.args.get("q", "").strip()
    series_id = int_arg("series")
    year = int_arg("year")
    if status in TopicStatus._value2member_map_:
        query = query.where(Topic.status == TopicStatus(status))
    if q:
        like = f"%{q}%"
        query = query.where(or_(Topic.title.ilike(like), Topic.description.ilike(like)))
    if series_id or year:
        sub = select(AgendaItem.topic_id).join(Meeting).where(Meeting.deleted_at.is_(None))
        if series_id:
            sub = sub.where(Meeting.series_id == series_id)
        if year:
            sub = sub.where(extract("year", Meeting.starts_at) == year)
        query = query.where(Topic.id.in_(sub))
    return render_template(
        "topics/list.html",
        pagination=paginate(query),
        filter_options=filter_options(),
        statuses=choices(TopicStatus),
    )


@bp.route("/<int:topic_id>")
def detail(topic_id: int) -> str:
    """One topic: its timeline of meetings, outcomes and actions, and its deliverables."""
    topic = db.get_or_404(Topic, topic_id)
    return render_template(
        "topics/detail.html",
        topic=topic,
        timeline=topic_timeline(db.session, topic),
        audit_events=visible_audit_for(db.session, current_user, "topic", topic.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def create() -> str | Response:
    """Add a topic."""
    form = TopicForm()
    if form.validate_on_submit():
        topic = create_topic(db.session, form.values())
        db.session.commit()
        flash(_("Topic %(title)s was added.", title=topic.title), "success")
        return redirect(url_for(".detail", topic_id=topic.id))
    return render_template("topics/form.html", form=form, topic=None)


@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(topic_id: int) -> str | Response | tuple[str, int]:
    """Change a topic."""
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic, current=topic)
    if request.method == "GET":
        form.status.data = topic.status.value
    return save_edit(
        "topics/form.html",
        form,
        topic,
        "topic",
        lambda: update_topic(topic, form.values(), form.submitted_version()),
        lambda: _("Topic %(title)s was saved.", title=topic.title),
    )


@bp.route("/<int:topic_id>/delete", methods=["GET", "POST"])
@editor_required
def delete(topic_id: int) -> str | Response | tuple[str, int]:
    """Confirm, then delete a topic that no agenda or deliverable refers to."""
    topic = db.get_or_404(Topic, topic_id)
    return confirm_and_delete(
        "topics/delete.html",
        {"topic": topic, "reference_text": reference_text},
        lambda: references(db.session, topic),
        lambda: delete_topic(db.session, topic),
        _("Topic %(title)s was deleted.", title=topic.title),
    )
