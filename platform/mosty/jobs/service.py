"""Starting jobs from a request, and which jobs a member may see.

A job belongs to the institution of the member who started it: its result is personal data
of that institution like any record. The member who started it sees it; so do the
institution's coordinators and partnership administrators, and its members holding a role the
job's kind is shared with (imports: caseworkers). Everyone else gets 404.
"""

import json
import logging
from datetime import timedelta

from flask import abort, g
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import or_, select, update

from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..ids import MAX_ID
from .handlers import SHARED_WITH, handler_for
from .models import Job
from .progress import live_values

log = logging.getLogger(__name__)

OVERSEER_ROLES = ("coordinator", "partnership_admin")
KEEP_RESULTS_DAYS = 30
TITLE_LENGTH = 200


class JobRefused(Exception):
    """A job cannot be started; the message says why, in the user's language."""


def start_job(kind, title, params, *, return_url=""):
    """Record a job of ``kind`` for the signed-in member's institution and hand it to a worker
    (run at once, in this process, without Redis). Returns the ``Job``.

    ``params`` must be JSON (ids and choices, never personal data). ``return_url`` is where
    the job page sends the member once the job has finished.
    """
    if handler_for(kind) is None:
        raise ValueError(f"no handler for job kind {kind!r}")
    membership = g.get("membership")
    if membership is None or not current_user.is_authenticated:
        raise JobRefused(_l("Only members of an institution of this partnership can start "
                            "jobs."))
    json.dumps(params)  # a TypeError here beats an unreadable task message later
    # Ids are read before the commit: afterwards the request's objects are expired, and
    # reloading them would hold a read lock that an in-process (SQLite) job waits for.
    partnership_id, actor_id = g.partnership.id, current_user.id
    forget_old_results(membership.institution_id)
    locale = get_locale()
    job = Job(kind=kind, title=str(title)[:TITLE_LENGTH], params=dict(params),
              institution_id=membership.institution_id, actor_id=actor_id,
              return_url=return_url or "", locale=str(locale) if locale else "")
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    db.session.commit()
    _enqueue(partnership_id, actor_id, job_id)
    return db.session.get(Job, job_id)


def forget_old_results(institution_id):
    """Delete the result files of the institution's jobs finished more than
    ``KEEP_RESULTS_DAYS`` ago: exports hold personal data and must not pile up. The job stays
    (its ``result_size`` tells the page a file was there)."""
    cutoff = utcnow() - timedelta(days=KEEP_RESULTS_DAYS)
    db.session.execute(
        update(Job).where(Job.institution_id == institution_id, Job.finished_at < cutoff,
                          Job.result_filename != "")
        .values(result_data=None, result_filename="", result_content_type="")
        .execution_options(synchronize_session=False))


def _enqueue(partnership_id, actor_id, job_id):
    from .runner import run_job

    try:
        run_job.apply_async(args=(partnership_id, actor_id), kwargs={
            "job_id": job_id, "idempotency_key": f"mosty.jobs.run:{job_id}"})
    except Exception:
        # The broker is unreachable, or the in-process run broke outside the handler:
        # the job must not wait forever as "queued".
        log.exception("job %s could not be run", job_id)
        db.session.rollback()
        job = db.session.get(Job, job_id)
        if job is not None and not job.finished:
            job.state = "failed"
            job.message = str(_l("The job could not be handed to the background worker. "
                                 "Try again in a moment; if it happens again, tell your "
                                 "administrator."))
            db.session.commit()


def may_oversee(membership):
    return membership.has_role(*OVERSEER_ROLES)


def visible_jobs(membership, user_id, scope="mine"):
    """Jobs of the member (``mine``) or of their institution (``institution``, overseers)."""
    query = select(Job).where(Job.institution_id == membership.institution_id)
    if scope != "institution" or not may_oversee(membership):
        query = query.where(Job.actor_id == user_id)
    return query.order_by(Job.created_at.desc(), Job.id.desc())


def job_or_404(job_id):
    """One rule for every job page: the member who started it, the institution's overseers,
    and the institution's members holding a role its kind is shared with (``job_handler(kind,
    shared_with=...)``; the import pages are the whole institution's, so are their jobs)."""
    membership = g.get("membership")
    if membership is None or job_id > MAX_ID:
        abort(404)
    query = select(Job).where(Job.id == job_id, Job.institution_id == membership.institution_id)
    if not may_oversee(membership):
        shared = [kind for kind, roles in SHARED_WITH.items()
                  if roles and membership.has_role(*roles)]
        query = query.where(or_(Job.actor_id == current_user.id, Job.kind.in_(shared)))
    job = db.session.scalar(query)
    if job is None:
        abort(404)
    return job


def require_member():
    membership = g.get("membership")
    if membership is None:
        abort(404)
    return membership


def progress_of(job):
    """State and progress as the page shows them, live values of this process included."""
    state, done, total = job.state, job.progress_done, job.progress_total
    if not job.finished:
        live = live_values(job.id)
        state = live.get("state", state)
        done = live.get("progress_done", done)
        total = live.get("progress_total", total)
    if state == "done":
        percent = 100
    elif total:
        percent = min(100, int(100 * done / total))
    else:
        percent = 0
    return {"state": state, "done": done, "total": total, "percent": percent}
