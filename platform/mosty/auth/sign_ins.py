"""Sign-ins kept on the server, so that signing out ends a session for good.

The session cookie is signed, not stored: before, signing out only deleted it from the
browser, and a copy taken earlier (a shared office computer, a saved browser profile) stayed
valid until the session's lifetime ran out. Now each sign-in is a row holding the SHA-256
digest of a random secret; the cookie carries ``<user id>:<session version>:<secret>``, and a
cookie is good only while its row exists. Signing out deletes the row; a password change
deletes the user's other rows (and raises the session version, which already ended them);
a sign-in older than ``MOSTY_SIGN_IN_MAX_HOURS`` is refused even while in use, and the
nightly task deletes it. The database holds digests only: reading the table gives nobody a
cookie.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..db import utcnow
from ..extensions import db
from .models import SignIn, User

# What ``start`` writes into a session id; anything else names no sign-in. The id sits in a
# signed cookie, so only a holder of the secret key could forge another shape, but even then
# the answer is "signed out", never an error: ASCII digits within a database integer, and the
# secret's own alphabet (``token_urlsafe``).
_SESSION_ID = re.compile(r"([0-9]{1,9}):([0-9]{1,9}):([A-Za-z0-9_-]{20,100})")


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _oldest_valid_start():
    return utcnow() - timedelta(hours=current_app.config["MOSTY_SIGN_IN_MAX_HOURS"])


def start(user):
    """Record a sign-in of ``user`` (committed by the caller); ``user.get_id()`` now names it.

    The user's expired sign-ins go at the same time, so the table stays small even where no
    beat runs the nightly purge."""
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id,
                                            SignIn.started_at < _oldest_valid_start()))
    secret = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user.id, token_digest=_digest(secret), started_at=utcnow()))
    user.sign_in_secret = secret


def load(session_id):
    """The active user whose live sign-in ``session_id`` names, or None."""
    match = _SESSION_ID.fullmatch(session_id or "")
    if match is None:
        return None
    user_id, version, secret = int(match[1]), int(match[2]), match[3]
    # One statement: the user and their sign-in together, as cheap as loading the user alone.
    user = db.session.scalar(
        select(User).join(SignIn, SignIn.user_id == User.id).where(
            User.id == user_id, SignIn.token_digest == _digest(secret),
            SignIn.started_at >= _oldest_valid_start()))
    if user is None or not user.active or user.session_version != version:
        return None
    user.sign_in_secret = secret
    return user


def end(user_id, secret):
    """End the sign-in of ``user_id`` whose secret is ``secret`` (committed by the caller)."""
    if secret:
        db.session.execute(delete(SignIn).where(SignIn.user_id == user_id,
                                                SignIn.token_digest == _digest(secret)))


def end_others(user, keep=None):
    """End every session of ``user`` but the one whose secret is ``keep`` (committed by the
    caller); ``keep=None`` ends them all."""
    query = delete(SignIn).where(SignIn.user_id == user.id)
    if keep:
        query = query.where(SignIn.token_digest != _digest(keep))
    db.session.execute(query)


def purge_expired():
    """Delete sign-ins past their maximum age; how many."""
    result = db.session.execute(delete(SignIn).where(SignIn.started_at < _oldest_valid_start()))
    return result.rowcount
