"""Scheduled account hygiene."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from ..db import utcnow
from ..extensions import db
from ..tasks import system_task
from . import sign_ins
from .account_log import record_account_event
from .models import User


@system_task("mosty.auth.deactivate_dormant_accounts",
             reason="deactivating accounts nobody has used for months (platform-wide)")
def deactivate_dormant_accounts():
    """Switch off accounts unused for MOSTY_DORMANT_DAYS: people who left keep no access."""
    cutoff = utcnow() - timedelta(days=current_app.config["MOSTY_DORMANT_DAYS"])
    dormant = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            User.is_platform_admin.is_(False),
            or_(User.last_login_at < cutoff,
                User.last_login_at.is_(None) & (User.created_at < cutoff)),
        )
    ).all()
    for user in dormant:
        user.active = False
        sign_ins.end_others(user)
        record_account_event("update", user, detail={"fields": ["active"],
                                                     "reason": "dormant"})
    return {"deactivated": len(dormant)}


@system_task("mosty.auth.purge_expired_sign_ins",
             reason="deleting sign-ins past their maximum age (platform-wide)")
def purge_expired_sign_ins():
    """Sign-ins past MOSTY_SIGN_IN_MAX_HOURS no longer sign anyone in; their rows go."""
    return {"deleted": sign_ins.purge_expired()}
