"""The labour office's inbox: referrals addressed to the member's institution, with their SLA
clocks, and the answers: accept onto an instrument (the enrolment is made in the same
transaction) or with a service, decline with a reason, complete with the result.

The answers go through the registry's referral transitions, which check the rules and write
the audit entries; this module adds only the enrolment.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select

from mosty import toolkit
from mosty.toolkit import gettext

from ..activation.models import ActivationInstrument, InstrumentEnrolment
from ..activation.service import ENROLMENT_STATUS_LABELS, KIND_LABELS, open_instruments
from ..activation.transitions import ActivationRefused, enrol
from ..blueprint import bp
from ..registration.access import (
    clerk_office,
    id_or_404,
    keeps_office_lists,
    labour_office_of,
    require_clerk,
    require_office_staff,
    require_staff,
)
from .forms import AcceptForm, CompleteForm, DeclineForm

STATUSES = toolkit.referral_service.STATUSES


def _enrolments_from(referral_ids):
    if not referral_ids:
        return {}
    rows = toolkit.db.session.scalars(
        select(InstrumentEnrolment).where(InstrumentEnrolment.referral_id.in_(referral_ids))
        .order_by(InstrumentEnrolment.id))
    found = {}
    for enrolment in rows:
        found.setdefault(enrolment.referral_id, []).append(enrolment)
    return found


@bp.route("/")
def index():
    """The module's front door (/<partnership>/labour/): a labour office's case staff land in
    its inbox, which lists people; everyone else the module is granted to, on the job offers."""
    if keeps_office_lists(toolkit.current_membership()):
        return redirect(url_for(".inbox"))
    return redirect(url_for(".offers"))


@bp.route("/inbox/")
def inbox():
    institution_id = require_office_staff()
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    overdue = request.args.get("overdue") == "1"
    # Waiting referrals first, then accepted ones (both by due date), then the answered ones.
    open_first = case((toolkit.Referral.status == "sent", 0),
                      (toolkit.Referral.status == "accepted", 1), else_=2)
    query = toolkit.referral_service.box_query(
        institution_id, "inbox", status=status or None, overdue=overdue,
        order=open_first).order_by(None).order_by(open_first, toolkit.Referral.due_on,
                                                  toolkit.Referral.id.desc())
    page = toolkit.paginate(query)
    html = render_template(
        "labour/inbox/inbox.html", page=page, status=status, overdue=overdue,
        statuses=STATUSES, counts=toolkit.referral_service.box_counts(institution_id),
        clock=toolkit.referral_service.answer_clock,
        enrolments=_enrolments_from([r.id for r in page.items]))
    toolkit.record_audit("read", object_type="Referral",
                         detail={"ids": [r.id for r in page.items], "box": "labour_inbox"})
    toolkit.db.session.commit()
    return html


@bp.route("/inbox/<int:referral_id>/")
def inbox_detail(referral_id):
    institution_id = require_staff()
    referral = toolkit.referral_service.referral_or_404(id_or_404(referral_id),
                                                         institution_id)
    if (referral.to_institution_id != institution_id
            or labour_office_of(toolkit.current_membership()) is None):
        # The sender follows its referral on the registry's page, and so does an institution
        # that is not a labour office (its inbox is the registry's).
        return redirect(url_for("referrals.detail", referral_id=referral.id))
    return _render(referral, institution_id)


def _answerable(referral_id):
    """404 for institutions not involved, 403 for the sender and for members who are not
    clerks of the receiving labour office."""
    institution_id = require_staff()
    referral = toolkit.referral_service.referral_or_404(id_or_404(referral_id),
                                                         institution_id)
    if referral.to_institution_id != institution_id:
        abort(403)
    return referral, require_clerk()


def _accept_form(office, formdata=None):
    kwargs = {} if formdata is None else {"formdata": formdata}
    return AcceptForm(instruments=open_instruments(office.id),
                      services=toolkit.referral_service.active_services([office.id]), **kwargs)


@bp.route("/inbox/<int:referral_id>/accept", methods=("POST",))
def inbox_accept(referral_id):
    referral, office = _answerable(referral_id)
    form = _accept_form(office)
    if not form.validate_on_submit():
        return _render(referral, office.id, status=422, accept_form=form)

    def accept():
        toolkit.referral_transitions.accept_referral(
            referral, institution_id=office.id, actor_id=current_user.id,
            service_id=form.service.data)
        if form.instrument.data is not None:
            instrument = toolkit.db.session.get(ActivationInstrument, form.instrument.data)
            enrol(referral.participant, instrument, office_id=office.id,
                  actor_id=current_user.id, referral_id=referral.id)

    return _answer(referral, office, accept, {"accept_form": form},
                   gettext("The referral is accepted."))


@bp.route("/inbox/<int:referral_id>/decline", methods=("POST",))
def inbox_decline(referral_id):
    referral, office = _answerable(referral_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render(referral, office.id, status=422, decline_form=form)
    return _answer(referral, office, lambda: toolkit.referral_transitions.decline_referral(
        referral, institution_id=office.id, actor_id=current_user.id,
        reason=form.decline_reason.data), {"decline_form": form},
        gettext("The referral is declined."))


@bp.route("/inbox/<int:referral_id>/complete", methods=("POST",))
def inbox_complete(referral_id):
    referral, office = _answerable(referral_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        return _render(referral, office.id, status=422, complete_form=form)
    return _answer(referral, office, lambda: toolkit.referral_transitions.complete_referral(
        referral, institution_id=office.id, actor_id=current_user.id,
        result=form.result.data), {"complete_form": form},
        gettext("The referral is completed."))


def _answer(referral, office, change, forms, done):
    try:
        change()
    except (toolkit.referral_transitions.ReferralRefused, ActivationRefused) as refused:
        toolkit.db.session.rollback()
        return _render(referral, office.id, status=422, refusal=str(refused), **forms)
    toolkit.db.session.commit()
    flash(done, "success")
    return redirect(url_for(".inbox_detail", referral_id=referral.id))


def _result_of(enrolments):
    """A starting text for the referral's result, from how the placements ended."""
    ended = [e for e in enrolments if e.status in ("completed", "dropped_out")]
    return "\n".join(
        f"{e.instrument.title}: {ENROLMENT_STATUS_LABELS[e.status]} ({e.ended_on.isoformat()})"
        for e in ended)


def _render(referral, institution_id, status=200, refusal=None, **forms):
    office = clerk_office() if toolkit.can_use("labour", "write") else None
    can_answer = office is not None and office.id == referral.to_institution_id
    enrolments = _enrolments_from([referral.id]).get(referral.id, [])
    if can_answer and referral.status == "sent":
        forms.setdefault("accept_form", _accept_form(office, formdata=None))
        forms.setdefault("decline_form", DeclineForm(formdata=None))
    if can_answer and referral.status == "accepted":
        forms.setdefault("complete_form", CompleteForm(formdata=None,
                                                       result=_result_of(enrolments)))
    service = toolkit.referral_service
    html = render_template(
        "labour/inbox/detail.html", referral=referral, can_answer=can_answer,
        shared=service.shared_data(referral), clock=service.answer_clock(referral),
        participant_visible=service.participant_visible(referral.participant_id,
                                                        institution_id),
        enrolments=enrolments, kinds=KIND_LABELS, enrolment_statuses=ENROLMENT_STATUS_LABELS,
        refusal=refusal, **toolkit.with_field_ids(forms))
    toolkit.record_audit("read", referral, detail={
        "participant_id": referral.participant_id,
        "fields": list(referral.shared_fields or [])})
    toolkit.db.session.commit()
    return html, status
