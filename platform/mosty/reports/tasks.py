"""The monthly report: beat fans out one task per partnership, which stores the report, then
mails it to the partnership's recipients.

Both steps are idempotent per partnership and month: a receipt key and the unique
(partnership, kind, period) of ``StoredReport`` keep a re-run from storing a second report,
and ``mailed_at`` keeps it from mailing twice.
"""

import logging
import smtplib
from datetime import date

from celery import chain
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from .. import audit
from ..db import utcnow
from ..extensions import db
from ..i18n import gettext
from ..partnerships.models import Partnership
from ..tasks import partnership_task, system_task
from . import service
from .mail import build_message, send_messages
from .periods import month_of, previous_month

log = logging.getLogger(__name__)

# Beat acts for nobody in particular: scheduled tasks carry this actor id.
SCHEDULER_ACTOR_ID = 0
MAIL_NOTES = ("no_recipients", "no_smtp")


@system_task("mosty.reports.schedule_monthly_reports",
             reason="fanning out the monthly report to every partnership")
def schedule_monthly_reports(today=None):
    """For each partnership: store last month's report, then mail it."""
    period = previous_month(date.fromisoformat(today) if today else None)
    partnership_ids = list(db.session.scalars(select(Partnership.id).order_by(Partnership.id)))
    # End the read before handing out work: run in process, each step opens its own.
    db.session.commit()
    for partnership_id in partnership_ids:
        month = period.start.isoformat()
        steps = chain(
            make_monthly_report.si(
                partnership_id, SCHEDULER_ACTOR_ID, month,
                idempotency_key=f"mosty.reports.monthly:{partnership_id}:{period.key}"),
            mail_monthly_report.si(
                partnership_id, SCHEDULER_ACTOR_ID, month,
                idempotency_key=f"mosty.reports.mail:{partnership_id}:{period.key}"),
        )
        try:
            steps.apply_async()
        except Exception:
            # One partnership's failure (in process, without a broker) must not stop the rest.
            log.exception("monthly report %s of partnership %s failed", period.key,
                          partnership_id)
    return {"period": period.key, "partnerships": len(partnership_ids)}


@partnership_task("mosty.reports.make_monthly_report")
def make_monthly_report(partnership_id, actor_id, month):
    period = month_of(date.fromisoformat(month))
    partnership = db.session.get(Partnership, partnership_id)
    with force_locale(partnership.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        stored, created = service.store_monthly_report(partnership, period)
    if created:
        audit.record("create", stored, detail={"period": period.key, "files": len(stored.files)})
    return {"stored_report_id": stored.id, "created": created}


@partnership_task("mosty.reports.mail_monthly_report",
                  autoretry_for=(smtplib.SMTPException, OSError))
def mail_monthly_report(partnership_id, actor_id, month):
    period = month_of(date.fromisoformat(month))
    stored = service.stored_report_for(period)
    if stored is None or stored.mailed_at is not None:
        return {"mailed": 0}
    recipients = service.recipients(active_only=True)
    if not recipients:
        stored.mail_note = "no_recipients"
        return {"mailed": 0}
    url = current_app.config.get("MOSTY_SMTP_URL")
    if not url:
        log.info("MOSTY_SMTP_URL is not set: the monthly report %s of partnership %s is stored "
                 "but not mailed", period.key, partnership_id)
        stored.mail_note = "no_smtp"
        return {"mailed": 0}
    partnership = db.session.get(Partnership, partnership_id)
    with force_locale(partnership.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        messages = [_message(partnership, stored, period, r) for r in recipients]
    send_messages(url, messages)
    stored.mailed_at = utcnow()
    stored.mailed_count = len(messages)
    stored.mail_note = ""
    audit.record("export", stored, detail={"mailed": len(messages), "period": period.key})
    return {"mailed": len(messages)}


def _message(partnership, stored, period, recipient):
    files = [f for f in stored.files if f.variant == recipient.variant]
    base = current_app.config["MOSTY_BASE_URL"].rstrip("/")
    subject = gettext("Monthly report of %(partnership)s for %(month)s",
                      partnership=partnership.name, month=period.key)
    body = gettext(
        "Good morning,\n\nattached is the monthly report of the partnership %(partnership)s "
        "for %(period)s (spreadsheet and PDF).\n\nMembers of the partnership find every "
        "stored report at %(url)s\n\nThis message was sent automatically by Mosty.",
        partnership=partnership.name, period=str(period),
        url=f"{base}/{partnership.slug}/reports/stored/")
    return build_message(current_app.config["MOSTY_MAIL_FROM"], recipient.email, subject, body,
                         [(f.filename, f.content_type, f.content) for f in files])
