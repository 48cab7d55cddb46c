"""Translatable labels of outcomes and follow-ups: the pages, the forms, the access export and
the audit log (through the models' declarations) read the same words."""

from ..i18n import lazy_gettext as _l

OUTCOME_KIND_LABELS = {
    "job_started": _l("job started"),
    "training_completed": _l("training completed"),
    "registration_ended": _l("registration as unemployed ended"),
    "self_employment": _l("own business started"),
}
FOLLOW_UP_STATUS_LABELS = {
    "employed": _l("employed"),
    "self_employed": _l("self-employed"),
    "unemployed": _l("unemployed"),
    "inactive": _l("economically inactive"),
    "in_education": _l("in education or training"),
    "unknown": _l("not known (no contact)"),
}
# The fields an outcome's audit entries list, as its form names them.
OUTCOME_FIELD_LABELS = {
    "kind": _l("Outcome"), "occurred_on": _l("Date"), "employer": _l("Employer"),
    "contract_type": _l("Contract type"), "hours_per_week": _l("Hours per week"),
    "note": _l("Note"),
}
