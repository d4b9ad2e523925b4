"""The language picker in the footer: a cookie for readers, the account setting for members."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.i18n import _
from tracker.i18n.locale import LANGUAGE_COOKIE, known
from tracker.i18n.operations import set_language
from tracker.inputs import local_path_or
from tracker.views import back_with_preference

bp = Blueprint("i18n", __name__)


def chosen(values: dict[str, str]) -> str:
    """The picked language code, or a 400 for anything that is not one of ours."""
    code = known(values.get("language"))
    if code is None:
        abort(400, description=_("Choose one of the languages in the list."))
    return code


@bp.route("/language", methods=["GET"])
def pick() -> Response:
    """An anonymous reader's choice (a plain GET form, so pages stay cacheable): a cookie.
    Without a choice it only goes back."""
    if "language" not in request.args:
        return redirect(local_path_or(request.args.get("next"), url_for("main.home")))
    code = chosen(request.args.to_dict())
    return back_with_preference(request.args.get("next"), LANGUAGE_COOKIE, code)


@bp.route("/language", methods=["POST"])
def save() -> Response:
    """A member's choice: saved on the account (it wins everywhere they log in), and the cookie."""
    code = chosen(request.form.to_dict())
    if current_user.is_authenticated:
        set_language(current_user._get_current_object(), code)
        db.session.commit()
    return back_with_preference(request.form.get("next"), LANGUAGE_COOKIE, code)
