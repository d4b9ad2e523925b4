"""The language picker in the footer: a cookie for readers, the account setting for members."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.i18n import _
from tracker.i18n.locale import COOKIE_AGE, LANGUAGE_COOKIE, known
from tracker.i18n.operations import set_language
from tracker.inputs import local_path_or

bp = Blueprint("i18n", __name__)


def chosen(values: dict[str, str]) -> str:
    """The picked language code, or a 400 for anything that is not one of ours."""
    code = known(values.get("language"))
    if code is None:
        abort(400, description=_("Choose one of the languages in the list."))
    return code


def back_with_cookie(code: str, target: str | None) -> Response:
    """Redirect to target (a path on this site, else home) with the language cookie set."""
    response = redirect(local_path_or(target, url_for("main.home")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=COOKIE_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


@bp.route("/language", methods=["GET"])
def pick() -> Response:
    """An anonymous reader's choice (a plain GET form, so pages stay cacheable): a cookie.
    Without a choice it only goes back."""
    if "language" not in request.args:
        return redirect(local_path_or(request.args.get("next"), url_for("main.home")))
    return back_with_cookie(chosen(request.args.to_dict()), request.args.get("next"))


@bp.route("/language", methods=["POST"])
def save() -> Response:
    """A member's choice: saved on the account (it wins everywhere they log in), and the cookie."""
    code = chosen(request.form.to_dict())
    if current_user.is_authenticated:
        set_language(current_user._get_current_object(), code)
        db.session.commit()
    return back_with_cookie(code, request.form.get("next"))
