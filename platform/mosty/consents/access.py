"""Institution-level access inside a partnership.

A participant's record is seen by the institution that registered it, by institutions named in
an active consent for the purpose "support" and by institutions that accepted a referral about
the person; everyone else in the partnership gets 404. A restricted record (GDPR art. 18) stays
with the registering institution only. These are SQL conditions, so lists and single pages share
one rule.
"""

from typing import NamedTuple

from flask import abort, g
from sqlalchemy import String, and_, cast, exists, false, or_, select

from .. import dates
from ..extensions import db
from ..families.models import Family, FamilyMember
from ..participants.models import Participant
from ..referrals.models import Referral
from .models import Consent, ConsentInstitution

CASE_ROLES = ("caseworker",)
# The consent purpose that lets a named institution see the record.
ACCESS_PURPOSE = "support"
# The consent purpose that lets the person be referred to a named institution (and the data
# the sender chooses be shown to it while the referral waits for an answer).
REFERRAL_PURPOSE = "referral"
# A referral lets the receiving institution see the record once it has taken the person on.
ACCESS_REFERRAL_STATUSES = ("accepted", "completed")


class AccessGrounds(NamedTuple):
    """Why an institution sees a record it did not register: referrals it accepted and active
    consents naming it."""

    referrals: list
    consents: list

    def __bool__(self):
        return bool(self.referrals or self.consents)


def current_institution_id():
    """The signed-in member's institution, or None for people who see no records."""
    membership = g.get("membership")
    if membership is None or not membership.has_role(*CASE_ROLES):
        return None
    return membership.institution_id


def consents_naming(institution_id, participant_id=Participant.id, on=None, purpose=None,
                    except_consent_id=None):
    """SQL: ids of the participant's active consents that name the institution (for the
    purpose, if one is given), leaving out ``except_consent_id``."""
    on = on or dates.today()
    conditions = [
        Consent.participant_id == participant_id,
        ConsentInstitution.institution_id == institution_id,
        Consent.given_on <= on,
        or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
    ]
    if purpose is not None:
        # JSON arrays differ between SQLite and PostgreSQL; a text match on the quoted value
        # works on both for our fixed vocabulary of purposes.
        conditions.append(cast(Consent.purposes, String).like(f'%"{purpose}"%'))
    if except_consent_id is not None:
        conditions.append(Consent.id != except_consent_id)
    return (select(ConsentInstitution.consent_id)
            .join(Consent, Consent.id == ConsentInstitution.consent_id).where(*conditions))


def consent_covers(institution_id, participant_id=Participant.id, on=None, purpose=None,
                   except_consent_id=None):
    """SQL: an active consent of the participant names the institution."""
    return exists(consents_naming(institution_id, participant_id, on, purpose,
                                  except_consent_id))


def referrals_granting_access(institution_id, participant_id=Participant.id):
    """SQL: ids of the referrals about the participant that the institution accepted (and
    perhaps completed): each lets it see the record, whatever the consents say."""
    return select(Referral.id).where(
        Referral.participant_id == participant_id,
        Referral.to_institution_id == institution_id,
        Referral.status.in_(ACCESS_REFERRAL_STATUSES),
    )


def granted_access(institution_id, participant_id=Participant.id):
    """SQL: what lets an institution other than the registering one see the record, the
    restriction aside: a consent for "support" naming it or a referral it accepted."""
    # A consent for "referral" alone lets only the referral's chosen fields through; seeing
    # the record takes a consent for "support".
    return or_(consent_covers(institution_id, participant_id, purpose=ACCESS_PURPOSE),
               exists(referrals_granting_access(institution_id, participant_id)))


def participant_visible_to(institution_id):
    """SQL condition on Participant: may ``institution_id`` see this record?"""
    if institution_id is None:
        return false()
    return or_(
        Participant.institution_id == institution_id,
        and_(Participant.restricted.is_(False), granted_access(institution_id)),
    )


def access_kept_without(consent):
    """The institutions the consent names, each with what still lets it see the record once
    the consent is withdrawn: the two grounds of ``granted_access``, read as rows (the
    restriction aside, which suspends them all). ``[(institution, AccessGrounds)]``, in the
    consent's order; empty grounds mean the institution loses access.

    Only a consent for "support" lets the institutions it names see the record: withdrawing
    one for other purposes alone (a referral) takes no access away, and nothing is listed."""
    if ACCESS_PURPOSE not in (consent.purposes or ()):
        return []
    kept = []
    for link in consent.shared_with:
        referrals = list(db.session.scalars(
            select(Referral).where(Referral.id.in_(referrals_granting_access(
                link.institution_id, consent.participant_id)))
            .order_by(Referral.sent_at, Referral.id)))
        consents = list(db.session.scalars(
            select(Consent).where(Consent.id.in_(consents_naming(
                link.institution_id, consent.participant_id, purpose=ACCESS_PURPOSE,
                except_consent_id=consent.id)))
            .order_by(Consent.given_on, Consent.id)))
        kept.append((link.institution, AccessGrounds(referrals, consents)))
    return kept


def referral_consent_in_force(referral):
    """Does a consent for "referral" still name the receiving institution? A referral waiting
    for an answer shares the person's data on that consent alone: once it is withdrawn, the
    data the sender chose is no longer shown to the receiver and the referral cannot be
    accepted (accepting would open the whole record), only declined."""
    return bool(db.session.scalar(select(consent_covers(
        referral.to_institution_id, referral.participant_id, purpose=REFERRAL_PURPOSE))))


def referrals_left_without_consent(consent):
    """The referrals of the person waiting for an answer that withdrawing ``consent`` leaves
    without a consent for "referral" naming their receiving institution (another consent may
    still name it): they can then no longer be accepted."""
    if REFERRAL_PURPOSE not in (consent.purposes or ()):
        return []
    named = [link.institution_id for link in consent.shared_with]
    waiting = db.session.scalars(
        select(Referral).where(Referral.participant_id == consent.participant_id,
                               Referral.to_institution_id.in_(named),
                               Referral.status == "sent")
        .order_by(Referral.sent_at, Referral.id)).all()
    return [referral for referral in waiting if not db.session.scalar(select(consent_covers(
        referral.to_institution_id, referral.participant_id, purpose=REFERRAL_PURPOSE,
        except_consent_id=consent.id)))]


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
