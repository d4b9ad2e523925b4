"""The search page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from tracker.counters import read_counter
from tracker.extensions import db
from tracker.lru import LockedLRU
from tracker.models.changes import DATA
from tracker.search import bp
from tracker.search.queries import (
    KIND_LABELS,
    Filters,
    Hit,
    cached_search,
    organisation_choices,
    series_choices,
)
from tracker.search.syntax import clean
from tracker.views import int_arg


def date_arg(name: str) -> date | None:
    """An ISO date query-string argument, or None when absent or not a date."""
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        return None


def hit_url(hit: Hit) -> str:
    """The page that shows a hit."""
    if hit.kind == "meeting":
        return url_for("meetings.detail", meeting_id=hit.ref_id)
    if hit.kind == "minutes":
        return url_for("outcomes.minutes", meeting_id=hit.ref_id)
    if hit.kind in ("agenda", "outcome", "action"):
        return url_for("outcomes.meeting", meeting_id=hit.meeting_id)
    if hit.kind == "milestone":
        return url_for("progress.deliverable", deliverable_id=hit.deliverable_id)
    endpoint = {
        "topic": ("topics.detail", "topic_id"),
        "deliverable": ("deliverables.detail", "deliverable_id"),
        "organisation": ("organisations.detail", "organisation_id"),
        "person": ("people.detail", "person_id"),
    }[hit.kind]
    values: dict[str, Any] = {endpoint[1]: hit.ref_id}
    return url_for(endpoint[0], **values)


def page_url(page: int) -> str:
    """This search on another page."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = str(page)
    return url_for("search.results", **args)


# The rendered search form (its series and organisation lists are long) by data counter,
# language and what it shows; any committed change raises the counter.
FILTER_FORMS: LockedLRU[tuple[Any, ...], Markup] = LockedLRU(256)


def filter_form(q: str, filters: Filters, kinds: list[tuple[str, str]]) -> Markup:
    """The search form with its filters, rendered once per data version and choice."""
    state = read_counter(db.session, DATA)
    shown = tuple(request.args.get(name, "") for name in ("kind", "series", "organisation"))
    key = (
        db.engine.url.render_as_string(hide_password=True),
        state.epoch if state else None,
        state.counter if state else None,
        str(get_locale()),
        q,
        shown,
        filters.date_from,
        filters.date_to,
        tuple(kinds),
    )
    form = FILTER_FORMS.get(key) if state is not None else None
    if form is None:
        # The output of an autoescaping template is already safe HTML.
        form = Markup(  # noqa: S704  # nosec B704
            render_template(
                "search/_filters.html",
                q=q,
                filters=filters,
                kinds=kinds,
                series=series_choices(db.session),
                organisations=organisation_choices(db.session),
            )
        )
        if state is not None:
            FILTER_FORMS.put(key, form)
    return form


@bp.get("")
def results() -> str:
    """Search everything this reader may read; ranked, filtered and paginated."""
    member = bool(current_user.is_authenticated)
    kinds = {k: str(v) for k, v in KIND_LABELS.items() if member or k != "person"}
    kind = request.args.get("kind", "")
    filters = Filters(
        kind=kind if kind in kinds else None,
        series_id=int_arg("series"),
        organisation_id=int_arg("organisation"),
        date_from=date_arg("from"),
        date_to=date_arg("to"),
    )
    q = clean(request.args.get("q", "")).strip()
    page = int_arg("page") or 1
    found = cached_search(db.session, q, filters, member=member, page=page) if q else None
    return render_template(
        "search/results.html",
        q=q,
        found=found,
        links=[hit_url(hit) for hit in found.hits] if found else [],
        page_url=page_url,
        filters=filters,
        filter_form=filter_form(q, filters, list(kinds.items())),
    )
