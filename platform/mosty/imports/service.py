"""Uploads, column mappings and the import job (``@job_handler("import")``): a dry run that
reports every row, and an all-or-nothing commit."""

import hashlib
from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import select, update

from .. import audit
from ..consents.access import CASE_ROLES
from ..db import utcnow
from ..extensions import db
from ..i18n import gettext, ngettext
from ..i18n import lazy_gettext as _l
from ..ids import MAX_ID
from ..jobs import JobFailed, JobResult, job_handler
from .collector import cycle_collector_paused
from .contract import ImportContext, ImportRow, as_outcome, header_key
from .formats import format_by_key
from .models import ImportBatch, ImportMapping
from .reading import UnreadableFile, read_table

MAX_REPORTED = 5000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 20000
KEEP_UPLOADS_DAYS = 7


def max_bytes():
    return int(current_app.config.get("MOSTY_IMPORT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def max_rows():
    return int(current_app.config.get("MOSTY_IMPORT_MAX_ROWS") or DEFAULT_MAX_ROWS)


def fingerprint(data):
    return hashlib.sha256(data).hexdigest()


def forget_stale_uploads(institution_id, today=None):
    """Delete the bytes of the institution's files uploaded but never imported for
    ``KEEP_UPLOADS_DAYS``: a forgotten upload must not keep people's data for ever."""
    cutoff = (today or utcnow()) - timedelta(days=KEEP_UPLOADS_DAYS)
    db.session.execute(
        update(ImportBatch).where(ImportBatch.institution_id == institution_id,
                                  ImportBatch.state != "committed",
                                  ImportBatch.created_at < cutoff,
                                  ImportBatch.data.is_not(None))
        .values(data=None).execution_options(synchronize_session=False))


def create_batch(*, institution_id, actor_id, fmt, filename, data):
    """An uploaded file, read once to learn its columns (``UnreadableFile`` if it cannot be)."""
    forget_stale_uploads(institution_id)
    if len(data) > max_bytes():
        raise UnreadableFile(_l("The file is too large: at most %(mb)d MB.",
                                mb=max_bytes() // (1024 * 1024)))
    table = read_table(data, filename, max_rows())
    batch = ImportBatch(
        institution_id=institution_id, actor_id=actor_id, format_key=fmt.key,
        filename=(filename or "import")[-200:], fingerprint=fingerprint(data), size=len(data),
        file_kind=table.kind, encoding=table.encoding, separator=table.separator,
        headers=table.headers, row_count=len(table.rows), data=data,
    )
    batch.mapping = suggested_mapping(fmt, table.headers, saved_mapping(institution_id, fmt.key))
    db.session.add(batch)
    db.session.flush()
    return batch


def batch_or_404(batch_id, institution_id):
    if batch_id > MAX_ID:  # no row's id, and PostgreSQL would refuse the comparison
        abort(404)
    batch = db.session.scalar(select(ImportBatch).where(
        ImportBatch.id == batch_id, ImportBatch.institution_id == institution_id))
    if batch is None:
        abort(404)
    return batch


def institution_batches(institution_id, limit=50):
    return list(db.session.scalars(
        select(ImportBatch).where(ImportBatch.institution_id == institution_id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(limit)))


def saved_mapping(institution_id, format_key):
    saved = db.session.scalar(select(ImportMapping).where(
        ImportMapping.institution_id == institution_id, ImportMapping.format_key == format_key))
    return dict(saved.columns) if saved else {}


def suggested_mapping(fmt, headers, saved):
    """{column index: field key}: the institution's saved choices first, then the headers the
    format recognises (ignoring case, spaces, punctuation and diacritics); each field once."""
    known = {}
    for f in fmt.fields:
        for header in (f.key, str(f.label), *f.headers):
            known.setdefault(header_key(header), f.key)
    fields = {f.key for f in fmt.fields}
    mapping, taken = {}, set()
    for source in (saved, known):
        for index, header in enumerate(headers):
            key = source.get(header_key(header))
            if str(index) in mapping or key not in fields or key in taken:
                continue
            mapping[str(index)] = key
            taken.add(key)
    return mapping


def mapping_problems(fmt, headers, mapping):
    """Readable reasons why the mapping cannot be used (empty when it can)."""
    problems = []
    chosen = [key for index, key in mapping.items() if key]
    for f in fmt.fields:
        if f.required and f.key not in chosen:
            problems.append(gettext("Choose the column with: %(field)s.", field=f.label))
        if chosen.count(f.key) > 1:
            problems.append(gettext("Only one column can hold: %(field)s.", field=f.label))
    if any(not index.isdigit() or int(index) >= len(headers) for index in mapping):
        problems.append(gettext("The mapping names a column the file does not have."))
    return problems


def save_mapping(batch, fmt, mapping):
    """Use ``mapping`` for the batch and remember it for the institution's next files."""
    mapping = {index: key for index, key in mapping.items() if key}
    if mapping != batch.mapping:
        batch.report = {}
        batch.state = "uploaded"
    batch.mapping = mapping
    saved = db.session.scalar(select(ImportMapping).where(
        ImportMapping.institution_id == batch.institution_id,
        ImportMapping.format_key == fmt.key))
    if saved is None:
        saved = ImportMapping(institution_id=batch.institution_id, format_key=fmt.key)
        db.session.add(saved)
    columns = dict(saved.columns or {})
    chosen = {header_key(batch.headers[int(index)]): key for index, key in mapping.items()}
    # A header the member now leaves unmapped is forgotten too, unless the file repeats it in
    # a column that is mapped (two "PESEL" columns, the second one skipped).
    for header in batch.headers:
        columns.pop(header_key(header), None)
    saved.columns = {**columns, **chosen}


def earlier_import(batch):
    """The institution's earlier committed import of the same file, if any."""
    return db.session.scalar(select(ImportBatch).where(
        ImportBatch.institution_id == batch.institution_id,
        ImportBatch.format_key == batch.format_key,
        ImportBatch.fingerprint == batch.fingerprint, ImportBatch.state == "committed",
        ImportBatch.id != batch.id).order_by(ImportBatch.id))


def mapped_rows(batch, table):
    columns = {int(index): key for index, key in batch.mapping.items()}
    headers = batch.headers
    # One {field key: header} for the whole file, shared by its rows (read only).
    named = {key: headers[index] for index, key in columns.items()}
    rows = []
    for line, cells in table.rows:
        values = {key: (cells[index] if index < len(cells) else "")
                  for index, key in columns.items()}
        rows.append(ImportRow(line=line, values=values, columns=named))
    return rows


def build_report(fmt, rows, outcomes):
    labels = {f.key: str(f.label) for f in fmt.fields}
    columns = rows[0].columns if rows else {}
    counts = {"rows": len(rows)}
    errors, matches = [], []
    for outcome in outcomes:
        counts[outcome.effect] = counts.get(outcome.effect, 0) + 1
        for error in outcome.errors:
            errors.append({"line": outcome.line,
                           "column": columns.get(error.field) or labels.get(error.field, ""),
                           "message": str(error.message)})
        if outcome.effect != "error":
            matches.append({"line": outcome.line, "effect": outcome.effect,
                            "note": str(outcome.note or ""),
                            "object_id": outcome.object_id if outcome.visible else None})
    counts["rows_with_errors"] = counts.pop("error", 0)
    return {"counts": counts, "errors": errors[:MAX_REPORTED],
            "errors_total": len(errors), "rows": matches[:MAX_REPORTED]}


def summary_lines(counts, committed):
    created, merged = counts.get("create", 0), counts.get("merge", 0)
    updated, skipped = counts.get("update", 0), counts.get("skip", 0)
    bad = counts.get("rows_with_errors", 0)
    lines = [ngettext("%(num)d row read.", "%(num)d rows read.", counts.get("rows", 0))]
    if bad:
        lines.append(ngettext("%(num)d row has problems: nothing can be imported until the "
                              "file is corrected.",
                              "%(num)d rows have problems: nothing can be imported until "
                              "the file is corrected.", bad))
    if committed:
        lines.append(ngettext("%(num)d new record added.", "%(num)d new records added.",
                              created))
        if updated:
            lines.append(ngettext("%(num)d record updated.", "%(num)d records updated.",
                                  updated))
    else:
        lines.append(ngettext("%(num)d new record would be added.",
                              "%(num)d new records would be added.", created))
        if updated:
            lines.append(ngettext("%(num)d record would be updated.",
                                  "%(num)d records would be updated.", updated))
    if merged:
        lines.append(ngettext("%(num)d row matches a record already there (merged).",
                              "%(num)d rows match records already there (merged).", merged))
    if skipped:
        lines.append(ngettext("%(num)d row skipped.", "%(num)d rows skipped.", skipped))
    return lines


# Every caseworker of the institution sees its imports, so their jobs too (one rule: jobs.md).
@job_handler("import", shared_with=CASE_ROLES)
def run_import(job, params, report_progress):
    """Dry run (``mode="dry_run"``) or commit (``mode="commit"``) of an import batch."""
    commit = params.get("mode") == "commit"
    batch = db.session.scalar(
        select(ImportBatch).where(ImportBatch.id == params.get("batch_id"),
                                  ImportBatch.institution_id == job.institution_id)
        .with_for_update())
    if batch is None:
        raise JobFailed(_l("This import no longer exists."))
    if batch.state == "committed":
        return JobResult(summary={"lines": [gettext(
            "This file has already been imported; nothing was added again.")]})
    fmt = format_by_key(batch.format_key)
    if fmt is None:
        raise JobFailed(_l("This import format is no longer available."))
    if batch.data is None:
        raise JobFailed(_l("The uploaded file is no longer kept (files not imported are "
                           "deleted after %(days)d days): upload it again.",
                           days=KEEP_UPLOADS_DAYS))
    with cycle_collector_paused():
        try:
            table = read_table(batch.data, batch.filename, max_rows())
        except UnreadableFile as error:
            raise JobFailed(str(error)) from None
        rows = mapped_rows(batch, table)
        context = ImportContext(partnership_id=batch.partnership_id,
                                institution_id=batch.institution_id, actor_id=job.actor_id,
                                batch_id=batch.id, dry_run=not commit,
                                report_progress=report_progress)
        outcomes = [as_outcome(o) for o in fmt.handler(rows, context)]
        report = build_report(fmt, rows, outcomes)
    report["checked_at"] = utcnow().isoformat()
    if not commit:
        batch.report = report
        batch.state = "checked"
        batch.dry_run_job_id = job.id
        return JobResult(summary={"lines": summary_lines(report["counts"], False),
                                  "batch_id": batch.id, **report["counts"]},
                         errors=report["errors"])
    if report["errors"]:
        raise JobFailed(_l("Nothing was imported: some rows have problems. Correct the file "
                           "and upload it again."), errors=report["errors"])
    batch.report = report
    batch.state = "committed"
    batch.commit_job_id = job.id
    batch.committed_at = utcnow()
    batch.data = None
    audit.record("create", batch, actor_id=job.actor_id, institution_id=job.institution_id,
                 detail={"format": batch.format_key, **report["counts"]})
    return JobResult(summary={"lines": summary_lines(report["counts"], True),
                              "batch_id": batch.id, **report["counts"]})
