"""Writing audit entries. Callers pass ids and field names, never values."""

from flask import g, has_request_context
from flask_login import current_user

from ..extensions import db
from ..tenancy import current_partnership_id
from .models import AuditEntry

ACTIONS = ("read", "create", "update", "delete", "export", "login", "logout", "transition",
           "grant", "revoke", "password")


def _actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        membership = g.get("membership")
        return current_user.id, membership.institution_id if membership else None
    return None, None


def record(action, obj=None, *, object_type=None, object_id=None, detail=None,
           actor_id=None, institution_id=None, partnership_id=None):
    """Add an audit entry to the session; it commits with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor_id is None:
        actor_id, request_institution = _actor()
        institution_id = institution_id if institution_id is not None else request_institution
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if partnership_id is None:
            partnership_id = getattr(obj, "partnership_id", None)
    if partnership_id is None:
        partnership_id = current_partnership_id()
    entry = AuditEntry(
        partnership_id=partnership_id,
        actor_id=actor_id,
        institution_id=institution_id,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        detail=detail or {},
    )
    db.session.add(entry)
    return entry



def entry_rows(action, object_type, entries, *, actor_id, institution_id):
    """Rows of ``AuditEntry`` (dicts) for one action on many objects of one type in the
    current partnership (``entries``: pairs of object id and detail), for a caller that writes
    thousands at once (a large import); ``record`` writes one."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    partnership_id = current_partnership_id()
    return [{"partnership_id": partnership_id, "actor_id": actor_id,
             "institution_id": institution_id, "action": action, "object_type": object_type,
             "object_id": str(object_id), "detail": detail or {}}
            for object_id, detail in entries]
