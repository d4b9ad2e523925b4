"""Login and logout views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.auth import bp
from tracker.auth.forms import LoginForm
from tracker.auth.operations import authenticate
from tracker.extensions import db


def safe_next(target: str | None) -> str:
    """A redirect target on our own site only; anything else goes home."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    if "\\" in target:
        return url_for("main.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            db.session.commit()
            flash(f"Welcome back, {user.name or user.email}.", "success")
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (a CSRF-protected POST)."""
    logout_user()
    flash("You are logged out. Log in again to plan meetings or record outcomes.", "info")
    return redirect(url_for("main.home"))
