"""Programme paths of participants and families: target groups as data, recruitment with the
eligibility verdict, the next steps, and how long the record is kept."""

from flask import abort, current_app, has_app_context
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..consents.access import family_visible_to, participant_visible_to
from ..extensions import db
from ..families.models import Family, FamilyMember
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Partnership
from ..privacy.restriction import ProcessingRestricted, ensure_not_restricted
from ..request_memo import request_memo
from ..tenancy import partnership_scope, system_scope
from . import transitions
from .eligibility import evaluate
from .models import EXIT_REASONS, Enrollment, TargetGroup
from .transitions import TransitionRefused

OPEN_STATUSES = ("recruited", "eligible", "active")
ENDED_STATUSES = ("completed", "exited")
RETENTION_YEARS = 5

STATUS_LABELS = {
    "recruited": _l("recruited"),
    "eligible": _l("eligible"),
    "active": _l("in the programme"),
    "completed": _l("completed"),
    "exited": _l("left the programme"),
}
EXIT_REASON_LABELS = {
    "found_work": _l("found work"),
    "moved_away": _l("moved away"),
    "withdrew": _l("withdrew"),
    "not_eligible": _l("not eligible"),
    "health": _l("health reasons"),
    "no_contact": _l("no contact"),
    "other": _l("other reason"),
}
APPLIES_TO = ("participant", "family")
MEMBER_RESTRICTED_MESSAGE = _l(
    "Processing of the data of a member of this family is restricted (GDPR art. 18): the "
    "family's programme path may not use it until the restriction is lifted.")

# The next steps offered at each stage (exit is offered at every open stage).
NEXT_STEPS = {
    "recruited": ("assess",),
    "eligible": ("start",),
    "active": ("complete",),
}

# Target groups of the demo partnerships, as the source documents define them (data, in Polish).
DEFAULT_TARGET_GROUPS = {
    "krakow": [
        {
            "code": "1",
            "name": "Opiekunowie osób zależnych pozostający bez pracy",
            "description": ("Kobiety i mężczyźni opiekujący się małym dzieckiem, osobą z "
                            "niepełnosprawnością lub schorowaną osobą starszą, pozostający "
                            "bez pracy, których powrót na rynek pracy jest utrudniony."),
            "applies_to": "participant",
            "criteria": [
                {"rule": "is_carer"},
                {"rule": "labour_status_in",
                 "statuses": ["registered_unemployed", "unregistered_unemployed", "inactive"]},
            ],
        },
        {
            "code": "2",
            "name": "Pracujący opiekunowie osób zależnych",
            "description": ("Osoby pracujące, które mają trudności z pogodzeniem pracy "
                            "zawodowej z opieką nad osobą zależną."),
            "applies_to": "participant",
            "criteria": [
                {"rule": "is_carer"},
                {"rule": "labour_status_in", "statuses": ["employed", "self_employed"]},
            ],
        },
    ],
    "pomorze": [
        {
            "code": "R",
            "name": "Rodziny wiejskie dotknięte bezrobociem wielu członków lub pokoleń",
            "description": ("Rodziny z terenów wiejskich (popegeerowskich), w których bez pracy "
                            "pozostają co najmniej dwie osoby lub dwa pokolenia."),
            "applies_to": "family",
            "criteria": [
                {"rule": "rural_residence"},
                {"any_of": [{"rule": "family_unemployed_members_min", "min": 2},
                            {"rule": "family_unemployed_generations_min", "min": 2}]},
            ],
        },
    ],
}


def ensure_default_target_groups(partnership_slug, partnership_id=None):
    """Create or refresh the default target groups of a partnership (matched by code).

    Used by the demo loader; flushes but does not commit. Returns the target groups' codes.
    """
    specs = DEFAULT_TARGET_GROUPS.get(partnership_slug, [])
    if partnership_id is None:
        with system_scope("target groups: finding the partnership by its slug"):
            partnership_id = db.session.scalar(
                select(Partnership.id).where(Partnership.slug == partnership_slug))
        if partnership_id is None:
            raise LookupError(f"no partnership {partnership_slug!r}")
    with partnership_scope(partnership_id):
        for spec in specs:
            group = db.session.scalar(select(TargetGroup).where(TargetGroup.code == spec["code"]))
            if group is None:
                group = TargetGroup(code=spec["code"])
                db.session.add(group)
            for key in ("name", "description", "applies_to", "criteria"):
                setattr(group, key, spec[key])
        db.session.flush()
    return [spec["code"] for spec in specs]


# --- finding what the member may see ------------------------------------------------------------

def visible_participant(participant_id, institution_id):
    if participant_id is None:
        abort(404)
    return db.first_or_404(select(Participant).where(
        Participant.id == participant_id, participant_visible_to(institution_id)))


def visible_family(family_id, institution_id):
    if family_id is None:
        abort(404)
    return db.first_or_404(select(Family).where(
        Family.id == family_id, family_visible_to(institution_id)))


def enrollment_visible_to(institution_id):
    """SQL condition on Enrollment: the institution may see its participant or family."""
    participant_seen = exists(select(Participant.id).where(
        Participant.id == Enrollment.participant_id, participant_visible_to(institution_id)))
    family_seen = exists(select(Family.id).where(
        Family.id == Enrollment.family_id, family_visible_to(institution_id)))
    return or_(and_(Enrollment.participant_id.is_not(None), participant_seen),
               and_(Enrollment.family_id.is_not(None), family_seen))


