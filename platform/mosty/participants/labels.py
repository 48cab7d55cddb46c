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


def labour_status_label(status):
    return LABOUR_STATUS_LABELS.get(status, status)
