"""The service catalogue, its editing by each institution, and recording deliveries."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit, dates
from ..consents.access import require_case_access
from ..enrollment.service import visible_participant
from ..extensions import db
from ..i18n import gettext
from ..ids import row_id
from ..pagination import paginate, sort_order
from ..privacy.restriction import ProcessingRestricted, ensure_not_restricted, warn_on_form
from . import service
from .forms import CatalogueFilterForm, DeliveryForm, ServiceForm

# Who may keep their institution's catalogue up to date.
EDITOR_ROLES = ("caseworker", "coordinator", "partnership_admin")


def _viewer_institution_id():
    membership = g.get("membership")
    return membership.institution_id if membership is not None else None


def _editing_institution_id():
    """The member's institution when they may edit its catalogue; others get 404."""
    membership = g.get("membership")
    if membership is None or not membership.has_role(*EDITOR_ROLES):
        abort(404)
    return membership.institution_id


def _may_edit():
    membership = g.get("membership")
    return membership is not None and membership.has_role(*EDITOR_ROLES)


@login_required
def index():
    institutions = service.institutions()
    filters = CatalogueFilterForm(institutions, formdata=request.args)
    kind = institution_id = None
    if filters.validate():
        kind = filters.kind.data or None
        institution_id = int(filters.institution.data) if filters.institution.data else None
    order, sort = sort_order(service.CATALOGUE_SORTS, "institution")
    viewer = _viewer_institution_id()
    page = paginate(service.catalogue_query(viewer, order, kind, institution_id))
    # Only validated filters travel on in the sort and page links.
    args = {key: value for key, value in (("kind", kind), ("institution", institution_id))
            if value}
    return render_template(
        "services/index.html", page=page, filters=filters, sort=sort, args=args,
        served=service.served_recently([s.id for s in page.items]),
        window_days=service.CAPACITY_WINDOW_DAYS, kind_label=service.service_kind_label,
        editable_institution_id=viewer if _may_edit() else None,
    )


@login_required
def new():
    institution_id = _editing_institution_id()
    form = ServiceForm()
    if form.validate_on_submit():
        service.create_service(institution_id, form.values())
        db.session.commit()
        flash(gettext("The service has been added to the catalogue."), "success")
        return redirect(url_for(".index", institution=institution_id))
    status = 422 if request.method == "POST" else 200
    return render_template("services/form.html", form=form, service=None), status


@login_required
def edit(service_id):
    institution_id = _editing_institution_id()
    item = service.own_service_or_404(service_id, institution_id)
    form = ServiceForm(obj=item)
    if form.validate_on_submit():
        service.update_service(item, form.values())
        db.session.commit()
        flash(gettext("The service has been saved."), "success")
        return redirect(url_for(".index", institution=institution_id))
    status = 422 if request.method == "POST" else 200
    return render_template("services/form.html", form=form, service=item), status


@login_required
def new_delivery():
    institution_id = require_case_access()
    participant = visible_participant(request.args.get("participant", type=row_id), institution_id)
    services = service.own_services(institution_id)
    form = DeliveryForm(services, delivered_on=dates.today())
    if services and form.validate_on_submit():
        chosen = next(s for s in services if s.id == form.service.data)
        try:
            service.record_delivery(participant, chosen, delivered_on=form.delivered_on.data,
                                    hours=form.hours.data,
                                    result=(form.result.data or "").strip(),
                                    staff_id=current_user.id)
        except ProcessingRestricted as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        except service.DuplicateDelivery as resent:
            # The first submit saved it: the member lands where that one would have taken them.
            db.session.rollback()
            flash(str(resent), "info")
            return redirect(service.participant_page_url(participant.id))
        else:
            db.session.commit()
            flash(gettext("The delivery of %(service)s has been recorded.",
                          service=chosen.name), "success")
            if service.over_capacity(chosen):
                flash(gettext("%(service)s now serves more participants than its capacity.",
                              service=chosen.name), "warning")
            return redirect(service.participant_page_url(participant.id))
    elif request.method == "GET":
        warn_on_form(form, ensure_not_restricted, participant)
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "service_delivery"})
    db.session.commit()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "services/delivery_form.html", form=form, participant=participant,
        has_services=bool(services), back_url=service.participant_page_url(participant.id),
    ), status
