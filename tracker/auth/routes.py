"""Login, logout and account views."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.audit import record_login
from tracker.auth import bp
from tracker.auth.forms import LoginForm, PasswordChangeForm
from tracker.auth.operations import AccountError, authenticate, change_password, end_sessions
from tracker.auth.throttle import clear_account, is_throttled, note_failure, throttle_keys
from tracker.extensions import db
from tracker.inputs import local_path_or
from tracker.models import User, utcnow

LOGIN_FAILED = "That email and password do not match an active account."
THROTTLED = "Too many failed logins. Wait a few minutes and try again."


def safe_next(target: str | None) -> str:
    """A redirect target on our own site only; anything else goes home."""
    return local_path_or(target, url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password; failures are counted per account and address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        keys = throttle_keys(email, request.remote_addr)
        now = utcnow()
        config = current_app.config
        limits = bool(config["TRACKER_RATE_LIMITS"])
        window = int(config["TRACKER_LOGIN_WINDOW_SECONDS"])
        if limits and is_throttled(db.session, keys, now, config["TRACKER_LOGIN_LIMIT"], window):
            record_login(
                db.session, success=False, email=email, user=None, address=request.remote_addr
            )
            db.session.commit()
            form.password.errors.append(THROTTLED)
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, email, form.password.data or "")
        record_login(
            db.session,
            success=user is not None,
            email=email,
            user=user,
            address=request.remote_addr,
        )
        if user is not None:
            clear_account(db.session, email)
            db.session.commit()
            session.clear()  # a fresh session: nothing from before the login carries over
            login_user(user)
            flash(f"Welcome back, {user.name or user.email}.", "success")
            return redirect(safe_next(request.args.get("next")))
        if limits:
            note_failure(db.session, keys, now, window)
        db.session.commit()
        form.password.errors.append(LOGIN_FAILED)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (a CSRF-protected POST); a saved copy of the session cookie stops working."""
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        if user is not None:
            end_sessions(user)
            db.session.commit()
    logout_user()
    session.clear()
    flash("You are logged out. Log in again to plan meetings or record outcomes.", "info")
    return redirect(url_for("main.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    """One's own account: change the password, which ends every other session."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        assert user is not None
        try:
            change_password(user, form.current_password.data or "", form.new_password.data or "")
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors = [str(error)]
        else:
            db.session.commit()
            login_user(user)  # this session continues under the new session token
            flash("Your password was changed. Other sessions have been logged out.", "success")
            return redirect(url_for(".account"))
    return render_template("auth/account.html", form=form)
