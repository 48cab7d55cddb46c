"""The participant's own record and care for dependants, for the access export and for
anonymisation (see mosty.privacy.sources for the convention)."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from . import labels
from .models import CareRelation

TABLES = ("participant", "care_relation", "dependant")
MODULE = "participants"


def _label(mapping, value):
    return mapping.get(value, value) if value is not None else None


def personal_data(participant):
    p = participant
    record = {
        _l("First name"): p.first_name,
        _l("Last name"): p.last_name,
        _l("Sex"): _label(labels.SEX_LABELS, p.sex),
        _l("Date of birth"): p.birth_date,
        _l("PESEL"): p.pesel,
        _l("Phone"): p.phone,
        _l("E-mail"): p.email,
        _l("Registered residence"): p.registered_locality,
        _l("Registered residence: TERYT"): p.registered_teryt,
        _l("Registered residence: urban or rural"): _label(labels.AREA_LABELS, p.registered_area),
        _l("Actual address"): p.actual_locality,
        _l("Actual address: TERYT"): p.actual_teryt,
        _l("Actual address: urban or rural"): _label(labels.AREA_LABELS, p.actual_area),
        # Missing for an imported person: "not given", as the participant page says.
        _l("Education"): labels.education_label(p.education),
        _l("Labour-market status"): labels.labour_status_label(p.labour_status),
        _l("Unemployed since"): p.unemployed_since,
        _l("Long-term unemployed"): p.long_term_unemployed,
        _l("Contract type"): _label(labels.CONTRACT_LABELS, p.contract_type),
        _l("Disability level"): _label(labels.DISABILITY_LABELS, p.disability_level),
        _l("Labour office case number"): p.labour_office_case_no,
        _l("Social assistance case number"): p.social_assistance_case_no,
        _l("Registered by"): p.institution.name,
        _l("Registered on"): p.created_at,
        _l("Processing restricted"): p.processing_restricted,
        _l("Anonymised on"): p.anonymised_at,
    }
    relations = db.session.scalars(
        select(CareRelation).where(CareRelation.carer_id == p.id)
        .options(joinedload(CareRelation.dependant)).order_by(CareRelation.id)).all()
    # The dependant is another person: their type and year of birth describe the carer's
    # situation, their name is left out.
    care = tuple({
        _l("Dependant"): _label(labels.DEPENDANT_TYPE_LABELS, r.dependant.dependant_type),
        _l("Year of birth"): r.dependant.birth_year,
        _l("Hours of care per week"): r.hours_per_week,
        _l("Care services used"): [labels.CARE_SERVICE_LABELS.get(s, s)
                                   for s in r.care_services or []],
        _l("Note"): r.note,
    } for r in relations)
    return [
        PersonalDataSection(module=MODULE, title=_l("Personal data"), records=(record,)),
        PersonalDataSection(module=MODULE, title=_l("Care for dependants"), records=care),
    ]


def anonymise_participant(participant):
    """Blank names, identifiers, contact data, the address below the county and free text;
    keep sex, the year of birth, the county, the area and every status statistics count."""
    p = participant
    p.first_name = ""
    p.last_name = ""
    p.pesel = None
    p.phone = ""
    p.email = ""
    p.labour_office_case_no = ""
    p.social_assistance_case_no = ""
    # The year of birth stays (age bands count it); the day and month go.
    p.birth_date = p.birth_date.replace(month=1, day=1)
    p.registered_locality = ""
    p.actual_locality = ""
    # The county (the first four TERYT digits) stays; the commune goes.
    p.registered_teryt = (p.registered_teryt or "")[:4]
    p.actual_teryt = (p.actual_teryt or "")[:4]
    p.restriction_reason = ""
    for relation in db.session.scalars(select(CareRelation).where(CareRelation.carer_id == p.id)
                                       .options(joinedload(CareRelation.dependant))):
        relation.note = ""
        relation.dependant.first_name = ""


def audit_objects(participant):
    """(object type, id) pairs of the audit entries about this person's rows."""
    objects = [("Participant", participant.id)]
    for relation in db.session.scalars(select(CareRelation)
                                       .where(CareRelation.carer_id == participant.id)):
        objects += [("CareRelation", relation.id), ("Dependant", relation.dependant_id)]
    return objects
