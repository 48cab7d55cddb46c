"""Referral pages: the inbox and outbox, sending a referral, the referral page and its answers."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit
from ..consents.access import require_case_access
from ..consents.service import (
    participant_page_url,
    user_names,
    visible_participant_or_404,
)
from ..extensions import db
from ..i18n import gettext
from ..ids import row_id
from ..pagination import paginate, sort_order
from . import service
from .forms import SHAREABLE_FIELD_LABELS, AcceptForm, CompleteForm, DeclineForm, ReferralForm
from .models import STATUSES
from .transitions import (
    DuplicateReferral,
    ReferralRefused,
    accept_referral,
    complete_referral,
    decline_referral,
    send_referral,
)


@login_required
def inbox():
    institution_id = require_case_access()
    box = request.args.get("box", "inbox")
    box = box if box in service.BOXES else "inbox"
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    overdue = request.args.get("overdue") == "1"
    order, sort_key = sort_order(service.SORT_COLUMNS, "-sent")
    page = paginate(service.box_query(institution_id, box, status=status or None,
                                      overdue=overdue, order=order))

    def list_url(**changes):
        args = {"box": box, "status": status, "overdue": "1" if overdue else "",
                "sort": sort_key, "page": page.page}
        args.update(changes)
        return url_for("referrals.inbox", **{k: v for k, v in args.items() if v not in ("", None)})

    html = render_template(
        "referrals/inbox.html", page=page, box=box, status=status, overdue=overdue,
        sort_key=sort_key, list_url=list_url, counts=service.box_counts(institution_id),
        clock=service.answer_clock, statuses=STATUSES,
    )
    audit.record("read", object_type="Referral",
                 detail={"ids": [r.id for r in page.items], "box": box})
    db.session.commit()
    return html


@login_required
def new():
    institution_id = require_case_access()
    if not request.args.get("participant"):
        return _choose_a_participant_first()
    participant = visible_participant_or_404(request.args.get("participant", type=row_id),
                                             institution_id)
    institutions = service.other_institutions(institution_id)
    form = ReferralForm(institutions=institutions,
                        services=service.active_services([i.id for i in institutions]))
    refusal = waiting = None
    if form.validate_on_submit():
        try:
            referral = send_referral(
                participant=participant, from_institution_id=institution_id,
                to_institution_id=form.to_institution.data, reason=form.reason.data.strip(),
                actor_id=current_user.id, service_id=form.service.data,
                shared_fields=form.shared_fields.data or [], due_on=form.due_on.data,
            )
        except ReferralRefused as refused:
            if isinstance(refused, DuplicateReferral):
                waiting = refused.existing.id
            db.session.rollback()
            refusal = str(refused)
        else:
            db.session.commit()
            flash(gettext("The referral has been sent."), "success")
            return redirect(url_for("referrals.detail", referral_id=referral.id))
    needs_consent = refusal is not None and not service.consent_for_referral(
        participant.id, form.to_institution.data)
    html = render_template(
        "referrals/new.html", form=form, participant=participant, refusal=refusal,
        needs_consent=needs_consent, waiting_referral_id=waiting,
        can_record_consent=participant.institution_id == institution_id,
        back_url=participant_page_url(participant.id),
    )
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "referral"})
    db.session.commit()
    return html, (422 if request.method == "POST" else 200)


@login_required
def detail(referral_id):
    institution_id = require_case_access()
    referral = service.referral_or_404(referral_id, institution_id)
    return _render_detail(referral, institution_id)


@login_required
def accept(referral_id):
    referral, institution_id = _answerable(referral_id)
    form = AcceptForm(services=service.active_services([institution_id]))
    if form.validate_on_submit():
        return _answer(referral, institution_id, accept_referral, {"accept_form": form},
                       gettext("The referral has been accepted: you can now open the "
                               "participant's page."), service_id=form.service.data)
    return _render_detail(referral, institution_id, status=422, accept_form=form)


@login_required
def decline(referral_id):
    referral, institution_id = _answerable(referral_id)
    form = DeclineForm()
    if form.validate_on_submit():
        return _answer(referral, institution_id, decline_referral, {"decline_form": form},
                       gettext("The referral has been declined."),
                       reason=form.decline_reason.data)
    return _render_detail(referral, institution_id, status=422, decline_form=form)


@login_required
def complete(referral_id):
    referral, institution_id = _answerable(referral_id)
    form = CompleteForm()
    if form.validate_on_submit():
        return _answer(referral, institution_id, complete_referral, {"complete_form": form},
                       gettext("The referral has been completed."), result=form.result.data)
    return _render_detail(referral, institution_id, status=422, complete_form=form)


def _answerable(referral_id):
    """The referral and the member's institution, if it is the receiving one: 404 for
    institutions not involved, 403 for the sender (who knows the referral exists)."""
    institution_id = require_case_access()
    referral = service.referral_or_404(referral_id, institution_id)
    if referral.to_institution_id != institution_id:
        abort(403)
    return referral, institution_id


def _answer(referral, institution_id, transition, forms, done_message, **arguments):
    try:
        transition(referral, institution_id=institution_id, actor_id=current_user.id,
                   **arguments)
    except ReferralRefused as refused:
        db.session.rollback()
        return _render_detail(referral, institution_id, status=422, refusal=str(refused),
                              **forms)
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for("referrals.detail", referral_id=referral.id))


def _render_detail(referral, institution_id, status=200, refusal=None, **forms):
    receiving = referral.to_institution_id == institution_id
    consent_withdrawn = service.consent_withdrawn(referral)
    if receiving and referral.status == "sent" and not consent_withdrawn:
        forms.setdefault("accept_form", AcceptForm(
            formdata=None, services=service.active_services([institution_id])))
    if receiving and referral.status == "sent":
        forms.setdefault("decline_form", DeclineForm(formdata=None))
    if receiving and referral.status == "accepted":
        forms.setdefault("complete_form", CompleteForm(formdata=None))
    visible = service.participant_visible(referral.participant_id, institution_id)
    page = render_template(
        "referrals/detail.html", referral=referral, receiving=receiving,
        shared=[] if consent_withdrawn else service.shared_data(referral),
        consent_withdrawn=consent_withdrawn, clock=service.answer_clock(referral),
        overdue=referral.is_overdue(), field_labels=SHAREABLE_FIELD_LABELS,
        participant_url=participant_page_url(referral.participant_id) if visible else None,
        names=user_names([referral.sent_by_id, referral.answered_by_id]), refusal=refusal,
        **forms,
    )
    audit.record("read", referral, detail={
        "participant_id": referral.participant_id,
        "fields": [] if consent_withdrawn else list(referral.shared_fields or [])})
    db.session.commit()
    return page, status


def _choose_a_participant_first():
    flash(gettext("Open the participant's page and start from there."), "info")
    return redirect(url_for("participants.index"))
