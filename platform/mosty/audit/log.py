"""Writing audit entries. Callers pass ids and field names, never values."""

from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context
from flask_login import current_user

from ..extensions import db
from ..tenancy import current_partnership_id
from .models import AuditEntry

ACTIONS = ("read", "create", "update", "delete", "export", "login", "logout", "transition",
           "grant", "revoke", "password")


# Who work outside a request is done for: (user id, institution id), set by ``acting_as``.
_acting = ContextVar("mosty_acting", default=(None, None))


@contextmanager
def acting_as(actor_id, institution_id):
    """Work done outside a request on someone's behalf (a job they started, in a worker) is
    theirs: the audit entries and the correction history it writes name them, as the same
    change made on a page would."""
    token = _acting.set((actor_id, institution_id))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor():
    """(user id, institution id) of whoever the current work is for: the signed-in member in
    a request, the job's starter inside ``acting_as``, else (None, None) (the system)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        membership = g.get("membership")
        return current_user.id, membership.institution_id if membership else None
    return _acting.get()


def record(action, obj=None, *, object_type=None, object_id=None, detail=None,
           actor_id=None, institution_id=None, partnership_id=None):
    """Add an audit entry to the session; it commits with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor_id is None:
        actor_id, request_institution = current_actor()
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
