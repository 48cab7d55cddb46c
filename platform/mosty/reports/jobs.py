"""The "report" job: the partnership report for a period as an XLSX or PDF file."""

from datetime import date

from sqlalchemy import select

from .. import audit
from ..auth.models import Membership
from ..extensions import db
from ..i18n import gettext
from ..jobs import JobFailed, JobResult, job_handler
from ..partnerships.models import Partnership
from .files import filename
from .models import CONTENT_TYPES, FORMATS, VARIANTS
from .periods import Period
from .service import make_report, may_see_reports, render


@job_handler("report")
def generate_report(job, params, report_progress):
    """params: ``start``, ``end`` (ISO dates), ``variant`` (internal/external), ``format``."""
    try:
        period = Period(date.fromisoformat(params["start"]), date.fromisoformat(params["end"]))
        variant, file_format = params["variant"], params["format"]
    except (KeyError, TypeError, ValueError) as error:
        raise JobFailed(gettext("The report's period or format is not valid.")) from error
    if variant not in VARIANTS or file_format not in FORMATS:
        raise JobFailed(gettext("The report's period or format is not valid."))
    # The starter's roles decide, as on the page: a member who lost them gets no report.
    membership = db.session.scalar(select(Membership).where(Membership.user_id == job.actor_id,
                                                            Membership.active.is_(True)))
    if not may_see_reports(membership):
        raise JobFailed(gettext("Only coordinators and partnership administrators can make "
                                "reports."))
    partnership = db.session.get(Partnership, job.partnership_id)
    report_progress(0, 2)
    report = make_report(partnership, period, external=variant == "external",
                         roles=membership.roles)
    report_progress(1, 2)
    data = render(report, file_format)
    report_progress(2, 2)
    audit.record("export", object_type="PartnershipReport", object_id=period.key,
                 actor_id=job.actor_id, institution_id=job.institution_id,
                 detail={"variant": variant, "format": file_format})
    return JobResult(filename=filename(report, file_format),
                     content_type=CONTENT_TYPES[file_format], data=data,
                     summary={"lines": [gettext("Report for %(period)s, %(sections)d sections.",
                                                period=str(period),
                                                sections=len(report.sections))]})
