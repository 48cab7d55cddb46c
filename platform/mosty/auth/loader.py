"""Loading the signed-in user from the session id ``"<user id>:<session version>"``."""

from ..extensions import db
from .models import User


def load_user(session_id):
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
