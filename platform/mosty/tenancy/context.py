"""Which partnership the current request or task works for.

Context variables rather than ``flask.g`` so that the same rules hold in Celery tasks and CLI
commands, where there is no request.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_partnership_id: ContextVar[int | None] = ContextVar("mosty_partnership_id", default=None)
_system_reason: ContextVar[str | None] = ContextVar("mosty_system_scope", default=None)


class NoPartnershipContext(RuntimeError):
    """Partnership data was touched with no partnership chosen and no system scope."""


class TenancyViolation(RuntimeError):
    """A write tried to cross the partnership wall."""


def current_partnership_id():
    return _partnership_id.get()


def in_system_scope():
    return _system_reason.get() is not None


def _switch_session(partnership_id):
    # Objects loaded for another partnership must not be served from the identity map, and the
    # database-side setting must follow the switch inside an open transaction.
    from . import orm

    orm.on_partnership_switch(partnership_id)


@contextmanager
def _scope(partnership_id, reason):
    tokens = (_partnership_id.set(partnership_id), _system_reason.set(reason))
    try:
        _switch_session(partnership_id)
        yield
    except BaseException:
        # Leave the database alone while an error is on its way out: the failed transaction
        # is rolled back by the caller, and the next one begins with the restored setting.
        _partnership_id.reset(tokens[0])
        _system_reason.reset(tokens[1])
        raise
    _partnership_id.reset(tokens[0])
    _system_reason.reset(tokens[1])
    _switch_session(_partnership_id.get())


@contextmanager
def partnership_scope(partnership_id):
    """Work for one partnership: every query sees only its rows, every insert is stamped."""
    if partnership_id is None:
        raise NoPartnershipContext("partnership_scope() needs a partnership id")
    with _scope(int(partnership_id), None):
        yield int(partnership_id)


def set_request_partnership(partnership_id):
    """Bind the request to a partnership until ``clear_request_partnership``."""
    _partnership_id.set(partnership_id)
    _switch_session(partnership_id)


def set_request_system_scope(reason):
    """A whole request in the system scope (the platform admin's screens)."""
    if not reason:
        raise ValueError("a system scope needs a reason")
    _partnership_id.set(None)
    _system_reason.set(reason)
    _switch_session(None)


def clear_request_partnership():
    _partnership_id.set(None)
    _system_reason.set(None)


@contextmanager
def system_scope(reason):
    """Cross-partnership access, for the few places that need it.

    Allowed callers: migrations, the platform admin, demo data and beat fan-out. Always name
    the reason, so ``grep system_scope`` lists every place the walls are lowered.
    """
    if not reason:
        raise ValueError("system_scope() needs a reason")
    with _scope(None, reason):
        yield
