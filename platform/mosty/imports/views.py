"""Import pages: upload, column mapping (then the dry run as a job), the dry-run report and
the commit (a job)."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from .. import audit
from ..consents.access import require_case_access
from ..extensions import db
from ..i18n import gettext
from ..jobs import start_job
from ..jobs.models import Job
from . import service
from .formats import available_formats, format_by_key
from .forms import ConfirmForm, UploadForm
from .reading import UnreadableFile

UPLOAD_OVERHEAD = 64 * 1024


@login_required
def index():
    institution_id = require_case_access()
    formats = available_formats()
    error = None
    # A too large upload is refused before it is read into memory.
    request.max_content_length = service.max_bytes() + UPLOAD_OVERHEAD
    try:
        form = UploadForm(formats=formats)
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form, submitted = UploadForm(formdata=None, formats=formats), False
        error = gettext("The file is too large: at most %(mb)d MB.",
                        mb=service.max_bytes() // (1024 * 1024))
    if submitted:
        upload = form.file.data
        fmt = format_by_key(form.format.data, formats)
        if upload is None or not getattr(upload, "filename", ""):
            error = gettext("Choose the file to import.")
        else:
            data = upload.read(service.max_bytes() + 1)
            try:
                batch = service.create_batch(institution_id=institution_id,
                                             actor_id=current_user.id, fmt=fmt,
                                             filename=upload.filename, data=data)
            except UnreadableFile as unreadable:
                db.session.rollback()
                error = str(unreadable)
            else:
                db.session.commit()
                return redirect(url_for("imports.mapping", import_id=batch.id))
    status = 422 if (error or form.errors) and request.method == "POST" else 200
    return render_template("imports/index.html", form=form, error=error, formats=formats,
                           batches=service.institution_batches(institution_id),
                           format_names={f.key: f.name for f in formats}), status


@login_required
def mapping(import_id):
    institution_id = require_case_access()
    batch = service.batch_or_404(import_id, institution_id)
    fmt = format_by_key(batch.format_key, available_formats())
    if fmt is None or batch.state == "committed":
        return redirect(url_for("imports.detail", import_id=batch.id))
    form = ConfirmForm()
    problems = []
    chosen = dict(batch.mapping)
    if form.validate_on_submit():
        fields = {f.key for f in fmt.fields}
        chosen = {str(index): request.form.get(f"column-{index}", "")
                  for index in range(len(batch.headers))}
        chosen = {index: key for index, key in chosen.items() if key in fields}
        problems = service.mapping_problems(fmt, batch.headers, chosen)
        if not problems:
            service.save_mapping(batch, fmt, chosen)
            db.session.commit()
            job = start_job("import", gettext("Dry run of %(file)s", file=batch.filename),
                            {"batch_id": batch.id, "mode": "dry_run"},
                            return_url=url_for("imports.detail", import_id=batch.id))
            return redirect(url_for("jobs.detail", job_id=job.id))
    elif request.method == "POST":
        problems = [gettext("The form has expired: please try again.")]
    return render_template("imports/mapping.html", batch=batch, fmt=fmt, form=form,
                           chosen=chosen, problems=problems), (422 if problems else 200)


@login_required
def detail(import_id):
    institution_id = require_case_access()
    batch = service.batch_or_404(import_id, institution_id)
    fmt = format_by_key(batch.format_key)
    report = batch.report or {}
    jobs = {job.id: job for job in (db.session.get(Job, i) for i in
                                    (batch.dry_run_job_id, batch.commit_job_id) if i)}
    people = [row["object_id"] for row in report.get("rows", []) if row.get("object_id")]
    html = render_template(
        "imports/detail.html", batch=batch, fmt=fmt, report=report, form=ConfirmForm(),
        earlier=service.earlier_import(batch), jobs=jobs,
        can_commit=batch.state == "checked" and not report.get("errors"),
        summary=service.summary_lines(report.get("counts", {}), batch.state == "committed")
        if report else [],
        field_labels={f.key: f.label for f in fmt.fields} if fmt else {},
    )
    if people:
        audit.record("read", object_type="Participant",
                     detail={"ids": people, "import_id": batch.id})
        db.session.commit()
    return html


@login_required
def commit(import_id):
    institution_id = require_case_access()
    batch = service.batch_or_404(import_id, institution_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(gettext("The form has expired: please try again."), "error")
        return redirect(url_for("imports.detail", import_id=batch.id))
    if batch.state == "committed":
        flash(gettext("This file has already been imported."), "info")
        return redirect(url_for("imports.detail", import_id=batch.id))
    if batch.state != "checked" or (batch.report or {}).get("errors"):
        flash(gettext("Run the dry run first and correct every problem it finds."), "error")
        return redirect(url_for("imports.detail", import_id=batch.id))
    # The dry run was allowed when it started; since then the module may have been switched
    # off or its write access withdrawn from the member's roles.
    if format_by_key(batch.format_key, available_formats()) is None:
        flash(gettext("This import format is no longer available to you."), "error")
        return redirect(url_for("imports.detail", import_id=batch.id))
    job = start_job("import", gettext("Import of %(file)s", file=batch.filename),
                    {"batch_id": batch.id, "mode": "commit"},
                    return_url=url_for("imports.detail", import_id=batch.id))
    return redirect(url_for("jobs.detail", job_id=job.id))


@login_required
def template():
    """An empty CSV with the headers the format recognises, ready to fill in Excel."""
    require_case_access()
    fmt = format_by_key(request.args.get("format", "participants"), available_formats())
    if fmt is None:
        abort(404)
    headers = [(f.headers[0] if f.headers else str(f.label)) for f in fmt.fields]
    # A BOM and semicolons: what Polish Excel opens correctly with a double click.
    data = ("\ufeff" + ";".join(headers) + "\r\n").encode("utf-8")
    response = Response(data, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"{fmt.key.replace('.', '-')}.csv")
    return response
