"""Referral rules: sending needs a consent covering the receiving institution and no referral
of the person already waiting there; then one function per answer (accept, decline, complete),
each audited."""

from datetime import timedelta

from flask_babel import format_date
from sqlalchemy import select

from .. import audit, dates
from ..consents.access import consent_covers, referral_consent_in_force
from ..db import utcnow
from ..exchange.outbox import publish_referral
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..privacy.restriction import ProcessingRestricted, ensure_not_restricted
from ..resubmits import wait_for_the_first
from ..services.models import Service
from .models import SHAREABLE_FIELDS, Referral

DEFAULT_ANSWER_DAYS = 14


class ReferralRefused(Exception):
    """The referral cannot be sent or answered; the message says why, in the user's language."""


class DuplicateReferral(ReferralRefused):
    """The person already has a referral waiting for an answer between the same institutions
    (for the same service): ``existing`` is that referral, for a page to link to."""

    def __init__(self, existing):
        super().__init__(_l("This person already has a referral to %(institution)s waiting for "
                            "an answer, sent on %(date)s (no. %(number)d).",
                            institution=existing.to_institution.name,
                            # the day in Poland: format_date moves a moment to local time
                            date=format_date(existing.sent_at), number=existing.id))
        self.existing = existing


def send_referral(*, participant, from_institution_id, to_institution_id, reason, actor_id,
                  service_id=None, shared_fields=(), due_on=None, family_id=None):
    if to_institution_id == from_institution_id:
        raise ReferralRefused(_l("An institution cannot refer a person to itself."))
    if db.session.get(Institution, to_institution_id) is None:
        raise ReferralRefused(_l("Choose an institution of this partnership."))
    try:
        ensure_not_restricted(participant)
    except ProcessingRestricted as restricted:
        raise ReferralRefused(restricted.message) from None
    covered = db.session.scalar(select(consent_covers(to_institution_id, participant.id,
                                                      purpose="referral")))
    if not covered:
        raise ReferralRefused(_l("There is no active consent to share this person's data with "
                                 "the chosen institution for a referral. Record the consent "
                                 "first."))
    unknown = set(shared_fields) - set(SHAREABLE_FIELDS)
    if unknown:
        raise ReferralRefused(_l("Unknown data field chosen for sharing."))
    if service_id is not None and not _offers(to_institution_id, service_id):
        raise ReferralRefused(_l("The chosen service is not offered by the chosen institution."))
    wait_for_the_first(Participant, participant.id)
    waiting = waiting_referral(participant.id, from_institution_id, to_institution_id,
                               service_id, reason)
    if waiting is not None:
        raise DuplicateReferral(waiting)
    referral = Referral(
        participant_id=participant.id, family_id=family_id,
        from_institution_id=from_institution_id, to_institution_id=to_institution_id,
        service_id=service_id, reason=reason, shared_fields=list(shared_fields),
        status="sent", sent_at=utcnow(), sent_by_id=actor_id,
        due_on=due_on or dates.today() + timedelta(days=DEFAULT_ANSWER_DAYS),
    )
    db.session.add(referral)
    db.session.flush()
    audit.record("create", referral, actor_id=actor_id, institution_id=from_institution_id,
                 detail={"status": "sent", "shared_fields": list(shared_fields)})
    publish_referral("referral.sent", referral)
    return referral


def waiting_referral(participant_id, from_institution_id, to_institution_id, service_id=None,
                     reason=None):
    """The same referral of the person still waiting for an answer (sent): between the same
    institutions, for the same service (or both for none) and, when ``reason`` is given, with
    the same reason; or None. Sending it again would only repeat it (the back button and a
    resubmit, a double click) and leave the receiving institution two requests to answer; a
    referral for another service or with another reason asks for something else."""
    query = select(Referral).where(
        Referral.participant_id == participant_id,
        Referral.from_institution_id == from_institution_id,
        Referral.to_institution_id == to_institution_id,
        Referral.status == "sent",
        Referral.service_id == service_id if service_id is not None
        else Referral.service_id.is_(None),
    )
    candidates = db.session.scalars(query.order_by(Referral.sent_at, Referral.id)).all()
    wanted = " ".join((reason or "").split())
    return next((r for r in candidates
                 if reason is None or " ".join((r.reason or "").split()) == wanted), None)


def _offers(institution_id, service_id):
    service = db.session.get(Service, service_id)
    return service is not None and service.institution_id == institution_id and service.active


def _answer(referral, institution_id, allowed_from, to, actor_id, changes, **detail):
    # Every check comes before any change, so a refused answer leaves the referral untouched.
    if referral.to_institution_id != institution_id:
        raise ReferralRefused(_l("Only the receiving institution can answer a referral."))
    if referral.status not in allowed_from:
        if to == "completed":
            raise ReferralRefused(_l("Only an accepted referral can be completed."))
        raise ReferralRefused(_l("This referral has already been answered."))
    previous = referral.status
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.status = to
    audit.record("transition", referral, actor_id=actor_id, institution_id=institution_id,
                 detail={"from": previous, "to": to, **detail})
    # Partner systems of both institutions hear of it (ids and statuses only).
    publish_referral("status.changed" if to == "completed" else "referral.answered", referral)
    return referral


def accept_referral(referral, *, institution_id, actor_id, service_id=None):
    # Accepting lets the receiver see the whole record: not once the person has withdrawn the
    # consent the referral was sent on (declining stays possible, to close it).
    if (referral.to_institution_id == institution_id and referral.status == "sent"
            and not referral_consent_in_force(referral)):
        raise ReferralRefused(_l(
            "The consent to share this person's data with your institution for a referral has "
            "been withdrawn: the referral can no longer be accepted. Decline it, or ask the "
            "sending institution to record a new consent and send the referral again."))
    changes = {"answered_at": utcnow(), "answered_by_id": actor_id}
    if service_id is not None:
        if not _offers(institution_id, service_id):
            raise ReferralRefused(_l("Choose one of your institution's active services."))
        changes["service_id"] = service_id
    return _answer(referral, institution_id, {"sent"}, "accepted", actor_id, changes)


def decline_referral(referral, *, institution_id, actor_id, reason):
    if not (reason or "").strip():
        raise ReferralRefused(_l("Give the reason for declining."))
    changes = {"answered_at": utcnow(), "answered_by_id": actor_id,
               "decline_reason": reason.strip()}
    return _answer(referral, institution_id, {"sent"}, "declined", actor_id, changes)


def complete_referral(referral, *, institution_id, actor_id, result):
    changes = {"completed_at": utcnow(), "result": (result or "").strip()}
    return _answer(referral, institution_id, {"accepted"}, "completed", actor_id, changes)
