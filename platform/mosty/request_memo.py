"""Read once per request: loaders that several parts of one page ask the same question.

The participant and family pages build a section and a timeline from the same rows (a
person's referrals, consents, enrolments...), core and modules alike; without this each row
set was read twice (bench/RESULTS.md). A loader decorated with ``request_memo`` answers the
second call of a request from the first. Anything the session writes (a flush) or rolls back
forgets every answer, so a page re-rendered after a change reads afresh. Outside a request
(tasks, the CLI) the loader runs every time.
"""

from functools import wraps
from inspect import signature

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "_request_memo"


def request_memo(loader):
    """Decorate a loader whose arguments are hashable (ids, not ORM objects)."""

    parameters = signature(loader)

    @wraps(loader)
    def remembered(*args, **kwargs):
        if not has_request_context():
            return loader(*args, **kwargs)
        # The arguments as the loader sees them, so f(1), f(participant_id=1) and
        # f(participant_id=1, family_id=None) are one question.
        bound = parameters.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (loader, bound.args, tuple(sorted(bound.kwargs.items())))
        memo = g.setdefault(_KEY, {})
        if key not in memo or _pending_changes():
            memo[key] = loader(*args, **kwargs)
        return memo[key]

    return remembered


def _pending_changes():
    # Objects added or changed but not yet flushed: the loader's query would flush them first
    # (autoflush) and see them, so it must run.
    from .extensions import db

    session = db.session()
    return bool(session.new or session.dirty or session.deleted)


def forget(*_args):
    if has_request_context():
        g.pop(_KEY, None)


event.listen(Session, "after_flush", forget)
event.listen(Session, "after_soft_rollback", forget)
