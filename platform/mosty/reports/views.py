"""Report pages: the report on screen with charts, files made as jobs, the stored monthly
reports and their recipients."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from .. import audit
from ..extensions import db
from ..i18n import gettext
from ..jobs import JobRefused, start_job
from ..pagination import paginate
from . import service
from .charts import bar_chart_svg
from .forms import FORMAT_LABELS, GenerateForm, PeriodForm, RecipientForm, RemoveRecipientForm
from .models import FORMATS, VARIANTS
from .tables import display


@login_required
def index():
    membership = service.require_report_access()
    form = PeriodForm(request.args)
    valid = form.validate() if request.args else True
    period = form.period() if valid else None
    external = form.variant.data == "external"
    report = service.make_report(g.partnership, period, external=external) if period else None
    generate = GenerateForm(formdata=None, start=period.start.isoformat() if period else "",
                            end=period.end.isoformat() if period else "",
                            variant="external" if external else "internal")
    html = render_template(
        "reports/index.html", form=form, report=report, period=period, generate=generate,
        chart=bar_chart_svg, display=display, format_labels=FORMAT_LABELS,
        may_manage_recipients=membership.has_role(*service.RECIPIENT_ROLES),
    )
    if report is not None:
        audit.record("read", object_type="PartnershipReport", object_id=period.key,
                     detail={"variant": "external" if external else "internal"})
        db.session.commit()
    return html, (200 if valid else 422)


@login_required
def generate():
    service.require_report_access()
    form = GenerateForm()
    period = form.period() if form.validate_on_submit() else None
    if period is None:
        flash(gettext("The report's period or format is not valid."), "error")
        return redirect(url_for("reports.index"))
    title = gettext("Partnership report %(period)s (%(format)s)", period=str(period),
                    format=form.format.data.upper())
    try:
        job = start_job("report", title, {
            "start": period.start.isoformat(), "end": period.end.isoformat(),
            "variant": form.variant.data, "format": form.format.data,
        }, return_url=url_for("reports.index", preset="custom", start=period.start.isoformat(),
                              end=period.end.isoformat(), variant=form.variant.data))
    except JobRefused as refused:
        flash(str(refused), "error")
        return redirect(url_for("reports.index"))
    return redirect(url_for("jobs.detail", job_id=job.id))


@login_required
def stored():
    membership = service.require_report_access()
    page = paginate(service.stored_reports())
    return render_template("reports/stored.html", page=page, variants=VARIANTS, formats=FORMATS,
                           format_labels=FORMAT_LABELS,
                           may_manage_recipients=membership.has_role(*service.RECIPIENT_ROLES))


@login_required
def download(report_id, variant, file_format):
    service.require_report_access()
    if variant not in VARIANTS or file_format not in FORMATS:
        abort(404)
    stored_file = service.stored_file_or_404(report_id, variant, file_format)
    data = stored_file.content
    audit.record("export", object_type="StoredReport", object_id=report_id,
                 detail={"variant": variant, "format": file_format, "size": len(data)})
    db.session.commit()
    response = Response(data, content_type=stored_file.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{stored_file.filename}"'
    return response


@login_required
def recipients():
    service.require_recipient_admin()
    form = RecipientForm()
    if form.validate_on_submit():
        recipient = service.add_recipient(form.email.data, form.name.data or "",
                                          form.variant.data, current_user.id)
        audit.record("update", recipient, detail={"fields": ["email", "name", "variant",
                                                             "active"]})
        db.session.commit()
        flash(gettext("The address will get the monthly report."), "success")
        return redirect(url_for("reports.recipients"))
    html = render_template("reports/recipients.html", form=form,
                           recipients=service.recipients(), remove_form=RemoveRecipientForm(),
                           smtp_configured=bool(current_app.config.get("MOSTY_SMTP_URL")))
    return html, (422 if request.method == "POST" else 200)


@login_required
def remove_recipient(recipient_id):
    service.require_recipient_admin()
    recipient = service.recipient_or_404(recipient_id)
    if RemoveRecipientForm().validate_on_submit():
        audit.record("delete", recipient)
        db.session.delete(recipient)
        db.session.commit()
        flash(gettext("The address will no longer get the monthly report."), "success")
    return redirect(url_for("reports.recipients"))

