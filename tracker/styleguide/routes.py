"""The style page, for organisers and admins (the people who build pages and content)."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from tracker.auth.access import editor_required
from tracker.extensions import db
from tracker.models import Meeting, MeetingStatus, Participation
from tracker.styleguide import bp
from tracker.styleguide.forms import SampleForm
from tracker.styleguide.tokens import icon_names, token_groups


@bp.route("/")
@editor_required
def index() -> str:
    """Tokens, buttons, icons, badges, forms, filter bar and cards as they render."""
    form = SampleForm(formdata=MultiDict({"kind": "paper", "size": "s"}), meta={"csrf": False})
    form.validate()  # the empty title shows a field in error
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.deleted_at.is_(None))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(2)
        .options(
            joinedload(Meeting.series),
            selectinload(Meeting.participations).selectinload(Participation.organisation),
        )
    ).all()
    return render_template(
        "styleguide/index.html",
        token_groups=token_groups(),
        icons=icon_names(),
        statuses=list(MeetingStatus),
        form=form,
        meetings=meetings,
    )
