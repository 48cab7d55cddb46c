"""Job pages: the member's jobs, one job's progress and errors, its progress as JSON (polled
by ``static/js/jobs.js``) and the download of its result."""

from flask import Response, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit
from ..db import reads_only
from ..extensions import db
from ..i18n import gettext
from ..pagination import paginate
from . import service
from .models import STATES

SCOPES = ("mine", "institution")


@login_required
def index():
    membership = service.require_member()
    scope = request.args.get("scope", "mine")
    if scope not in SCOPES or (scope == "institution" and not service.may_oversee(membership)):
        scope = "mine"
    page = paginate(service.visible_jobs(membership, current_user.id, scope))
    return render_template("jobs/index.html", page=page, scope=scope,
                           may_oversee=service.may_oversee(membership),
                           progress_of=service.progress_of)


@login_required
def detail(job_id):
    job = service.job_or_404(job_id)
    return render_template("jobs/detail.html", job=job, progress=service.progress_of(job),
                           states=STATES, keep_days=service.KEEP_RESULTS_DAYS)


@reads_only
@login_required
def progress(job_id):
    job = service.job_or_404(job_id)
    payload = service.progress_of(job)
    payload.update({
        "id": job.id,
        "state_label": state_label(payload["state"]),
        "finished": payload["state"] in ("done", "failed"),
        "result_url": url_for("jobs.result", job_id=job.id) if job.has_result else None,
    })
    return jsonify(payload)


@login_required
def result(job_id):
    job = service.job_or_404(job_id)
    if not job.has_result:
        return render_template("jobs/detail.html", job=job, progress=service.progress_of(job),
                               states=STATES, keep_days=service.KEEP_RESULTS_DAYS,
                               no_result=True), 404
    data = job.result_data or b""
    audit.record("export", job, detail={"kind": job.kind, "size": len(data)})
    db.session.commit()
    # content_type, not mimetype: Flask would add a second "; charset=utf-8" to a text type
    # that already names its charset.
    response = Response(data,
                        content_type=job.result_content_type or "application/octet-stream")
    response.headers.set("Content-Disposition", "attachment", filename=job.result_filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def state_label(state):
    return {
        "queued": gettext("waiting"),
        "running": gettext("running"),
        "done": gettext("done"),
        "failed": gettext("failed"),
    }.get(state, state)
