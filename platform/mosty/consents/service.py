"""Recording and withdrawing consents; reading a participant's consents for their page.

Only the registering institution records or withdraws a consent: it is the controller that
collected the person's data and the one other institutions' access derives from.
"""

from flask import abort, url_for
from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import audit, dates
from ..auth.models import User
from ..collation import by_name
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..privacy.restriction import ensure_not_restricted, ensure_record_open
from ..request_memo import request_memo
from ..resubmits import wait_for_the_first
from .access import access_kept_without, participant_visible_to
from .models import LAWFUL_BASES, PURPOSES, Consent, ConsentInstitution


class ConsentRefused(Exception):
    """The consent cannot be recorded or withdrawn; the message says why."""


def visible_participant_or_404(participant_id, institution_id):
    """The participant if the institution may see them; 404 otherwise (also for a bad id)."""
    if not isinstance(participant_id, int):
        abort(404)
    participant = db.session.scalar(
        select(Participant).where(Participant.id == participant_id,
                                  participant_visible_to(institution_id))
    )
    if participant is None:
        abort(404)
    return participant


def consent_of_visible_participant_or_404(consent_id, institution_id):
    consent = db.session.scalar(
        select(Consent).join(Participant, Participant.id == Consent.participant_id)
        .where(Consent.id == consent_id, participant_visible_to(institution_id))
    )
    if consent is None:
        abort(404)
    return consent


def may_record_consents(participant, institution_id):
    return participant.institution_id == institution_id


def institutions_to_name(institution_id):
    """The other institutions of the partnership, the ones a consent can name."""
    return list(db.session.scalars(
        select(Institution).where(Institution.id != institution_id).order_by(by_name(Institution.name))
    ))


def identical_consent_in_force(participant_id, purposes, institution_ids, given_on):
    """A consent not withdrawn with the same purposes, institutions and date, or None."""
    for consent in db.session.scalars(
            select(Consent).where(Consent.participant_id == participant_id,
                                  Consent.given_on == given_on, Consent.withdrawn_on.is_(None))
            .options(selectinload(Consent.shared_with))):
        if (set(consent.purposes) == set(purposes)
                and {link.institution_id for link in consent.shared_with} == set(institution_ids)):
            return consent
    return None


def record_consent(participant, *, institution_id, actor_id, lawful_basis, purposes,
                   institution_ids, given_on):
    """A new consent: ConsentRefused says what is wrong with it; ProcessingRestricted refuses
    it while processing is restricted (a consent shares the data) or once the record is
    anonymised."""
    if not may_record_consents(participant, institution_id):
        raise ConsentRefused(_l("Only the institution that registered the person records "
                                "their consents."))
    ensure_not_restricted(participant)
    if lawful_basis not in LAWFUL_BASES or not purposes or set(purposes) - set(PURPOSES):
        raise ConsentRefused(_l("Choose a lawful basis and at least one purpose."))
    if given_on > dates.today():
        raise ConsentRefused(_l("The date cannot be in the future."))
    named = set(db.session.scalars(select(Institution.id).where(
        Institution.id.in_(institution_ids), Institution.id != institution_id)))
    if not institution_ids or named != set(institution_ids):
        raise ConsentRefused(_l("Choose institutions of this partnership."))
    wait_for_the_first(Participant, participant.id)
    if identical_consent_in_force(participant.id, purposes, named, given_on) is not None:
        raise ConsentRefused(_l("This consent is already recorded and in force: the same "
                                "purposes, the same institutions, given on the same day. "
                                "Nothing new was saved."))
    consent = Consent(
        participant_id=participant.id, institution_id=institution_id,
        lawful_basis=lawful_basis, purposes=[p for p in PURPOSES if p in purposes],
        given_on=given_on, recorded_by_id=actor_id,
        shared_with=[ConsentInstitution(institution_id=i) for i in sorted(named)],
    )
    db.session.add(consent)
    db.session.flush()
    audit.record("create", consent, detail={
        "participant_id": participant.id,
        "fields": ["lawful_basis", "purposes", "given_on", "institutions"],
        "institution_ids": sorted(named),
    })
    return consent


def withdraw_consent(consent, *, institution_id, withdrawn_on):
    """Withdraw from ``withdrawn_on`` (today at the latest): the named institutions lose access
    at once, since access is computed from active consents on every request.

    Allowed while processing is restricted (it is the person's own right and shares less);
    refused (RecordClosed) once the record is anonymised, like every change to it."""
    if consent.participant.institution_id != institution_id:
        raise ConsentRefused(_l("Only the institution that registered the person records "
                                "their consents."))
    ensure_record_open(consent.participant)
    if consent.withdrawn_on is not None:
        raise ConsentRefused(_l("This consent has already been withdrawn."))
    if withdrawn_on > dates.today():
        raise ConsentRefused(_l("The date cannot be in the future."))
    if withdrawn_on < consent.given_on:
        raise ConsentRefused(_l("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_on = withdrawn_on
    audit.record("update", consent, detail={"participant_id": consent.participant_id,
                                            "fields": ["withdrawn_on"]})
    return consent


def access_after_withdrawal(consent, institution_id):
    """What withdrawing the consent does to the institutions it names: ``(losing, keeping)``,
    the institutions that lose access and ``[(institution, [reason])]`` of those that keep it,
    with why (a referral they accepted, another consent naming them), as ``institution_id``
    (the registering institution, withdrawing it) may read it. Computed from the access rule
    itself (consents/access.py), so the page cannot promise more than it does."""
    losing, keeping = [], []
    for institution, grounds in access_kept_without(consent):
        if grounds:
            keeping.append((institution, access_reasons(grounds, institution_id)))
        else:
            losing.append(institution)
    return losing, keeping


def access_reasons(grounds, institution_id):
    """One readable phrase per ground of access: "accepted referral no. 231 (in progress)".
    A referral between two other institutions is not ``institution_id``'s to read
    (``referral_visible_to``): it is named without its number or state."""
    reasons = []
    for referral in grounds.referrals:
        if institution_id not in (referral.from_institution_id, referral.to_institution_id):
            reasons.append(_l("a referral it accepted from another institution"))
        elif referral.status == "completed":
            reasons.append(_l("accepted referral no. %(number)d (completed)",
                              number=referral.id))
        else:
            reasons.append(_l("accepted referral no. %(number)d (in progress)",
                              number=referral.id))
    for other in grounds.consents:
        reasons.append(_l("another consent, given on %(date)s, names it",
                          date=format_date(other.given_on)))
    return reasons


@request_memo
def consents_of(participant_id):
    """A participant's consents, newest first, with the institutions they name."""
    return list(db.session.scalars(
        select(Consent).where(Consent.participant_id == participant_id)
        .options(selectinload(Consent.shared_with).selectinload(ConsentInstitution.institution),
                 selectinload(Consent.institution))
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ))


def user_names(user_ids):
    """{user id: name} of the staff who recorded something (users are global, names only)."""
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())



def participant_page_url(participant_id):
    return url_for("participants.detail", participant_id=participant_id)
