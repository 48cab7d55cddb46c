"""Making reports for people and for beat: who may, module sections, stored monthly reports.

Reports are aggregates: coordinators and partnership administrators see them (everyone else
gets 404); partnership administrators also choose who the monthly report is mailed to.
"""

import logging
from contextlib import contextmanager
from types import SimpleNamespace

from flask import abort, current_app, g
from sqlalchemy import select

from ..extensions import db
from ..ids import MAX_ID
from ..plugins.access import visible
from ..plugins.manager import get_plugin_manager
from .aggregates import add_module_sections, build_report
from .files import filename, render_pdf, render_xlsx
from .models import FORMATS, VARIANTS, ReportRecipient, StoredReport, StoredReportFile
from .tables import external_copy

REPORT_ROLES = ("coordinator", "partnership_admin")
RECIPIENT_ROLES = ("partnership_admin",)
# Beat makes the monthly report for the audience the report is written for: coordinators.
SCHEDULED_ROLES = ("coordinator",)
RENDERERS = {"xlsx": render_xlsx, "pdf": render_pdf}

log = logging.getLogger(__name__)


def may_see_reports(membership):
    return membership is not None and membership.has_role(*REPORT_ROLES)


def require_report_access():
    membership = g.get("membership")
    if not may_see_reports(membership):
        abort(404)
    return membership


def require_recipient_admin():
    membership = g.get("membership")
    if membership is None or not membership.has_role(*RECIPIENT_ROLES):
        abort(404)
    return membership


@contextmanager
def _as_member(partnership, roles):
    """Module access as a member with ``roles`` would have it (for jobs and beat)."""
    saved = {name: g.get(name) for name in ("partnership", "membership", "module_access")}
    g.partnership = partnership
    g.membership = SimpleNamespace(roles=list(roles))
    g.pop("module_access", None)
    try:
        yield
    finally:
        g.pop("module_access", None)
        for name, value in saved.items():
            if value is None:
                g.pop(name, None)
            else:
                setattr(g, name, value)


def _call_section_hooks(partnership, period):
    """Every plugin's sections, each plugin inside its own savepoint.

    A plugin whose query fails loses its sections, not the report: on PostgreSQL a failed
    statement aborts the whole transaction, so its work is rolled back to the savepoint
    before the next plugin (and the rest of the report) runs.
    """
    results = []
    for impl in get_plugin_manager().hook.mosty_report_sections.get_hookimpls():
        savepoint = db.session.begin_nested()
        try:
            value = impl.function(partnership=partnership, period_start=period.start,
                                  period_end=period.end)
        except Exception:  # noqa: BLE001 - a broken plugin must not break the report
            savepoint.rollback()
            log.exception("Plugin %s failed in mosty_report_sections", impl.plugin_name)
            continue
        savepoint.commit()
        if value is not None:
            results.extend(value if isinstance(value, list | tuple) else [value])
    return results


def module_sections(partnership, period, roles=None):
    """Report sections of the modules switched on and granted to ``roles`` (by default, to
    the signed-in member)."""
    if roles is None:
        return visible(_call_section_hooks(partnership, period))
    with _as_member(partnership, roles):
        return visible(_call_section_hooks(partnership, period))


def make_report(partnership, period, *, external=False, roles=None):
    """The report of the current partnership; ``external`` hides small cells."""
    report = build_report(partnership, period)
    report = add_module_sections(report, module_sections(partnership, period, roles))
    if external:
        return external_copy(report, current_app.config["MOSTY_REPORT_MIN_CELL"])
    return report


def render(report, file_format):
    return RENDERERS[file_format](report)


# --- stored monthly reports ------------------------------------------------------------------

def stored_report_for(period, kind="monthly"):
    return db.session.scalar(select(StoredReport).where(
        StoredReport.kind == kind, StoredReport.period_start == period.start))


def store_monthly_report(partnership, period):
    """Make and store the monthly report with its four files; the existing one if made."""
    existing = stored_report_for(period)
    if existing is not None:
        return existing, False
    stored = StoredReport(kind="monthly", period_start=period.start, period_end=period.end)
    internal = make_report(partnership, period, roles=SCHEDULED_ROLES)
    copies = {"internal": internal,
              "external": external_copy(internal, current_app.config["MOSTY_REPORT_MIN_CELL"])}
    for variant in VARIANTS:
        for file_format in FORMATS:
            data = render(copies[variant], file_format)
            stored.files.append(StoredReportFile(
                variant=variant, format=file_format, content=data, size=len(data),
                filename=filename(copies[variant], file_format)))
    db.session.add(stored)
    db.session.flush()
    return stored, True


def stored_reports():
    return select(StoredReport).order_by(StoredReport.period_start.desc(), StoredReport.id.desc())




def stored_file_or_404(report_id, variant, file_format):
    if report_id > MAX_ID:
        abort(404)
    stored_file = db.session.scalar(select(StoredReportFile).where(
        StoredReportFile.stored_report_id == report_id, StoredReportFile.variant == variant,
        StoredReportFile.format == file_format))
    if stored_file is None:
        abort(404)
    return stored_file


# --- recipients ------------------------------------------------------------------------------

def recipients(active_only=False):
    query = select(ReportRecipient).order_by(ReportRecipient.email)
    if active_only:
        query = query.where(ReportRecipient.active.is_(True))
    return list(db.session.scalars(query))


def recipient_or_404(recipient_id):
    if recipient_id > MAX_ID:
        abort(404)
    recipient = db.session.scalar(select(ReportRecipient).where(
        ReportRecipient.id == recipient_id))
    if recipient is None:
        abort(404)
    return recipient


def add_recipient(email, name, variant, actor_id):
    """The recipient for ``email`` (added, or changed if it was already there)."""
    email = email.strip().lower()
    recipient = db.session.scalar(select(ReportRecipient).where(ReportRecipient.email == email))
    if recipient is None:
        recipient = ReportRecipient(email=email, added_by_id=actor_id)
        db.session.add(recipient)
    recipient.name = name.strip()
    recipient.variant = variant
    recipient.active = True
    db.session.flush()
    return recipient

