"""The instruments' kinds and the enrolments' statuses by their readable names: for the pages
(through ``service``) and for the audit log (the models declare them, and the models cannot
import the service, which imports them)."""

from mosty.toolkit import lazy_gettext as _l

KIND_LABELS = {
    "training": _l("training"),
    "internship": _l("internship (staż)"),
    "intervention_works": _l("intervention works"),
    "public_works": _l("public works"),
    "activation_grant": _l("activation grant"),
    "startup_grant": _l("start-up grant"),
    "job_placement": _l("job placement"),
    "career_counselling": _l("career counselling"),
    "job_club": _l("job club"),
}
ENROLMENT_STATUS_LABELS = {
    "enrolled": _l("enrolled"),
    "completed": _l("completed"),
    "dropped_out": _l("dropped out"),
    "cancelled": _l("cancelled"),
}
# The fields of an instrument an update names (transitions.update_instrument), as its form
# names them.
INSTRUMENT_FIELD_LABELS = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "locality": _l("Place (locality)"),
    "teryt": _l("Commune TERYT code"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "capacity": _l("Places"),
    "description": _l("Description"),
}
