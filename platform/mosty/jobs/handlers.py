"""The job kinds and their handlers: ``@job_handler("report")`` registers one."""

from dataclasses import dataclass, field

HANDLERS = {}
# kind -> roles of the institution's members who see every job of that kind (see service.py).
SHARED_WITH = {}


@dataclass(frozen=True)
class JobResult:
    """What a handler hands back: an optional file (stored with the job, downloaded through
    the access check), a summary for the caller's pages, and per-line errors to show.

    ``summary`` is JSON-serialisable; its optional ``"lines"`` (readable sentences, already in
    the actor's language) are shown on the job page. ``errors`` are dicts with ``message`` and
    optionally ``line`` and ``column``.
    """

    filename: str = ""
    content_type: str = ""
    data: bytes = b""
    summary: dict = field(default_factory=dict)
    errors: tuple = ()


class JobFailed(Exception):
    """An expected failure: the job ends as failed with this readable message (and errors);
    everything the handler wrote in the job's transaction is rolled back."""

    def __init__(self, message, errors=()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


def job_handler(kind, *, shared_with=()):
    """Register ``handler(job, params, report_progress) -> JobResult | None`` for ``kind``.

    ``shared_with``: roles whose holders in the job's institution see its jobs of this kind
    (and their results) as well as the member who started one, because the job works on
    something all of them see (an import of the institution: ``("caseworker",)``).

    The handler runs inside the job's partnership, in one transaction committed when it
    returns; it must not commit, and must not change the ``job`` row (progress goes through
    ``report_progress(done, total)``, results through the returned ``JobResult``).
    """

    def register(handler):
        existing = HANDLERS.get(kind)
        if existing is not None and existing is not handler and (
                existing.__module__, existing.__qualname__) != (
                handler.__module__, handler.__qualname__):
            raise ValueError(f"job kind {kind!r} already has a handler: {existing!r}")
        HANDLERS[kind] = handler
        SHARED_WITH[kind] = tuple(shared_with)
        return handler

    return register


def handler_for(kind):
    return HANDLERS.get(kind)
