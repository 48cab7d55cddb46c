"""Recording a participant's consent and withdrawing it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import audit
from ..extensions import db
from ..i18n import gettext, ngettext
from ..ids import row_id
from ..privacy.restriction import (
    ProcessingRestricted,
    ensure_not_restricted,
    ensure_record_open,
    warn_on_form,
)
from . import service
from .access import referrals_left_without_consent, require_case_access
from .forms import ConsentForm, WithdrawConsentForm


@login_required
def new():
    institution_id = require_case_access()
    if not request.args.get("participant"):
        return _choose_a_participant_first()
    participant = service.visible_participant_or_404(
        request.args.get("participant", type=row_id), institution_id)
    if not service.may_record_consents(participant, institution_id):
        abort(403)
    form = ConsentForm(institutions=service.institutions_to_name(institution_id))
    if form.validate_on_submit():
        try:
            service.record_consent(
                participant, institution_id=institution_id, actor_id=current_user.id,
                lawful_basis=form.lawful_basis.data, purposes=form.purposes.data,
                institution_ids=form.institutions.data, given_on=form.given_on.data,
            )
        except (service.ConsentRefused, ProcessingRestricted) as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(gettext("The consent has been recorded."), "success")
            return redirect(service.participant_page_url(participant.id))
    elif request.method == "GET":
        warn_on_form(form, ensure_not_restricted, participant)
    html = render_template("consents/new.html", form=form, participant=participant,
                           back_url=service.participant_page_url(participant.id))
    audit.record("read", participant, detail={"fields": ["first_name", "last_name"],
                                              "form": "consent"})
    db.session.commit()
    return html, (422 if request.method == "POST" else 200)


@login_required
def withdraw(consent_id):
    institution_id = require_case_access()
    consent = service.consent_of_visible_participant_or_404(consent_id, institution_id)
    participant = consent.participant
    if not service.may_record_consents(participant, institution_id):
        abort(403)
    form = WithdrawConsentForm()
    # What the page and the message promise; nothing to say about an already withdrawn one.
    losing, keeping = (service.access_after_withdrawal(consent, institution_id)
                       if consent.withdrawn_on is None else ([], []))
    # Referrals this institution sent on the consent that are still waiting for an answer
    # (one sent by another institution is not this one's to know of: referral_visible_to).
    stranded = ([r for r in referrals_left_without_consent(consent)
                 if r.from_institution_id == institution_id]
                if consent.withdrawn_on is None else [])
    if consent.withdrawn_on is not None:
        form.form_errors.append(gettext("This consent has already been withdrawn."))
    elif request.method == "GET":
        warn_on_form(form, ensure_record_open, participant)
    elif form.validate_on_submit():
        try:
            service.withdraw_consent(consent, institution_id=institution_id,
                                     withdrawn_on=form.withdrawn_on.data)
        except (service.ConsentRefused, ProcessingRestricted) as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(_withdrawn_message(losing, keeping, stranded), "success")
            return redirect(service.participant_page_url(participant.id))
    names = service.user_names([consent.recorded_by_id])
    html = render_template("consents/withdraw.html", form=form, consent=consent,
                           participant=participant, recorded_by=names.get(consent.recorded_by_id),
                           losing=losing, keeping=keeping, stranded=stranded,
                           back_url=service.participant_page_url(participant.id))
    audit.record("read", consent, detail={"participant_id": participant.id,
                                          "form": "withdraw"})
    db.session.commit()
    return html, (422 if request.method == "POST" else 200)


def _withdrawn_message(losing, keeping, stranded=()):
    """Who no longer sees the record and who still does, and why: an institution that accepted
    a referral of the person keeps access however the consents change. Then the referrals
    still waiting for an answer that can no longer be accepted."""
    if losing:
        sentences = [ngettext(
            "The consent has been withdrawn: %(institutions)s no longer sees the record.",
            "The consent has been withdrawn: %(institutions)s no longer see the record.",
            len(losing), institutions=", ".join(i.name for i in losing))]
    else:
        sentences = [gettext("The consent has been withdrawn.")]
    sentences += [gettext("%(institution)s keeps access: %(reasons)s.",
                          institution=institution.name,
                          reasons="; ".join(str(r) for r in reasons))
                  for institution, reasons in keeping]
    sentences += [gettext("Referral no. %(number)d to %(institution)s, still waiting for an "
                          "answer, can no longer be accepted.",
                          number=referral.id, institution=referral.to_institution.name)
                  for referral in stranded]
    return " ".join(sentences)


def _choose_a_participant_first():
    flash(gettext("Open the participant's page and start from there."), "info")
    return redirect(url_for("participants.index"))
