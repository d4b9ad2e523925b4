"""Login, logout and account views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.audit import record_login
from tracker.auth import bp
from tracker.auth.forms import LoginForm, PasswordChangeForm
from tracker.auth.operations import (
    AccountError,
    WrongPassword,
    authenticate,
    change_password,
    end_sessions,
)
from tracker.auth.throttle import (
    Attempt,
    check_limits,
    clear_pair,
    forget_attempt,
    note_attempt,
    throttle_limits,
)
from tracker.extensions import db
from tracker.models import User, utcnow

LOGIN_FAILED = "That email and password do not match an active account."
THROTTLED = "Too many failed logins. Wait a few minutes and try again."


def safe_next(target: str | None) -> str:
    """A redirect target on our own site only; anything else goes home."""
    if not target:
        return url_for("main.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.home")
    if "\\" in target or any(ord(c) < 32 for c in target):
        return url_for("main.home")
    return target


def count_attempt(email: str) -> Attempt:
    """Count a password attempt for email from this client address, committed before the slow
    password check so that parallel guesses see each other; say whether it is over a limit."""
    config = current_app.config
    if not config["TRACKER_RATE_LIMITS"]:
        return Attempt()
    limits = throttle_limits(
        email,
        request.remote_addr,
        int(config["TRACKER_LOGIN_LIMIT"]),
        int(config["TRACKER_LOGIN_ADDRESS_LIMIT"]),
    )
    now = utcnow()
    window = int(config["TRACKER_LOGIN_WINDOW_SECONDS"])
    ids = note_attempt(db.session, list(limits), now, window)
    db.session.commit()
    return check_limits(db.session, limits, ids, now, window)


def attempt_succeeded(email: str, attempt: Attempt) -> None:
    """Forget this pair's failures after a correct password (the caller commits)."""
    forget_attempt(db.session, attempt)
    clear_pair(db.session, email, request.remote_addr)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password; failures are counted per account and address pair."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        address = request.remote_addr
        attempt = count_attempt(email)
        if attempt.throttled:
            # Refused without a password check; only the first refusal (and every hundredth)
            # goes into the audit trail, so a flood writes a handful of rows, not one each.
            if attempt.audited_refusal:
                record_login(
                    db.session,
                    success=False,
                    email=email,
                    user=None,
                    address=address,
                    action="login_throttled",
                )
                db.session.commit()
            form.password.errors.append(THROTTLED)
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, email, form.password.data or "")
        record_login(db.session, success=user is not None, email=email, user=user, address=address)
        if user is not None:
            attempt_succeeded(email, attempt)
            db.session.commit()
            session.clear()  # a fresh session: nothing from before the login carries over
            login_user(user)
            flash(f"Welcome back, {user.name or user.email}.", "success")
            return redirect(safe_next(request.args.get("next")))
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
def account() -> str | Response | tuple[str, int]:
    """One's own account: change the password, which ends every other session.

    The current-password check is throttled and audited like a login."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        assert user is not None
        email, address = user.email, request.remote_addr
        attempt = count_attempt(email)
        if attempt.throttled:
            if attempt.audited_refusal:
                record_login(
                    db.session,
                    success=False,
                    email=email,
                    user=user,
                    address=address,
                    action="password_throttled",
                )
                db.session.commit()
            form.current_password.errors = [THROTTLED]
            return render_template("auth/account.html", form=form), 429
        try:
            change_password(user, form.current_password.data or "", form.new_password.data or "")
        except WrongPassword as error:
            db.session.rollback()
            record_login(
                db.session,
                success=False,
                email=email,
                user=user,
                address=address,
                action="password_failed",
            )
            db.session.commit()
            form.current_password.errors = [str(error)]
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors = [str(error)]
        else:
            attempt_succeeded(email, attempt)
            db.session.commit()
            login_user(user)  # this session continues under the new session token
            flash("Your password was changed. Other sessions have been logged out.", "success")
            return redirect(url_for(".account"))
    return render_template("auth/account.html", form=form)
