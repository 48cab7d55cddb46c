"""Progress of a running job, visible to its page while the job's own transaction is open.

A job's effect is one all-or-nothing transaction, so its progress cannot travel in it. On
PostgreSQL each update is written and committed on a separate connection, with the job's
partnership set for row-level security like any transaction. SQLite (the embedded default, one
process, tasks run in it) allows one writer at a time and the job's transaction holds it, so
there the live values are kept in this process's memory and merged into what the page reads.
"""

import logging
import threading
import time

from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..tenancy.rls import apply_database_setting
from .models import Job

log = logging.getLogger(__name__)

# At most one progress write per this many seconds (the first and the last always go).
MIN_INTERVAL = 0.5

_live = {}
_live_lock = threading.Lock()


def concurrent_writes(engine):
    return engine.dialect.name == "postgresql"


def live_values(job_id):
    """The in-memory progress of a job running in this process (SQLite), or {}."""
    with _live_lock:
        return dict(_live.get(job_id, {}))


class ProgressChannel:
    """Writes a job's state and progress where the job page can see them at once."""

    def __init__(self, job_id, partnership_id):
        self.job_id = job_id
        self.partnership_id = partnership_id
        self.engine = db.engine
        self.concurrent = concurrent_writes(self.engine)
        self._last_write = 0.0
        self.done = 0
        self.total = 0

    def update(self, **values):
        if not self.concurrent:
            with _live_lock:
                _live.setdefault(self.job_id, {}).update(values)
            return
        try:
            with self.engine.begin() as connection:
                apply_database_setting(connection, self.partnership_id, False)
                # The job's own transaction never writes this row before it finishes; the
                # timeout only guards against a handler that breaks that rule.
                connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                connection.execute(update(Job.__table__)
                                   .where(Job.__table__.c.id == self.job_id).values(**values))
        except DBAPIError:
            log.warning("progress of job %s not written", self.job_id, exc_info=True)

    def report(self, done, total=None):
        """The handler's ``report_progress(done, total)``."""
        self.done = max(0, int(done))
        if total is not None:
            self.total = max(0, int(total))
        now = time.monotonic()
        last = self.total and self.done >= self.total
        if self._last_write and not last and now - self._last_write < MIN_INTERVAL:
            return
        self._last_write = now
        self.update(progress_done=self.done, progress_total=self.total)

    def close(self):
        with _live_lock:
            _live.pop(self.job_id, None)
