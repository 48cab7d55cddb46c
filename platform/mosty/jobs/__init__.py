"""Jobs: long work (imports, exports, reports) run by a worker, with progress and a result file.

A module declares what a kind of job does with ``@job_handler(kind)`` and starts one from a
request with ``start_job(kind, title, params)``; the job page shows its progress bar, errors
and the result to download. See ``docs/jobs.md``.
"""

from .handlers import JobFailed, JobResult, job_handler
from .service import JobRefused, start_job

__all__ = ["JobFailed", "JobRefused", "JobResult", "job_handler", "start_job"]
