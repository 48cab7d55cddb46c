"""Readable names of the module's codes (Polish through the catalog)."""

from mosty.toolkit import lazy_gettext as _l

STAGES = {
    "lead": _l("Lead"),
    "contacted": _l("Contacted"),
    "visited": _l("Home visit done"),
    "eligible": _l("Eligible"),
    "not_eligible": _l("Not eligible"),
    "enrolled": _l("Enrolled"),
}
SOURCES = {
    "welfare_centre": _l("welfare centre"),
    "club": _l("peer support club"),
    "self": _l("came by themselves"),
    "parish": _l("parish"),
    "school": _l("school"),
    "other": _l("other"),
}
CONTACT_KINDS = {
    "phone": _l("phone call"),
    "home_visit": _l("home visit"),
    "office": _l("meeting at the office"),
    "club": _l("meeting at the club"),
    "letter": _l("letter or message"),
    "other": _l("other"),
}
WHO_KINDS = {"member": _l("a family member"), "animator": _l("the animator"),
             "institution": _l("an institution")}
ACTION_STATUSES = {
    "planned": _l("planned"),
    "in_progress": _l("in progress"),
    "done": _l("done"),
    "refused": _l("refused"),
    "cancelled": _l("cancelled"),
}
REFERRAL_STATUSES = {"sent": _l("waiting for the answer"), "accepted": _l("accepted"),
                     "declined": _l("declined"), "completed": _l("completed")}
ACTION_STEPS = {"start": _l("Start"), "complete": _l("Mark done"), "refuse": _l("Refused"),
                "cancel": _l("Cancel")}
BARRIERS = {
    "transport": _l("transport"),
    "care_duties": _l("care duties"),
    "health": _l("health"),
    "debt": _l("debt"),
    "housing": _l("housing"),
    "addiction": _l("addiction"),
    "motivation": _l("motivation"),
    "qualifications": _l("qualifications"),
}
OCCASIONS = {"entry": _l("at entry"), "review": _l("at a review")}
OUTCOME_KINDS = {"job_started": _l("job started"), "training_completed": _l("training completed"),
                 "registration_ended": _l("registration as unemployed ended"),
                 "self_employment": _l("own business started")}
