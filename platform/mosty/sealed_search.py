"""Search text kept out of addresses.

What a caseworker types into a search (a PESEL, a surname) is personal data. In an address
(``/participants/?q=85031422302``) it would stay in the server's access log, in any proxy's
log and in the browser's history on a shared office computer. So the search forms post the
text, and the answer is a redirect to the list with ``s``: the text sealed (encrypted and
authenticated, with a key drawn from the app's secret key) for the member who searched, for a
working day. Paging and sorting links carry ``s`` on. An address with ``q`` is still read
(scripts, links saved before), and the links of its page carry ``s``.
"""

import base64
import hashlib
import json
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, redirect, request, url_for
from flask_login import current_user

from .i18n import gettext as _

# The names are written out where they are read ("s", "q", "sort"): the hostile-input test
# collects the names views read from the source.
# A working day: an address from the history of yesterday's browser asks for a new search.
LIFETIME_SECONDS = 12 * 3600
# Seals longer than a search text of the longest allowed length could give are refused
# unread (Fernet tokens of a 200-character text stay under 1,000 characters).
MAX_SEAL_LENGTH = 2000


@dataclass
class Search:
    """What a list page was asked for: the text (may be empty), a message when it cannot be
    used, a redirect to answer with instead of the page, and the arguments its links carry."""

    text: str = ""
    error: str | None = None
    redirect: object = None
    link_args: dict = field(default_factory=dict)


def _fernet():
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    # A key of its own, so a sealed search never opens anything else signed with SECRET_KEY.
    key = hashlib.sha256(b"mosty sealed search\0" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text):
    return _fernet().encrypt(json.dumps([current_user.get_id(), text]).encode()).decode()


def unseal(token):
    """The text sealed for the signed-in member, or None: expired, altered, or another's."""
    if not token or len(token) > MAX_SEAL_LENGTH:
        return None
    try:
        owner, text = json.loads(_fernet().decrypt(token.encode(), ttl=LIFETIME_SECONDS))
    except (InvalidToken, ValueError, TypeError, UnicodeError):
        return None
    if owner != current_user.get_id() or not isinstance(text, str):
        return None
    return text


def read_search(check):
    """The list's search, from a posted form (answered with a redirect), a sealed ``s`` or a
    plain ``q``. ``check(raw) -> (text, error)`` validates the text (length, characters)."""
    if request.method == "POST":
        text, error = check(request.form.get("q"))
        if error:
            return Search(error=error)
        sort = request.form.get("sort")
        args = {"sort": sort} if sort else {}
        if text:
            args["s"] = seal(text)
        return Search(text=text, redirect=redirect(
            url_for(request.endpoint, **(request.view_args or {}), **args), 303))
    token = request.args.get("s")
    if token is not None:
        text = unseal(token)
        if text is None:
            return Search(error=_("This search has expired or belongs to another session: "
                                  "search again."))
        text, error = check(text)
        return Search(text=text, error=error, link_args={"s": token} if text else {})
    text, error = check(request.args.get("q"))
    return Search(text=text, error=error,
                  link_args={"s": seal(text)} if text and not error else {})
