"""Running a job: its handler inside the partnership task ``mosty.jobs.run``."""

import logging

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from .. import audit
from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..i18n import gettext
from ..partnerships.models import Partnership
from ..tasks import partnership_task
from .handlers import JobFailed, JobResult, handler_for
from .models import FINISHED, Job
from .progress import ProgressChannel

log = logging.getLogger(__name__)

MAX_ERRORS = 5000


def job_locale(job, actor_id, partnership_id):
    """The language the job's messages are written in: the page's it was started from, else
    the actor's saved choice, else the partnership's."""
    locales = current_app.config["MOSTY_LOCALES"]
    if job.locale in locales:
        return job.locale
    user = db.session.get(User, actor_id) if actor_id else None
    if user is not None and user.locale in locales:
        return user.locale
    default = db.session.scalar(select(Partnership.default_locale)
                                .where(Partnership.id == partnership_id))
    return default if default in locales else current_app.config["BABEL_DEFAULT_LOCALE"]


def _clean_errors(errors):
    cleaned = []
    for error in list(errors)[:MAX_ERRORS]:
        entry = {"message": str(error.get("message", ""))}
        for key in ("line", "column"):
            if error.get(key) not in (None, ""):
                entry[key] = error[key] if isinstance(error[key], int) else str(error[key])
        cleaned.append(entry)
    return cleaned


def _fail(job_id, message, errors=()):
    job = db.session.get(Job, job_id)
    job.state = "failed"
    job.message = str(message)
    job.errors = _clean_errors(errors)
    job.finished_at = utcnow()
    return job


@partnership_task("mosty.jobs.run")
def run_job(partnership_id, actor_id, job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        return {"job_id": job_id, "state": "missing"}
    if job.state in FINISHED:
        return {"job_id": job_id, "state": job.state}
    channel = ProgressChannel(job_id, partnership_id)
    locale = job_locale(job, actor_id, partnership_id)
    handler = handler_for(job.kind)
    params = dict(job.params or {})
    started = utcnow()
    try:
        with force_locale(locale):
            if handler is None:
                raise JobFailed(gettext("This kind of job (%(kind)s) is not available in this "
                                        "installation.", kind=job.kind))
            channel.update(state="running", started_at=started, progress_done=0,
                           progress_total=0)
            with audit.acting_as(job.actor_id, job.institution_id):
                result = handler(job, params, channel.report) or JobResult()
                # The correction history is written at flush: flushed here, it still knows
                # whose job this is (the task commits after this function returns).
                db.session.flush()
            errors = _clean_errors(result.errors)
            summary = _translated(result.summary)
    except JobFailed as failure:
        db.session.rollback()
        with force_locale(locale):
            job = _fail(job_id, str(failure.message), [_translated(e) for e in failure.errors])
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind if job else "?")
        db.session.rollback()
        with force_locale(locale):
            job = _fail(job_id, gettext(
                "The job stopped because of an unexpected error, and nothing it did was saved. "
                "Try again; if it happens again, tell your administrator the job number "
                "(%(id)s).", id=job_id))
    else:
        job.state = "done"
        job.progress_total = channel.total or max(channel.done, 1)
        job.progress_done = job.progress_total
        job.summary = summary
        job.errors = errors
        job.finished_at = utcnow()
        if result.filename:
            job.result_filename = result.filename[:200]
            job.result_content_type = result.content_type or "application/octet-stream"
            job.result_data = bytes(result.data)
            job.result_size = len(job.result_data)
    finally:
        channel.close()
    job.started_at = started
    if job.state == "failed":
        job.progress_done, job.progress_total = channel.done, channel.total
    return {"job_id": job_id, "state": job.state}


def _translated(value):
    """Lazy strings (and containers of them) as plain text in the current language."""
    if isinstance(value, dict):
        return {str(k): _translated(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_translated(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
