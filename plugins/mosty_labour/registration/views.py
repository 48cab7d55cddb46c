"""Registration status pages: the office's register, a person's status with its periods, and
the clerk's forms (register, change status, deregister, case number and benefit)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from mosty import toolkit
from mosty.toolkit import gettext

from ..blueprint import bp
from . import service
from .access import (
    clerk_office,
    require_clerk,
    require_office_staff,
    require_staff,
    visible_participant_or_404,
)
from .forms import DeregisterForm, DetailsForm, RegisterForm, StatusForm
from .transitions import (
    RegistrationRefused,
    change_status,
    deregister,
    register_person,
    update_details,
)


@bp.route("/registration/")
def registration_list():
    institution_id = require_office_staff()
    page = toolkit.paginate(service.office_register(institution_id))
    html = render_template("labour/registration/list.html", page=page,
                           summary=service.summary, labels=service.STATUS_LABELS)
    toolkit.record_audit("read", object_type="LabourRegistration",
                         detail={"ids": [r.id for r in page.items],
                                 "participant_ids": [r.participant_id for r in page.items]})
    toolkit.db.session.commit()
    return html


@bp.route("/registration/<int:participant_id>/")
def registration_detail(participant_id):
    institution_id = require_staff()
    participant = visible_participant_or_404(participant_id, institution_id)
    return _render(participant)


@bp.route("/registration/<int:participant_id>/register", methods=("POST",))
def registration_register(participant_id):
    participant, office = _writable(participant_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        return _render(participant, status=422, register_form=form)
    return _apply(participant, {"register_form": form}, gettext("The registration is recorded."),
                  lambda: register_person(participant, office_id=office.id,
                                          actor_id=current_user.id, status=form.status.data,
                                          registered_on=form.registered_on.data,
                                          case_no=form.case_no.data))


@bp.route("/registration/<int:participant_id>/status", methods=("POST",))
def registration_status(participant_id):
    participant, office = _writable(participant_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _render(participant, status=422, status_form=form)
    return _apply(participant, {"status_form": form}, gettext("The status is changed."),
                  lambda: change_status(_own_registration(participant, office),
                                        office_id=office.id, actor_id=current_user.id,
                                        status=form.status.data, on=form.on.data))


@bp.route("/registration/<int:participant_id>/deregister", methods=("POST",))
def registration_deregister(participant_id):
    participant, office = _writable(participant_id)
    form = DeregisterForm()
    if not form.validate_on_submit():
        return _render(participant, status=422, deregister_form=form)
    return _apply(participant, {"deregister_form": form},
                  gettext("The deregistration is recorded."),
                  lambda: deregister(_own_registration(participant, office), office_id=office.id,
                                     actor_id=current_user.id, on=form.on.data,
                                     reason=form.reason.data))


@bp.route("/registration/<int:participant_id>/details", methods=("POST",))
def registration_details(participant_id):
    participant, office = _writable(participant_id)
    form = DetailsForm(registration=service.registration_at(participant.id, office.id))
    if not form.validate_on_submit():
        return _render(participant, status=422, details_form=form)
    return _apply(participant, {"details_form": form}, gettext("The details are saved."),
                  lambda: update_details(_own_registration(participant, office),
                                         office_id=office.id, actor_id=current_user.id,
                                         case_no=form.case_no.data,
                                         benefit_entitled=form.benefit_entitled.data,
                                         benefit_until=form.benefit_until.data))


def _writable(participant_id):
    """404 for people the institution does not see, then 403 for anyone but a clerk."""
    institution_id = require_staff()
    participant = visible_participant_or_404(participant_id, institution_id)
    return participant, require_clerk()


def _own_registration(participant, office):
    registration = service.registration_at(participant.id, office.id)
    if registration is None:
        raise RegistrationRefused(gettext("The person has no registration at your office."))
    return registration


def _apply(participant, forms, done, change):
    try:
        change()
    except RegistrationRefused as refused:
        toolkit.db.session.rollback()
        return _render(participant, status=422, refusal=str(refused), **forms)
    toolkit.db.session.commit()
    flash(done, "success")
    return redirect(url_for(".registration_detail", participant_id=participant.id))


def _render(participant, status=200, refusal=None, **forms):
    summary = service.summary(participant.id)
    office = clerk_office() if toolkit.can_use("labour", "write") else None
    own = None
    if office is not None:
        own = next((r for r in summary.registrations if r.institution_id == office.id), None)
        forms.setdefault("register_form", RegisterForm(formdata=None))
        forms.setdefault("status_form", StatusForm(formdata=None))
        forms.setdefault("deregister_form", DeregisterForm(formdata=None))
        if own is not None:
            forms.setdefault("details_form", DetailsForm.for_registration(own))
    html = render_template(
        "labour/registration/detail.html", participant=participant, summary=summary,
        office=office, own=own, refusal=refusal,
        period_labels=service.PERIOD_STATUS_LABELS,
        reason_labels=service.DEREGISTRATION_REASON_LABELS, **toolkit.with_field_ids(forms))
    toolkit.record_audit("read", participant, detail={
        "labour_registration_ids": [r.id for r in summary.registrations]})
    toolkit.db.session.commit()
    return html, status
