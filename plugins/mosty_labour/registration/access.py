"""Who may read and who may write the labour module's records about people.

Reading follows the registry's institution rule: the member's institution must see the
person (registered them, is named in an active consent, or accepted a referral). Writing
registration status, instruments and enrolments is for labour office staff only: the
``labour_clerk`` role at an institution whose kind is the labour office.
"""

from flask import abort
from sqlalchemy import select

from mosty import toolkit

CLERK = "labour_clerk"
# The largest id a database integer holds: a bigger number in a URL is nobody's row, and
# PostgreSQL would refuse the query instead of finding nothing.
MAX_ID = toolkit.MAX_ID
READER_ROLES = ("caseworker", CLERK)
LABOUR_OFFICE = "labour_office"


def staff_institution_id():
    """The member's institution when their roles let them see people's records, else None."""
    membership = toolkit.current_membership()
    if membership is None or not membership.has_role(*READER_ROLES):
        return None
    return membership.institution_id


def require_staff():
    """The member's institution for pages about people; 404 for members who see none."""
    institution_id = staff_institution_id()
    if institution_id is None:
        abort(404)
    return institution_id


def labour_office_of(membership):
    """The member's institution when it is a labour office, else None."""
    if membership is None:
        return None
    office = toolkit.db.session.get(toolkit.Institution, membership.institution_id)
    return office if office is not None and office.kind == LABOUR_OFFICE else None


def clerk_office():
    """The labour office the member works for as a clerk, or None."""
    membership = toolkit.current_membership()
    if membership is None or not membership.has_role(CLERK):
        return None
    return labour_office_of(membership)


def keeps_office_lists(membership):
    """Case staff of a labour office: they have its inbox and its register. A welfare centre's
    staff do not (their referrals are in the registry's inbox; they register nobody here)."""
    return (membership is not None and membership.has_role(*READER_ROLES)
            and labour_office_of(membership) is not None)


def require_office_staff():
    """The member's labour office, for its own lists (inbox, register): 404 for members who see
    no people (as every page about people), 403 for case staff of another kind of institution
    (they use the module, as a welfare centre's "clerk" who may not register anyone does)."""
    institution_id = require_staff()
    if labour_office_of(toolkit.current_membership()) is None:
        abort(403)
    return institution_id


def is_clerk():
    return clerk_office() is not None and toolkit.can_use("labour", "write")


def require_clerk():
    """The clerk's labour office; 403 for everyone else (they already know the page exists)."""
    office = clerk_office()
    if office is None or not toolkit.can_use("labour", "write"):
        abort(403)
    return office


def id_or_404(value):
    """The id from a URL or a form, if it can name a row; 404 otherwise."""
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        abort(404)
    return value


def visible_participant_or_404(participant_id, institution_id):
    id_or_404(participant_id)
    participant = toolkit.db.session.scalar(
        select(toolkit.Participant).where(toolkit.Participant.id == participant_id,
                                          toolkit.participant_visible_to(institution_id)))
    if participant is None:
        abort(404)
    return participant


def has_consent_for(participant, institution_id):
    """May the labour office act on the person: it registered them, or an active consent
    names it (for support or for a referral)."""
    if participant.institution_id == institution_id:
        return True
    return bool(toolkit.db.session.scalar(
        select(toolkit.consent_covers(institution_id, participant.id))))
