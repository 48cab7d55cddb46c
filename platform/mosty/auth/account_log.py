"""Events of an account in the audit log of the partnerships it works in.

Signing in and out, a new password, an account switched off for being unused, a platform
administrator's change: each partnership's administrators answer for who reaches its records,
so each partnership where the account has an active membership gets the entry in its own log,
with the institution the person works for there. An account that works in no partnership (a
platform administrator) gets one platform-level entry. Called inside a ``system_scope``: the
memberships are read across partnerships.
"""

from sqlalchemy import select

from .. import audit
from ..extensions import db
from .models import Membership


def record_account_event(action, user, *, actor_id=None, detail=None):
    """One audit entry of ``action`` on ``user`` per partnership it works in (or one at the
    platform level); the entries are added to the session, as ``audit.record`` does."""
    seats = {}
    for partnership_id, institution_id in db.session.execute(
            select(Membership.partnership_id, Membership.institution_id)
            .where(Membership.user_id == user.id, Membership.active.is_(True))
            .order_by(Membership.partnership_id, Membership.id)):
        seats.setdefault(partnership_id, institution_id)  # the first seat names the institution
    if not seats:
        return [audit.record(action, user, actor_id=actor_id, detail=detail)]
    # The entry's institution is the actor's: the account's own seat when it acts itself
    # (signing in), the administrator's when the request's member acts (``actor_id`` None).
    return [audit.record(action, user, actor_id=actor_id, partnership_id=partnership_id,
                         institution_id=institution_id if actor_id is not None else None,
                         detail=detail)
            for partnership_id, institution_id in seats.items()]
