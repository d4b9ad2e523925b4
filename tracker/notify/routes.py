"""Preference and unsubscribe pages reached from e-mails, and the admin's record of mail."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.auth.access import admin_required, public_endpoint
from tracker.extensions import csrf, db
from tracker.i18n import _
from tracker.models import OutboxMessage, OutboxStatus
from tracker.notify import bp
from tracker.notify.forms import PreferencesForm
from tracker.notify.kinds import KIND_KEYS, KINDS, LABELS
from tracker.notify.recipients import preferences, set_preferences
from tracker.notify.signing import email_for_token

PAGE_SIZE = 50


def token_email_or_404(token: str) -> str:
    """The address a signed link was made for; 404 for a forged or damaged link."""
    email = email_for_token(str(current_app.config["SECRET_KEY"]), token)
    if email is None:
        abort(404)
    return email


@bp.route("/preferences/<signed>", methods=["GET", "POST"])
@public_endpoint
def preferences_page(signed: str) -> str | Response:
    """Choose which messages an address gets, without an account: the signed link is the key."""
    email = token_email_or_404(signed)
    current = preferences(db.session, email)
    form = PreferencesForm(data=current)
    if form.validate_on_submit():
        set_preferences(db.session, email, {k.key: bool(form[k.key].data) for k in KINDS})
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for(".preferences_page", signed=signed))
    return render_template("notify/preferences.html", form=form, email=email, kinds=KINDS)


@bp.route("/unsubscribe/<signed>/<kind>", methods=["GET", "POST"])
@public_endpoint
@csrf.exempt
def unsubscribe(signed: str, kind: str) -> str | Response | tuple[str, int]:
    """RFC 8058 one-click unsubscribe (POST); a GET only shows a confirmation button."""
    email = token_email_or_404(signed)
    if kind not in KIND_KEYS:
        abort(404)
    if request.method == "POST":
        set_preferences(db.session, email, {kind: False})
        db.session.commit()
        return render_template(
            "notify/unsubscribed.html", email=email, label=LABELS[kind], signed=signed
        )
    return render_template(
        "notify/unsubscribe.html", email=email, label=LABELS[kind], signed=signed, kind=kind
    )


@bp.route("/admin/outbox")
@admin_required
def outbox() -> str:
    """What was sent, what waits and what failed, newest first, with Message-IDs."""
    status = request.args.get("status", "")
    statement = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    if status:
        if status not in {s.value for s in OutboxStatus}:
            abort(400)
        statement = statement.where(OutboxMessage.status == status)
    rows = db.session.scalars(statement).all()
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "notify/outbox.html",
        rows=rows,
        counts=counts,
        status=status,
        statuses=list(OutboxStatus),
        labels=LABELS,
    )
