"""Institution-level access inside a partnership.

A participant's record is seen by the institution that registered it, by institutions named in
an active consent for the purpose "support" and by institutions that accepted a referral about
the person; everyone else in the partnership gets 404. A restricted record (GDPR art. 18) stays
with the registering institution only. These are SQL conditions, so lists and single pages share
one rule.
"""

from datetime import date

from flask import abort, g
from sqlalchemy import String, and_, cast, exists, false, or_, select

from ..families.models import Family, FamilyMember
from ..participants.models import Participant
from ..referrals.models import Referral
from .models import Consent, ConsentInstitution

CASE_ROLES = ("caseworker",)


def current_institution_id():
    """The signed-in member's institution, or None for people who see no records."""
    membership = g.get("membership")
    if membership is None or not membership.has_role(*CASE_ROLES):
        return None
    return membership.institution_id


def consent_covers(institution_id, participant_id=Participant.id, on=None, purpose=None):
    """SQL: an active consent of the participant names the institution."""
    on = on or date.today()
    conditions = [
        Consent.participant_id == participant_id,
        ConsentInstitution.institution_id == institution_id,
        Consent.given_on <= on,
        or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
    ]
    query = select(ConsentInstitution.id).join(Consent, Consent.id == ConsentInstitution.consent_id)
    if purpose is not None:
        # JSON arrays differ between SQLite and PostgreSQL; a text match on the quoted value
        # works on both for our fixed vocabulary of purposes.
        conditions.append(cast(Consent.purposes, String).like(f'%"{purpose}"%'))
    return exists(query.where(*conditions))


def participant_visible_to(institution_id):
    """SQL condition on Participant: may ``institution_id`` see this record?"""
    if institution_id is None:
        return false()
    accepted_referral = exists(select(Referral.id).where(
        Referral.participant_id == Participant.id,
        Referral.to_institution_id == institution_id,
        Referral.status.in_(("accepted", "completed")),
    ))
    # A consent for "referral" alone lets only the referral's chosen fields through; seeing
    # the record takes a consent for "support".
    shared = or_(consent_covers(institution_id, purpose="support"), accepted_referral)
    return or_(
        Participant.institution_id == institution_id,
        and_(Participant.restricted.is_(False), shared),
    )


def family_visible_to(institution_id):
    """SQL condition on Family: registered by the institution, or a member it may see."""
    if institution_id is None:
        return false()
    member_visible = exists(
        select(FamilyMember.id)
        .join(Participant, Participant.id == FamilyMember.participant_id)
        .where(FamilyMember.family_id == Family.id, participant_visible_to(institution_id))
    )
    return or_(Family.institution_id == institution_id, member_visible)


def referral_visible_to(institution_id):
    """SQL condition on Referral: the sending or the receiving institution."""
    if institution_id is None:
        return false()
    return or_(Referral.from_institution_id == institution_id,
               Referral.to_institution_id == institution_id)


def referral_box(institution_id, box):
    """SQL condition on Referral: received by (``inbox``) or sent by (``outbox``) the
    institution, one half of ``referral_visible_to``. A box query uses it alone: adding the
    whole rule as well changes nothing it returns, but PostgreSQL then misjudges how many rows
    the box holds and sorts all of them instead of walking the (partnership, institution,
    sent) index (the inbox at real volume: 223 ms against 1.9 ms)."""
    if institution_id is None:
        return false()
    column = Referral.to_institution_id if box == "inbox" else Referral.from_institution_id
    return column == institution_id


def require_case_access():
    """The member's institution for case pages; others (admins, peer advisors) get 404."""
    institution_id = current_institution_id()
    if institution_id is None:
        abort(404)
    return institution_id
