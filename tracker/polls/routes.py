"""Time-poll views: propose slots, answer them, pick one."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.i18n import _
from tracker.inputs import parse_int
from tracker.models import Meeting, TimePoll
from tracker.operations import Conflict, Refused
from tracker.polls import bp
from tracker.polls.forms import (
    ANSWER_LABELS,
    PickForm,
    ProposeForm,
    parse_answers,
    submitted_slot,
)
from tracker.polls.operations import (
    POLLABLE_STATUSES,
    PollClosed,
    not_pollable_message,
    pick_slot,
    propose_poll,
    record_votes,
)
from tracker.polls.queries import has_poll, poll_for, slot_checks, tally, voter_count
from tracker.templating import reader_when
from tracker.views import live_or_404
from tracker.zones.reader import reader_zone

Page = str | Response | tuple[str, int]


def minutes_of(meeting: Meeting) -> int:
    """The meeting's present length in whole minutes: the default length of a new slot."""
    return max(15, int((meeting.ends_at - meeting.starts_at).total_seconds() // 60))


def poll_page(
    poll: TimePoll,
    status: int = 200,
    refusal: str | None = None,
    errors: dict[int, str] | None = None,
    **context: Any,
) -> tuple[str, int]:
    """The poll page: slots in the reader's zone, answers per slot and the organiser's pick."""
    reader_id = current_user.id if current_user.is_authenticated else None
    pick_form = PickForm(formdata=None)
    pick_form.version.data = str(poll.version)
    zones = [p.organisation.timezone for p in poll.meeting.participations]
    return (
        render_template(
            "polls/detail.html",
            poll=poll,
            meeting=poll.meeting,
            rows=tally(poll, reader_id),
            checks=slot_checks(poll, reader_zone()),
            voters=voter_count(poll),
            zones=zones,
            answer_labels=ANSWER_LABELS,
            pick_form=pick_form,
            refusal=refusal,
            errors=errors or {},
            **context,
        ),
        status,
    )


def load_poll(meeting_id: int) -> TimePoll | None:
    """The poll of a live meeting (404 for an unknown or deleted meeting), or None."""
    live_or_404(Meeting, meeting_id)
    return poll_for(db.session, meeting_id)


@bp.route("/<int:meeting_id>/poll/new", methods=["GET", "POST"])
@editor_required
def propose(meeting_id: int) -> Page:
    """Propose 2 to 8 candidate slots, in the meeting's zone, for an unsettled meeting."""
    meeting = live_or_404(Meeting, meeting_id)
    if has_poll(db.session, meeting.id):
        flash(_("This meeting already has a time poll."), "info")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    form = ProposeForm(zone=meeting.timezone, default_minutes=minutes_of(meeting))
    refusal = None
    if meeting.status not in POLLABLE_STATUSES:
        refusal = not_pollable_message(meeting)
        return render_template(
            "polls/propose.html", form=form, meeting=meeting, refusal=refusal, blocked=True
        ), (409 if request.method == "POST" else 200)
    if "more_rows" in request.form:
        form.add_rows()
    elif form.validate_on_submit():
        try:
            propose_poll(db.session, meeting, form.times, current_user)
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            return render_template(
                "polls/propose.html", form=form, meeting=meeting, refusal=str(refused)
            ), 409
        flash(_("The time poll is open. Members can now answer each slot."), "success")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    elif request.method == "POST":
        return render_template("polls/propose.html", form=form, meeting=meeting), 400
    return render_template("polls/propose.html", form=form, meeting=meeting, refusal=refusal)


@bp.route("/<int:meeting_id>/poll")
@login_required
def detail(meeting_id: int) -> Page:
    """The poll: every slot in the reader's zone, the answers so far and the reader's own."""
    poll = load_poll(meeting_id)
    if poll is None:
        flash(_("This meeting has no time poll."), "info")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    return poll_page(poll)


@bp.route("/<int:meeting_id>/poll/vote", methods=["POST"])
@login_required
def vote(meeting_id: int) -> Page:
    """Save the reader's answers (yes / if need be / no) to the slots of an open poll."""
    poll = load_poll(meeting_id)
    if poll is None:
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    if not poll.is_open:
        return poll_page(poll, 409, refusal=str(PollClosed()))
    answers, errors = parse_answers(request.form, [slot.id for slot in poll.slots])
    if errors:
        return poll_page(poll, 400, errors=errors)
    if not answers:
        return poll_page(poll, 400, refusal=_("Answer at least one slot before saving."))
    try:
        record_votes(db.session, poll, current_user, answers)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        poll = load_poll(meeting_id) or poll
        return poll_page(poll, 409, refusal=str(refused))
    flash(_("Your answers were saved. You can change them until a time is picked."), "success")
    return redirect(url_for(".detail", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/poll/pick", methods=["POST"])
@editor_required
def pick(meeting_id: int) -> Page:
    """Set the meeting to the chosen slot, confirm it and close the poll."""
    poll = load_poll(meeting_id)
    if poll is None:
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    form = PickForm()
    if not poll.is_open:
        return poll_page(poll, 409, refusal=str(PollClosed()))
    slot_id = submitted_slot(request.form)
    if slot_id is None:
        return poll_page(poll, 400, refusal=_("Choose one of the slots below."))
    version = parse_int(form.version.data or "")
    try:
        slot = pick_slot(db.session, poll, slot_id, version)
        db.session.commit()
    except Conflict:
        db.session.rollback()
        poll = load_poll(meeting_id) or poll
        return poll_page(
            poll, 409, refusal=_("The poll changed since you opened it. Look again and pick.")
        )
    except Refused as refused:
        db.session.rollback()
        poll = load_poll(meeting_id) or poll
        return poll_page(poll, 409, refusal=str(refused))
    flash(
        _(
            "The meeting is now confirmed for %(when)s. The poll is closed.",
            when=reader_when(slot.starts_at, poll.meeting.timezone),
        ),
        "success",
    )
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))
