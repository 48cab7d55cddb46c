"""Translatable labels for the institution kinds, roles and territory levels."""

from ..i18n import lazy_gettext as _l

INSTITUTION_KIND_LABELS = {
    "ops": _l("Welfare centre (GOPS/MOPS)"),
    "pcpr": _l("County family support centre (PCPR)"),
    "labour_office": _l("Labour office (PUP/GUP)"),
    "rops": _l("Regional social policy centre (ROPS)"),
    "ngo": _l("Non-governmental organisation"),
    "employer": _l("Employer"),
    "local_government": _l("Local government (starostwo/gmina)"),
    "church": _l("Church organisation"),
    "school": _l("School or educational institution"),
    "other": _l("Other"),
}

INSTITUTION_ROLE_LABELS = {"leader": _l("Leader"), "partner": _l("Partner")}

TERRITORY_LEVEL_LABELS = {
    "voivodeship": _l("voivodeship"),
    "county": _l("county"),
    "commune": _l("commune"),
}


def institution_kind_label(kind):
    return INSTITUTION_KIND_LABELS.get(kind, kind)


def teryt_level_label(level):
    return TERRITORY_LEVEL_LABELS.get(level, level)
