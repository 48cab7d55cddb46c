"""Error pages in the user's language; nothing reaches the user as a bare 500 trace."""

import logging
from urllib.parse import urlsplit

from flask import make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .i18n import lazy_gettext as _l

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("No access"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("There is nothing here, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("Too large"), _l("The file you sent is too large.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. Nothing was saved. The administrators have been notified.")),
}


def render_error(status, message=None):
    title, default = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "error.html", status=status, title=title, message=message or default
    ), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        fields = resendable_fields()
        if fields is not None:
            if not current_user.is_authenticated:
                return session_ended(fields)
            # Not cached, as no page is (security.py): it carries what was typed.
            return render_template("form_expired.html", fields=fields, action=_action()), 400
        return render_error(
            400, _l("The form has expired or was sent from another page. Please try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if request.path.startswith("/api/"):
            # Routing errors (unknown path, non-numeric id, wrong method) never reach the
            # API blueprint's handler: answer them the same way, JSON in the user's language.
            from .exchange.api import http_error as api_http_error

            return api_http_error(error)
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        from .extensions import db

        if app.testing:
            raise error

        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)


def resendable_fields():
    """The fields of a form that could not be saved because its CSRF token went stale or the
    sign-in ended (the user signed out and in again in another tab, or the session expired),
    to be offered back so that nothing typed is lost; None when that would not be safe.

    Only for a form posted from one of our own pages (Origin, or else Referer, naming this
    site): a forged post from another site is refused as before, never turned into a button
    that would send the forger's values. Uploaded files cannot be kept, and a form with a
    password (signing in, changing one) is never written back into a page.
    """
    if request.method != "POST" or request.files:
        return None
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or not _same_site(source):
        return None
    if any("password" in name for name in request.form):
        return None
    return [(name, value) for name, value in request.form.items(multi=True)
            if name != "csrf_token"]


def session_ended(fields):
    """The page for a form sent after its sign-in ended: what was typed, kept in the page (not
    on the server), to send again once signed in again in another tab. The resend then meets
    the stale-token page, which gives it a fresh token: two clicks, nothing retyped."""
    # A response, not a tuple: Flask-Login's unauthorized handler and abort() pass it on.
    return make_response(render_template("session_ended.html", fields=fields,
                                         action=_action()), 401)


def unauthorized():
    """Flask-Login's answer to a signed-out request: a form sent from our own page keeps what
    was typed (``session_ended``); anything else goes to the sign-in page, as usual."""
    from flask import flash, redirect
    from flask_login import login_url

    from .extensions import login_manager

    fields = resendable_fields()
    if fields is not None:
        return session_ended(fields)
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def _action():
    return request.full_path if request.query_string else request.path


def _same_site(address):
    ours, theirs = urlsplit(request.host_url), urlsplit(address)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)
