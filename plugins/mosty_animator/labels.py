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
REQUEST_STATUSES = {"open": _l("waiting for an answer"), "answered": _l("answered")}
# The parts of the module a reading of a family came from, and who signed a plan.
PURPOSES = {"diagnosis": _l("Needs and skills diagnosis"),
            "motivation": _l("Family motivation test"),
            "advisor": _l("families of a peer advisor"), "dashboard": _l("Dashboard"),
            "lead_choice": _l("choice of a family for the recruitment board"),
            "agreement": _l("agreement with an institution")}
SIGNED_BY = {"family": _l("the family"), "animator": _l("the animator")}

# What the audit log page calls the keys of the module's entries (the models declare which
# apply to them, with the codes their values carry).
AUDIT_KEYS = {
    "case_id": _l("family on the recruitment board (number)"),
    "family_ids": _l("families (numbers)"),
    "plan_id": _l("work plan (number)"),
    "goal_id": _l("goal (number)"),
    "goals": _l("goals (numbers)"),
    "action_ids": _l("plan actions (numbers)"),
    "referral_id": _l("referral (number)"),
    "enrollment_id": _l("participation in the project (number)"),
    "round_id": _l("family round of an instrument (number)"),
    "review_id": _l("plan review (number)"),
    "administration_ids": _l("instrument administrations (numbers)"),
    "barrier_ids": _l("barriers (numbers)"),
    "user_id": _l("user (number)"),
    "advisor_id": _l("peer advisor (number)"),
    "previous": _l("previous peer advisor (number)"),
    "card": _l("family card for the peer advisor"),
    "part": _l("part"),
    "printed": _l("printed"),
    "who_kind": _l("who does it"),
    "member_goal": _l("goal of one member"),
    "member": _l("about one member"),
    "signed": _l("signed by"),
    "latest": _l("latest review"),
    "occasion": _l("occasion"),
}
CASE_FIELDS = {"advisor_id": _l("Peer advisor"), "strengths": _l("Strengths of the family"),
               "barriers_summary": _l("Barriers of the family"),
               "diagnosed_on": _l("Diagnosis summary written")}
