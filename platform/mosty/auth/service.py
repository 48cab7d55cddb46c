"""Sign-in rules: who may sign in, where they go next, and changing a password."""

from flask import url_for
from sqlalchemy import func, select

from ..collation import by_name
from ..db import utcnow
from ..extensions import db
from ..partnerships.models import Partnership
from ..tenancy import system_scope
from . import sign_ins
from .account_log import record_account_event
from .models import Membership, User
from .passwords import spend_a_password_check


def normalise_email(email):
    return (email or "").strip().lower()


def authenticate(email, password):
    """The active user with these credentials, signed in (a new sign-in recorded with the
    audit entry, in one transaction), or None (same answer for every failure)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is None:
        # As slow as checking a real password, so timing does not tell who has an account.
        spend_a_password_check(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    sign_ins.start(user)
    with system_scope("audit of a sign-in, in each partnership the account works in"):
        record_account_event("login", user, actor_id=user.id)
        db.session.commit()
    return user


def partnerships_of(user):
    """Partnerships the user may enter, by name; platform admins may enter all."""
    with system_scope("listing the signed-in user's own memberships"):
        query = select(Partnership).order_by(by_name(Partnership.name))
        if not user.is_platform_admin:
            query = query.join(Membership, Membership.partnership_id == Partnership.id).where(
                Membership.user_id == user.id, Membership.active.is_(True)
            )
        return list(db.session.scalars(query))


def landing_url(user):
    """Straight to the dashboard when the user works in exactly one partnership."""
    partnerships = partnerships_of(user)
    if len(partnerships) == 1 and not user.is_platform_admin:
        return url_for("partnerships.dashboard", partnership=partnerships[0].slug)
    return url_for("partnerships.chooser")


def change_password(user, current_password, new_password):
    """Set a new password; other sessions of the user end (their session version is stale)."""
    if not user.check_password(current_password):
        return False
    user.set_password(new_password)
    sign_ins.end_others(user, keep=user.sign_in_secret)
    with system_scope("audit of a password change, in each partnership the account works in"):
        record_account_event("password", user, actor_id=user.id)
        db.session.commit()
    return True
