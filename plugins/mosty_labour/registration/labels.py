"""The registration's statuses and reasons by their readable names: for its pages (through
``service``) and for the audit log (the models declare them, and the models cannot import the
service, which imports them)."""

from mosty.toolkit import lazy_gettext as _l

STATUS_LABELS = {
    "unemployed": _l("registered unemployed"),
    "job_seeker": _l("job seeker"),
    "deregistered": _l("deregistered"),
    "not_registered": _l("not registered at a labour office"),
}
PERIOD_STATUS_LABELS = {"unemployed": _l("unemployed"), "job_seeker": _l("job seeker")}
DEREGISTRATION_REASON_LABELS = {
    "employment": _l("took up employment or other paid work"),
    "business": _l("started a business"),
    "refused_offer": _l("refused a suitable job offer or form of help"),
    "no_show": _l("did not report on the set date"),
    "own_request": _l("at own request"),
    "pension": _l("acquired the right to a pension"),
    "education": _l("took up full-time education"),
    "other": _l("other reason"),
    "status_changed": _l("status changed"),
}
# Why the nightly task changed a person's long-term flag (tasks.recompute_long_term): the
# "reason" of its entries, beside the deregistration reasons.
RECOMPUTE_REASON_LABELS = {
    "long_term_recomputed": _l("long-term unemployment recalculated overnight"),
}
# The fields of the office's file an update names (update_details), as its form names them.
REGISTRATION_FIELD_LABELS = {
    "case_no": _l("Case number at the labour office"),
    "benefit_entitled": _l("Entitled to unemployment benefit"),
    "benefit_until": _l("Benefit until"),
}
