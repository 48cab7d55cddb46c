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
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..db import utcnow
from ..extensions import db
from .models import SignIn, User


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def _oldest_valid_start():
    return utcnow() - timedelta(hours=current_app.config["MOSTY_SIGN_IN_MAX_HOURS"])


def start(user):
    """Record a sign-in of ``user`` (committed by the caller); ``user.get_id()`` now names it."""
    secret = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user.id, token_digest=_digest(secret), started_at=utcnow()))
    user.sign_in_secret = secret


def load(session_id):
    """The active user whose live sign-in ``session_id`` names, or None."""
    parts = (session_id or "").split(":")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()) or not parts[2]:
        return None
    user_id, version, secret = int(parts[0]), int(parts[1]), parts[2]
    # One statement: the user and their sign-in together, as cheap as loading the user alone.
    user = db.session.scalar(
        select(User).join(SignIn, SignIn.user_id == User.id).where(
            User.id == user_id, SignIn.token_digest == _digest(secret),
            SignIn.started_at >= _oldest_valid_start()))
    if user is None or not user.active or user.session_version != version:
        return None
    user.sign_in_secret = secret
    return user


def end(user):
    """Sign ``user`` out of this session only (committed by the caller)."""
    secret = getattr(user, "sign_in_secret", None)
    if secret:
        db.session.execute(delete(SignIn).where(SignIn.user_id == user.id,
                                                SignIn.token_digest == _digest(secret)))


def end_others(user):
    """End every other session of ``user``, keeping this one (committed by the caller)."""
    keep = _digest(getattr(user, "sign_in_secret", None) or "")
    db.session.execute(delete(SignIn).where(SignIn.user_id == user.id,
                                            SignIn.token_digest != keep))


def purge_expired():
    """Delete sign-ins past their maximum age; how many."""
    result = db.session.execute(delete(SignIn).where(SignIn.started_at < _oldest_valid_start()))
    return result.rowcount
