"""API tokens: one institution's key to the JSON API, shown once and kept only as SHA-256.

A token reads ``mosty_<partnership id>_<secret>``: the partnership id lets the API enter the
right partnership's walls before it looks the token up (the lookup itself runs behind them).
Each token has its own technical user (inactive, no password, no membership), which is the
actor of everything the token does: audit entries and the referral answers it posts name it.
"""

import hashlib
import secrets
import uuid

from sqlalchemy import select

from .. import audit
from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..ids import MAX_ID
from ..partnerships.models import Institution, Partnership
from ..tenancy.context import clear_request_partnership, set_request_partnership
from .models import ApiToken

TOKEN_PREFIX = "mosty"
TECHNICAL_EMAIL_DOMAIN = "api-tokens.mosty.invalid"


def hash_token(plaintext):
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(*, institution_id, name, actor_id, partnership_id):
    """A new token of the institution: (ApiToken, plaintext shown once). Not committed."""
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise LookupError(institution_id)
    plaintext = f"{TOKEN_PREFIX}_{partnership_id}_{secrets.token_urlsafe(32)}"
    user = User(email=f"token-{uuid.uuid4().hex}@{TECHNICAL_EMAIL_DOMAIN}",
                name=f"API: {name} ({institution.short_name or institution.name})"[:200],
                password_hash="", active=False)
    db.session.add(user)
    db.session.flush()
    token = ApiToken(institution_id=institution_id, user_id=user.id, name=name,
                     token_hash=hash_token(plaintext), prefix=plaintext[:16],
                     created_by_id=actor_id)
    db.session.add(token)
    db.session.flush()
    audit.record("create", token, actor_id=actor_id, detail={"institution_id": institution_id})
    return token, plaintext


def revoke_token(token, *, actor_id):
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("revoke", token, actor_id=actor_id,
                     detail={"institution_id": token.institution_id})
    return token


def _partnership_id_of(plaintext):
    parts = (plaintext or "").split("_", 2)
    if (len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isascii()
            or not parts[1].isdigit() or not parts[2]):
        return None
    return int(parts[1])


def authenticate(plaintext):
    """The active token for this plaintext, with the request bound to its partnership; or None.

    The partnership named in the token only decides which walls to enter: a token is found
    only among that partnership's rows, so naming another partnership finds nothing.
    """
    partnership_id = _partnership_id_of(plaintext)
    if partnership_id is None or partnership_id > MAX_ID:
        return None
    if db.session.get(Partnership, partnership_id) is None:
        return None
    set_request_partnership(partnership_id)
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(plaintext), ApiToken.revoked_at.is_(None)))
    if token is None:
        clear_request_partnership()
        return None
    return token


def institution_tokens(institution_ids=None):
    query = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    if institution_ids is not None:
        query = query.where(ApiToken.institution_id.in_(institution_ids))
    return db.session.scalars(query).all()
