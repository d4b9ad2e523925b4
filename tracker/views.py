"""Helpers shared by thin views: loading or 404, pagination, conflicts and refusals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from sqlalchemy import Select, extract, select
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response as WerkzeugResponse

from tracker.extensions import db
from tracker.filters import int_value
from tracker.forms import VersionedForm
from tracker.i18n import _
from tracker.models import Base, Deliverable, Meeting, Organisation, Series
from tracker.operations import Conflict, Refused

SoftDeleted = TypeVar("SoftDeleted", Meeting, Deliverable)


def live_or_404(
    model: type[SoftDeleted],
    record_id: int,
    options: Sequence[ORMOption] = (),
    allow_deleted: bool = False,
) -> SoftDeleted:
    """The record with this id, or 404 when unknown or soft-deleted (unless allow_deleted)."""
    record = db.session.get(model, record_id, options=options)
    if record is None or (record.deleted_at is not None and not allow_deleted):
        abort(404)
    return record


def paginate(query: Select[Any]) -> Pagination:
    """One page of query, as asked for by ?page=."""
    return db.paginate(
        query,
        page=int_arg("page") or 1,
        per_page=current_app.config["TRACKER_PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )


def int_arg(name: str) -> int | None:
    """An integer query-string argument, or None when absent, not a number or out of range."""
    return int_value(request.args, name)


def conflict_response(
    template: str, form: FlaskForm, current: Base, **context: Any
) -> tuple[str, int]:
    """The edit page again with a 409: the other person's version beside what the user typed."""
    db.session.rollback()
    db.session.refresh(current)
    differences = []
    for field in form:
        name = field.name
        if name in ("csrf_token", "version", "submit") or not hasattr(current, name):
            continue
        theirs = getattr(current, name)
        theirs_text = getattr(theirs, "value", theirs)
        if isinstance(theirs_text, list):
            continue
        mine = field.data
        if str(theirs_text if theirs_text is not None else "") != str(
            mine if mine is not None else ""
        ):
            differences.append((field.label.text, theirs_text, mine))
    form.version.data = str(current.version)  # type: ignore[attr-defined]
    flash(
        _(
            "Someone else saved this record while you were editing it. Your changes are kept "
            "below; review the other version and save again to keep yours."
        ),
        "warning",
    )
    return (
        render_template(template, form=form, conflict=differences, **context),
        409,
    )


def refused_response(template: str, message: str, **context: Any) -> tuple[str, int]:
    """A page explaining why an operation was refused, with a 409."""
    db.session.rollback()
    return render_template(template, refusal=message, **context), 409


@dataclass
class FilterOptions:
    """Choices for the list filters: series, years, organisations, countries, kinds."""

    series: list[tuple[str, str]]
    years: list[tuple[str, str]]
    organisations: list[tuple[str, str]]
    countries: list[tuple[str, str]]
    kinds: list[tuple[str, str]]


def filter_options(kinds: list[tuple[str, str]] | None = None) -> FilterOptions:
    """Load the filter choices in a fixed, small number of queries."""

    series = db.session.execute(select(Series.id, Series.name).order_by(Series.name)).all()
    # The years in SQL (UTC on both databases), not every meeting's start in Python.
    year = extract("year", Meeting.starts_at)
    found = db.session.scalars(select(year).where(Meeting.deleted_at.is_(None)).distinct())
    years = sorted({int(y) for y in found}, reverse=True)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.short_name).order_by(Organisation.short_name)
    ).all()
    countries = sorted(set(db.session.scalars(select(Organisation.country).distinct())))
    return FilterOptions(
        series=[(str(i), name) for i, name in series],
        years=[(str(y), str(y)) for y in years],
        organisations=[(str(i), name) for i, name in organisations],
        countries=[(c, c) for c in countries],
        kinds=kinds or [],
    )


def confirm_and_delete(
    template: str,
    context: dict[str, Any],
    references: Callable[[], dict[str, int]],
    delete: Callable[[], None],
    deleted_message: str,
) -> str | WerkzeugResponse | tuple[str, int]:
    """GET: a confirmation page listing what refers to the record. POST: delete it, or explain
    with a 409 why it cannot be deleted (nothing cascades silently)."""
    if request.method == "POST":
        try:
            delete()
        except Refused as refusal:
            return refused_response(template, str(refusal), refs=references(), **context)
        db.session.commit()
        flash(deleted_message, "success")
        return redirect(url_for(".list"))
    return render_template(template, refs=references(), refusal=None, **context)


def save_edit(
    template: str,
    form: VersionedForm,
    record: Any,
    name: str,
    update: Callable[[], object],
    saved_message: Callable[[], str],
) -> str | WerkzeugResponse | tuple[str, int]:
    """An edit page: on a valid POST run update and go to the record's page; a stale version
    gets the 409 conflict page that keeps what the user typed."""
    if request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit():
        try:
            update()
            db.session.commit()
        except Conflict:
            return conflict_response(template, form, record, **{name: record})
        flash(saved_message(), "success")
        return redirect(url_for(".detail", **{f"{name}_id": record.id}))
    return render_template(template, form=form, **{name: record})


PREFERENCE_COOKIE_AGE = 365 * 24 * 3600


def back_with_preference(target: str | None, name: str, value: str) -> WerkzeugResponse:
    """Redirect to target (a path on this site, else home) keeping a reader's preference (their
    zone, their language) in a year-long cookie that scripts cannot read."""
    from tracker.inputs import local_path_or

    response = redirect(local_path_or(target, url_for("main.home")))
    response.set_cookie(
        name,
        value,
        max_age=PREFERENCE_COOKIE_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
