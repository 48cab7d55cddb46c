"""Loading the signed-in user from the session id ``"<user id>:<version>:<secret>"``."""

from . import sign_ins


def load_user(session_id):
    return sign_ins.load(session_id)