def visible_enrollment(enrollment_id, institution_id):
    return db.first_or_404(
        select(Enrollment).options(joinedload(Enrollment.target_group))
        .where(Enrollment.id == enrollment_id, enrollment_visible_to(institution_id)))


def own_enrollment(enrollment_id, institution_id):
    """An enrollment the member's institution runs; only it takes the next steps (else 404)."""
    enrollment = visible_enrollment(enrollment_id, institution_id)
    if enrollment.institution_id != institution_id:
        abort(404)
    return enrollment


def subject_of(enrollment):
    if enrollment.participant_id is not None:
        return db.session.get(Participant, enrollment.participant_id)
    return db.session.get(Family, enrollment.family_id)


def target_groups(applies_to):
    return list(db.session.scalars(
        select(TargetGroup).where(TargetGroup.applies_to == applies_to)
        .order_by(TargetGroup.code)))


@request_memo
def enrollments_of(participant_id=None, family_id=None):
    column, value = ((Enrollment.participant_id, participant_id) if participant_id is not None
                     else (Enrollment.family_id, family_id))
    return list(db.session.scalars(
        select(Enrollment).options(joinedload(Enrollment.target_group)).where(column == value)
        .order_by(Enrollment.recruited_on.desc(), Enrollment.id.desc())))


def ensure_subject_not_restricted(subject):
    """ProcessingRestricted when the path may not use the subject's data: a restricted or
    anonymised participant, or a family with a restricted member (its eligibility counts the
    members' data). An anonymised member does not stop the family: what the verdict reads of
    them (labour-market status, year of birth) is kept for statistics anyway."""
    if not isinstance(subject, Family):
        ensure_not_restricted(subject)
    elif db.session.scalar(select(exists().where(
            FamilyMember.family_id == subject.id, Participant.id == FamilyMember.participant_id,
            Participant.processing_restricted.is_(True)))):
        raise ProcessingRestricted(MEMBER_RESTRICTED_MESSAGE)


def open_enrollment(enrollments):
    return next((e for e in enrollments if e.status in OPEN_STATUSES), None)


# --- steps ----------------------------------------------------------------------------------------

def recruit(subject, target_group, *, institution_id, actor_id, on=None):
    """Recruit a participant or family to a target group and record the eligibility verdict
    as it stands at recruitment (one audit entry: the enrollment's creation). Refused
    (ProcessingRestricted) while the subject's data may not be used."""
    ensure_subject_not_restricted(subject)
    is_family = isinstance(subject, Family)
    if target_group.applies_to != ("family" if is_family else "participant"):
        raise TransitionRefused(_l("This target group does not apply here."))
    current = open_enrollment(enrollments_of(
        participant_id=None if is_family else subject.id,
        family_id=subject.id if is_family else None))
    if current is not None:
        raise TransitionRefused(_l("Already on a programme path: finish or exit it first."))
    enrollment = transitions.recruit(
        institution_id=institution_id, actor_id=actor_id,
        participant=None if is_family else subject, family=subject if is_family else None,
        target_group=target_group, on=on)
    verdict = evaluate(subject, target_group, today=on)
    enrollment.eligibility = verdict.as_dict()
    return enrollment, verdict


def default_retention(ended_on):
    """Records are kept MOSTY_RETENTION_YEARS (five by default) after the end of the path."""
    if ended_on is None:
        return None
    years = (current_app.config.get("MOSTY_RETENTION_YEARS", RETENTION_YEARS)
             if has_app_context() else RETENTION_YEARS)
    try:
        return ended_on.replace(year=ended_on.year + years)
    except ValueError:  # 29 February
        return ended_on.replace(year=ended_on.year + years, day=28)


# Steps that use the subject's data to move the path on; ending it (complete, exit) stays
# possible while processing is restricted, since it reduces processing and starts retention.
STEPS_USING_DATA = ("assess", "start")


def take_step(enrollment, step, *, actor_id, reason=None, on=None, institution_id=None):
    """Apply one of the next steps; TransitionRefused carries a readable message, and
    ProcessingRestricted refuses moving the path on while the subject's data may not be used.
    ``institution_id``: the member's institution, named in the audit entry (by default the
    one running the path)."""
    if step in STEPS_USING_DATA:
        ensure_subject_not_restricted(subject_of(enrollment))
    acting = {"on": on, "institution_id": institution_id}
    if step == "assess":
        return transitions.assess_eligibility(enrollment, subject_of(enrollment), actor_id,
                                              **acting)
    if step == "start":
        return transitions.start(enrollment, actor_id, **acting)
    if step == "complete":
        transitions.complete(enrollment, actor_id, **acting)
    elif step == "exit":
        transitions.exit_programme(enrollment, reason, actor_id, **acting)
    else:
        raise TransitionRefused(_l("This step is not possible from the current stage."))
    if enrollment.retention_until is None:
        enrollment.retention_until = default_retention(enrollment.ended_on)
    return enrollment


def set_retention(enrollment, retention_until):
    enrollment.retention_until = retention_until
    audit.record("update", enrollment, detail={"fields": ["retention_until"]})
    return enrollment


def exit_reason_choices():
    return [(reason, EXIT_REASON_LABELS[reason]) for reason in EXIT_REASONS]


def verdict_reasons(enrollment):
    return (enrollment.eligibility or {}).get("reasons", [])
