"""Exports of an institution's own records, as CSV (UTF-8 with BOM, ``;``: what Polish Excel
opens without questions) and XLSX, run as jobs (``mosty.jobs``).

"Own" means: participants the institution registered, referrals it sent or received, and the
deliveries of its services to people it may see. People whose processing is restricted are
left out (and counted).
One audit entry per export names the ids written, never their values.
"""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit, dates
from ..consents.access import participant_visible_to
from ..extensions import db
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..jobs import JobFailed, JobResult, job_handler
from ..participants.labels import EDUCATION_LABELS, LABOUR_STATUS_LABELS, SEX_LABELS
from ..participants.models import Participant
from ..referrals.models import Referral
from ..referrals.privacy import STATUS_LABELS
from ..services.models import Service, ServiceDelivery

JOB_KIND = "exchange.export"
FORMATS = ("csv", "xlsx")
DATASETS = {
    "participants": _l("Participants registered by the institution"),
    "referrals_sent": _l("Referrals sent by the institution"),
    "referrals_received": _l("Referrals received by the institution"),
    "deliveries": _l("Services delivered by the institution"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 200


def _label(labels, value):
    return str(labels.get(value, value)) if value is not None else ""


def _participants(institution_id):
    headers = [_l("Number"), _l("First name"), _l("Last name"), _l("PESEL"), _l("Sex"),
               _l("Date of birth"), _l("Phone"), _l("E-mail"), _l("Registered residence"),
               _l("TERYT"), _l("Education"), _l("Labour-market status"), _l("Registered")]
    query = (select(Participant).where(Participant.institution_id == institution_id)
             .order_by(Participant.id))

    def row(p):
        return [p.id, p.first_name, p.last_name, p.pesel or "", _label(SEX_LABELS, p.sex),
                p.birth_date, p.phone, p.email, p.registered_locality, p.registered_teryt,
                _label(EDUCATION_LABELS, p.education),
                _label(LABOUR_STATUS_LABELS, p.labour_status), p.created_at]

    return "Participant", headers, query, row, (lambda p: p)


def _referrals(institution_id, sent):
    headers = [_l("Number"), _l("Participant number"), _l("Participant"), _l("From"), _l("To"),
               _l("Requested service"), _l("Status"), _l("Sent"), _l("Answer due by"),
               _l("Answered"), _l("Completed"), _l("Reason"), _l("Reason for declining"),
               _l("Result")]
    column = Referral.from_institution_id if sent else Referral.to_institution_id
    query = (select(Referral).where(column == institution_id)
             .options(joinedload(Referral.participant), joinedload(Referral.from_institution),
                      joinedload(Referral.to_institution), joinedload(Referral.service))
             .order_by(Referral.id))

    def row(r):
        return [r.id, r.participant_id, r.participant.full_name, r.from_institution.name,
                r.to_institution.name, r.service.name if r.service else "",
                _label(STATUS_LABELS, r.status), r.sent_at, r.due_on, r.answered_at,
                r.completed_at, r.reason, r.decline_reason, r.result]

    return "Referral", headers, query, row, (lambda r: r.participant)


def _deliveries(institution_id):
    headers = [_l("Number"), _l("Participant number"), _l("Participant"), _l("Service"),
               _l("Date"), _l("Hours"), _l("Result")]
    # The institution's deliveries of people it may still see: once a consent is withdrawn
    # (and no referral it accepted remains) the person is no longer its to read, and the
    # export shows no more than the pages do (the deliveries stay, counted in the reports).
    query = (select(ServiceDelivery).join(Service, Service.id == ServiceDelivery.service_id)
             .join(Participant, Participant.id == ServiceDelivery.participant_id)
             .where(Service.institution_id == institution_id,
                    participant_visible_to(institution_id))
             .options(joinedload(ServiceDelivery.participant),
                      joinedload(ServiceDelivery.service))
             .order_by(ServiceDelivery.id))

    def row(d):
        return [d.id, d.participant_id, d.participant.full_name, d.service.name, d.delivered_on,
                float(d.hours), d.result]

    return "ServiceDelivery", headers, query, row, (lambda d: d.participant)


def dataset(name, institution_id):
    if name == "participants":
        return _participants(institution_id)
    if name in ("referrals_sent", "referrals_received"):
        return _referrals(institution_id, sent=name == "referrals_sent")
    if name == "deliveries":
        return _deliveries(institution_id)
    raise ValueError(name)


def _restricted(participant):
    return bool(participant.processing_restricted)


def _plain(value):
    """A moment in the local time a person reads on the screen. Mosty stores UTC; SQLite hands
    it back without its zone, which made exports an hour or two behind the pages."""
    if isinstance(value, datetime):
        return dates.local(value).replace(tzinfo=None)
    return value


def _csv_text(value):
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    # A cell starting like a formula is written as text, so a spreadsheet never runs it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headers, rows, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    sheet.append([str(h) for h in headers])
    for row in rows:
        # Control characters (pasted into a reason, or sent through the API) cannot be held
        # by a spreadsheet: left out, so one such text does not fail the whole export.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else _plain(v)
                      for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@job_handler(JOB_KIND)
def run_export(job, params, report_progress):
    name, fmt = params.get("dataset"), params.get("format")
    if name not in DATASETS or fmt not in FORMATS:
        raise JobFailed(gettext("Unknown kind of export."))
    object_type, headers, query, row, person_of = dataset(name, job.institution_id)
    records = db.session.scalars(query).unique().all()
    total = len(records)
    report_progress(0, total)
    rows, ids, held = [], [], 0
    for number, record in enumerate(records, start=1):
        if _restricted(person_of(record)):
            held += 1
        else:
            rows.append(row(record))
            ids.append(record.id)
        if number % CHUNK == 0:
            report_progress(number, total)
    report_progress(total, total)
    data = to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, DATASETS[name])
    audit.record("export", object_type=object_type, actor_id=job.actor_id,
                 institution_id=job.institution_id,
                 detail={"ids": ids, "dataset": name, "format": fmt, "job_id": job.id,
                         "restricted_left_out": held})
    lines = [gettext("Rows written: %(count)d.", count=len(rows))]
    if held:
        lines.append(gettext("Left out because processing is restricted: %(count)d.",
                             count=held))
    stamp = dates.today().isoformat()
    return JobResult(filename=f"{name}-{stamp}.{fmt}", content_type=CONTENT_TYPES[fmt],
                     data=data, summary={"rows": len(rows), "restricted_left_out": held,
                                         "lines": lines})
