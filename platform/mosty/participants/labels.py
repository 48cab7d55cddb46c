"""Translatable labels of the participant vocabularies."""

from ..i18n import lazy_gettext as _l

SEX_LABELS = {"female": _l("woman"), "male": _l("man")}
AREA_LABELS = {"urban": _l("urban"), "rural": _l("rural")}
EDUCATION_LABELS = {
    "none": _l("no formal education"),
    "primary": _l("primary"),
    "lower_secondary": _l("lower secondary"),
    "vocational": _l("basic vocational"),
    "secondary": _l("secondary"),
    "post_secondary": _l("post-secondary"),
    "higher": _l("higher"),
}
LABOUR_STATUS_LABELS = {
    "registered_unemployed": _l("registered unemployed"),
    "unregistered_unemployed": _l("unemployed, not registered"),
    "inactive": _l("economically inactive"),
    "employed": _l("employed"),
    "self_employed": _l("self-employed"),
}
CONTRACT_LABELS = {
    "employment": _l("employment contract"),
    "fixed_term": _l("fixed-term contract"),
    "mandate": _l("contract of mandate"),
    "specific_task": _l("contract for specific work"),
    "temporary": _l("temporary work"),
    "other": _l("other"),
}
DISABILITY_LABELS = {
    "none": _l("none"),
    "light": _l("light"),
    "moderate": _l("moderate"),
    "severe": _l("severe"),
}
DEPENDANT_TYPE_LABELS = {
    "child_under_7": _l("child under 7"),
    "child_with_disability": _l("child with disability"),
    "adult_with_disability": _l("adult with disability"),
    "ill_or_elderly": _l("ill or elderly person"),
}


# Shown for a fact nobody gave (education or labour-market status of an imported person).
NOT_GIVEN = _l("not given")


def labour_status_label(status):
    return LABOUR_STATUS_LABELS.get(status, status) if status else NOT_GIVEN


def education_label(level):
    return EDUCATION_LABELS.get(level, level) if level else NOT_GIVEN

# Care services a carer already uses for a dependant (CareRelation.care_services).
CARE_SERVICE_LABELS = {
    "nursery": _l("nursery or children's club"),
    "kindergarten": _l("kindergarten"),
    "day_care": _l("day care centre"),
    "home_care": _l("care services at home"),
    "respite_care": _l("respite care"),
    "nanny": _l("nanny"),
    "assistant": _l("personal assistant"),
    "other": _l("other"),
}
# A family member's relation to the head of the household (FamilyMember.relation).
RELATION_LABELS = {
    "head": _l("head of household"),
    "spouse": _l("spouse"),
    "partner": _l("partner"),
    "sibling": _l("sibling"),
    "parent": _l("parent"),
    "parent_in_law": _l("parent-in-law"),
    "grandparent": _l("grandparent"),
    "child": _l("child"),
    "child_in_law": _l("son- or daughter-in-law"),
    "grandchild": _l("grandchild"),
    "other": _l("other"),
}
# Generations relative to the head (mosty.families.models.RELATIONS).
GENERATION_LABELS = {
    -2: _l("grandparents"),
    -1: _l("parents"),
    0: _l("head's generation"),
    1: _l("children"),
    2: _l("grandchildren"),
}


# The personal fields of the participant form, with their labels: what a rectification records
# (and the history shows), and what an edit form's version covers.
FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "sex": _l("Sex"),
    "birth_date": _l("Date of birth"),
    "pesel": _l("PESEL"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "registered_teryt": _l("Registered residence: TERYT"),
    "registered_locality": _l("Registered residence"),
    "registered_area": _l("Registered residence: urban or rural"),
    "actual_teryt": _l("Actual address: TERYT"),
    "actual_locality": _l("Actual address"),
    "actual_area": _l("Actual address: urban or rural"),
    "education": _l("Education"),
    "labour_status": _l("Labour-market status"),
    "unemployed_since": _l("Unemployed since"),
    "long_term_unemployed": _l("Long-term unemployed"),
    "contract_type": _l("Contract type"),
    "disability_level": _l("Disability level"),
    "labour_office_case_no": _l("Labour office case number"),
    "social_assistance_case_no": _l("Social assistance case number"),
}
