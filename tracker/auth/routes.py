"""Login, logout and account views."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.audit import record_login
from tracker.auth import bp
from tracker.auth.forms import LoginForm, PasswordChangeForm
from tracker.auth.operations import (
    AccountError,
    WrongPassword,
    account_addresses,
    authenticate,
    change_password,
    end_sessions,
    update_profile,
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
from tracker.i18n import _
from tracker.inputs import local_path_or
from tracker.models import User, utcnow
from tracker.notify.forms import PreferencesForm, ProfileForm
from tracker.notify.kinds import KINDS
from tracker.notify.recipients import preferences, set_preferences


def N_(message: str) -> str:
    """Mark message for extraction (pybabel's default N_ keyword) and keep it English; it is
    translated with _() where it is shown. The constants stay str for the tests."""
    return message


LOGIN_FAILED = N_("That email and password do not match an active account.")
THROTTLED = N_("Too many failed logins. Wait a few minutes and try again.")


def safe_next(target: str | None) -> str:
    """A redirect target on our own site only; anything else goes home."""
    return local_path_or(target, url_for("main.home"))


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


def record_failure(email: str, user: User | None, action: str) -> None:
    """Put a refused password attempt from this request's address into the audit trail."""
    record_login(
        db.session,
        success=False,
        email=email,
        user=user,
        address=request.remote_addr,
        action=action,
    )


def audit_refusal(email: str, user: User | None, attempt: Attempt, action: str) -> None:
    """Audit a throttled attempt: only the first refusal and every hundredth, then commit.

    So a flood writes a handful of audit rows, not one each.
    """
    if attempt.audited_refusal:
        record_failure(email, user, action)
        db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with email and password; failures are counted per account and address pair."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        attempt = count_attempt(email)
        if attempt.throttled:
            # Refused without a password check.
            audit_refusal(email, None, attempt, "login_throttled")
            form.password.errors.append(_(THROTTLED))
            return render_template("auth/login.html", form=form), 429
        user = authenticate(db.session, email, form.password.data or "")
        address = request.remote_addr
        record_login(db.session, success=user is not None, email=email, user=user, address=address)
        if user is not None:
            attempt_succeeded(email, attempt)
            db.session.commit()
            session.clear()  # a fresh session: nothing from before the login carries over
            login_user(user)
            flash(_("Welcome back, %(name)s.", name=user.name or user.email), "success")
            return redirect(safe_next(request.args.get("next")))
        db.session.commit()
        form.password.errors.append(_(LOGIN_FAILED))
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
    flash(_("You are logged out. Log in again to plan meetings or record outcomes."), "info")
    return redirect(url_for("main.home"))


def account_page(
    form: PasswordChangeForm | None = None,
    profile_form: ProfileForm | None = None,
    notify_form: PreferencesForm | None = None,
) -> str:
    """The account page with its three forms; a form handed in keeps its input and errors."""
    user = current_user
    if profile_form is None:
        profile_form = ProfileForm(
            prefix="profile",
            data={
                "name": user.name,
                "timezone": user.timezone or "",
                "language": user.language or "",
            },
        )
    if notify_form is None:
        notify_form = PreferencesForm(prefix="notify", data=preferences(db.session, user.email))
    return render_template(
        "auth/account.html",
        form=form or PasswordChangeForm(),
        profile_form=profile_form,
        notify_form=notify_form,
        kinds=KINDS,
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response | tuple[str, int]:
    """One's own account: profile, e-mail choices, and a password change (ends other sessions).

    The current-password check is throttled and audited like a login."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        assert user is not None
        email = user.email
        attempt = count_attempt(email)
        if attempt.throttled:
            audit_refusal(email, user, attempt, "password_throttled")
            form.current_password.errors = [_(THROTTLED)]
            return account_page(form=form), 429
        try:
            change_password(user, form.current_password.data or "", form.new_password.data or "")
        except WrongPassword as error:
            db.session.rollback()
            record_failure(email, user, "password_failed")
            db.session.commit()
            form.current_password.errors = [str(error)]
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors = [str(error)]
        else:
            attempt_succeeded(email, attempt)
            db.session.commit()
            login_user(user)  # this session continues under the new session token
            flash(_("Your password was changed. Other sessions have been logged out."), "success")
            return redirect(url_for(".account"))
    return account_page(form=form)


@bp.route("/account/profile", methods=["POST"])
@login_required
def account_profile() -> str | Response | tuple[str, int]:
    """Save one's display name and home time zone."""
    profile_form = ProfileForm(prefix="profile")
    if not profile_form.validate_on_submit():
        return account_page(profile_form=profile_form), 400
    user = db.session.get(User, current_user.id)
    assert user is not None
    update_profile(
        user,
        profile_form.name.data or "",
        profile_form.timezone.data or None,
        profile_form.language.data or None,
    )
    db.session.commit()
    flash(_("Your profile is saved."), "success")
    return redirect(url_for(".account"))


@bp.route("/account/notifications", methods=["POST"])
@login_required
def account_notifications() -> str | Response | tuple[str, int]:
    """Save which e-mails one gets, for the account's address and its person's."""
    notify_form = PreferencesForm(prefix="notify")
    if not notify_form.validate_on_submit():
        return account_page(notify_form=notify_form), 400
    user = db.session.get(User, current_user.id)
    assert user is not None
    choices = {kind.key: bool(notify_form[kind.key].data) for kind in KINDS}
    for address in account_addresses(user):
        set_preferences(db.session, address, choices)
    db.session.commit()
    flash(_("Your e-mail choices are saved."), "success")
    return redirect(url_for(".account"))
