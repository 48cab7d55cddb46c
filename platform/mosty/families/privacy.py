"""Family membership, for the access export and for anonymisation (see mosty.privacy.sources).

The other members are third parties: the export names the family by its number and gives this
person's relation only.
"""

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.labels import RELATION_LABELS
from ..participants.models import Participant
from ..plugins.contributions import PersonalDataSection
from .models import Family, FamilyMember

TABLES = ("family_member",)
MODULE = "families"


def personal_data(participant):
    memberships = db.session.scalars(select(FamilyMember).where(
        FamilyMember.participant_id == participant.id).order_by(FamilyMember.id)).all()
    return [PersonalDataSection(module=MODULE, title=_l("Family membership"), records=tuple({
        _l("Family number"): m.family_id,
        _l("Relation to the head of household"): RELATION_LABELS.get(m.relation, m.relation),
    } for m in memberships))]


def anonymise_participant(participant):
    """A family's name and locality go once no member is left who is not anonymised (this
    person's anonymisation is still being written, so they count as anonymised)."""
    family_ids = db.session.scalars(select(FamilyMember.family_id).where(
        FamilyMember.participant_id == participant.id)).all()
    for family in db.session.scalars(select(Family).where(Family.id.in_(family_ids))):
        others_left = db.session.scalar(select(
            select(FamilyMember.id).join(Participant, Participant.id == FamilyMember.participant_id)
            .where(FamilyMember.family_id == family.id, Participant.id != participant.id,
                   Participant.anonymised_at.is_(None)).exists()))
        if not others_left:
            family.name = f"#{family.id}"
            family.locality = ""
            family.teryt = (family.teryt or "")[:4]


def audit_objects(participant):
    return [("FamilyMember", member_id) for member_id in db.session.scalars(
        select(FamilyMember.id).where(FamilyMember.participant_id == participant.id))]
