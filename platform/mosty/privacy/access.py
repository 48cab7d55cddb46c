"""Who may act on a person's data-protection rights.

- Reading (the access export, the history, the privacy page): a caseworker of an institution
  that may see the person (``consents/access.py``), or the partnership admin, who answers the
  data protection officer's requests for any person of the partnership.
- Deciding (restriction, erasure requests): the registering institution's caseworkers (its
  controller) or the partnership admin.

Everyone else gets 404, as for the registry pages.
"""

from flask import abort, g, request
from sqlalchemy import select

from ..consents.access import current_institution_id, participant_visible_to
from ..extensions import db
from ..ids import MAX_ID
from ..participants.models import Participant

ADMIN_ROLE = "partnership_admin"
def id_arg(name):
    """``?name=`` as an id, or None when missing, not a number or beyond MAX_ID."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def is_partnership_admin():
    membership = g.get("membership")
    return membership is not None and membership.has_role(ADMIN_ROLE)


def acting_institution_id():
    membership = g.get("membership")
    return membership.institution_id if membership is not None else None


def may_use_privacy_pages():
    return is_partnership_admin() or current_institution_id() is not None


def require_privacy_access():
    if not may_use_privacy_pages():
        abort(404)


def subject_or_404(participant_id):
    """The person, if the member may read their data-protection pages."""
    require_privacy_access()
    query = select(Participant).where(Participant.id == participant_id)
    if not is_partnership_admin():
        query = query.where(participant_visible_to(current_institution_id()))
    participant = db.session.scalar(query)
    if participant is None:
        abort(404)
    return participant


def may_decide(participant):
    """May the member restrict processing or record an erasure request for the person?"""
    return is_partnership_admin() or current_institution_id() == participant.institution_id


def visible_people():
    """SQL: the people the member may look up on the privacy pages."""
    query = select(Participant)
    if not is_partnership_admin():
        query = query.where(participant_visible_to(current_institution_id()))
    return query
