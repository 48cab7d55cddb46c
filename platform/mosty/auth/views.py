"""Sign-in, sign-out, password change and language choice."""

import math
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse_many

from ..errors import render_error
from ..extensions import db, limiter
from ..i18n import gettext as _
from ..i18n import ngettext
from ..tenancy import system_scope
from . import sign_ins
from .account_log import record_account_event
from .forms import LoginForm, PasswordChangeForm
from .service import authenticate, change_password, landing_url, normalise_email

# Failed sign-ins from one address may reach this many times the per-account limit: an office
# shares one address, and one person's typos must not lock out their colleagues. Guessing at
# one account is held by the per-account limit whatever the address.
ADDRESS_LIMIT_FACTOR = 5


def _login_limit():
    return current_app.config["MOSTY_LOGIN_LIMIT"]


def _address_limit():
    return ";".join(
        f"{item.amount * ADDRESS_LIMIT_FACTOR} per {item.get_expiry()} second"
        for item in parse_many(_login_limit())
    )


def _account_key():
    return "login-account:" + normalise_email(request.form.get("email"))


def _failed(response):
    # Only failed attempts count towards the limit; a successful sign-in redirects. An attempt
    # refused with 429 checked no password: counting it would let one locked-out person use up
    # the limit of everyone behind the same address.
    return response.status_code not in (302, 429)


def _safe_next(target):
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        held = None
        if current_user.is_authenticated:
            # Read before authenticate: signing in again as the same user loads the same object.
            held = (current_user.id, current_user.sign_in_secret)
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            # A fresh session: nothing from before sign-in carries over, and a sign-in this
            # browser held (someone else's, on a shared computer) ends on the server too.
            if held is not None:
                sign_ins.end(*held)
                db.session.commit()
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or landing_url(user))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("auth/login.html", form=form)


def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        with system_scope("audit of a sign-out, in each partnership the account works in"):
            record_account_event("logout", user, actor_id=user.id)
            # The session ends on the server too: a copy of the cookie no longer signs in.
            sign_ins.end(user.id, user.sign_in_secret)
            db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("auth.login"))


def _user_key():
    # The user id, not the session id: that carries the sign-in's secret.
    return f"password-change:{current_user.id}" if current_user.is_authenticated else ""


@limiter.limit(_login_limit, methods=["POST"], key_func=_user_key, deduct_when=_failed)
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if change_password(user, form.current_password.data, form.new_password.data):
            # This session stays signed in under the new session version.
            login_user(user)
            flash(_("Your password has been changed. Other sessions have been signed out."),
                  "success")
            return redirect(landing_url(current_user))
        form.current_password.errors.append(_("The current password is not correct."))
    return render_template("auth/password.html", form=form)


def too_many_attempts(error):
    """The 429 page of the sign-in forms: how long to wait, in words and in ``Retry-After``."""
    seconds = _seconds_until_allowed()
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many attempts. Please wait %(num)d minute and try again.",
        "Too many attempts. Please wait %(num)d minutes and try again.",
        minutes,
    )
    response = current_app.make_response(render_error(429, message))
    response.headers["Retry-After"] = str(seconds)
    return response


def _seconds_until_allowed():
    # The latest reset among the breached limits: before then at least one still refuses.
    # (``window[0]``: ``reset_at`` rounds up and adds a second.)
    now = time.time()
    resets = [limit.window[0] for limit in limiter.current_limits if limit.breached]
    return max([math.ceil(reset - now) for reset in resets] + [1])


def language():
    code = request.form.get("locale")
    if code in current_app.config["MOSTY_LOCALES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("partnerships.chooser"))
