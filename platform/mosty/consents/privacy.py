"""Consents and the institutions they name, for the access export (see mosty.privacy.sources).

A consent holds no free text or identifiers, so anonymisation leaves it as it is.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .forms import LAWFUL_BASIS_LABELS, PURPOSE_LABELS
from .models import Consent, ConsentInstitution

TABLES = ("consent", "consent_institution")
MODULE = "consents"


def personal_data(participant):
    consents = db.session.scalars(
        select(Consent).where(Consent.participant_id == participant.id)
        .options(selectinload(Consent.shared_with).joinedload(ConsentInstitution.institution))
        .order_by(Consent.given_on, Consent.id)).all()
    return [PersonalDataSection(module=MODULE, title=_l("Consents"), records=tuple({
        _l("Lawful basis"): LAWFUL_BASIS_LABELS.get(c.lawful_basis, c.lawful_basis),
        _l("Purposes"): [PURPOSE_LABELS.get(p, p) for p in c.purposes or []],
        _l("Recorded by"): c.institution.name,
        _l("Institutions it names"): sorted(s.institution.name for s in c.shared_with),
        _l("Given on"): c.given_on,
        _l("Withdrawn on"): c.withdrawn_on,
    } for c in consents))]


def anonymise_participant(participant):
    """Nothing to blank: bases, purposes, institutions and dates are kept for the reports."""


def audit_objects(participant):
    return [("Consent", consent_id) for consent_id in db.session.scalars(
        select(Consent.id).where(Consent.participant_id == participant.id))]
