"""The animator's rules: one function per step, each checking where it may start from and
writing one audit entry (ids and stage names only). Views call these and commit.

Recruitment (nabór): lead → contacted → visited (home visit done) → eligible / not eligible
(the registry's eligibility rule decides, with its reasons) → enrolled. A family found not
eligible can be visited again when its situation changes.

Plan: actions planned → in progress → done, or refused / cancelled; the plan is signed by the
family and by the animator; reviews at set intervals record progress per goal.

Dates: what happened (a step, a contact, a signature, a review) is not in the future and not
before what it follows (the family's previous step, the lead, the enrolment, the signatures);
a lead is at most five years old, a plan action due at most five years ahead, an information
request answered within a year.
"""

from datetime import timedelta

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from . import service
from .models import (
    ACTION_STATUSES,
    BARRIERS,
    CONTACT_KINDS,
    INSTRUMENT_KEYS,
    SOURCES,
    WHO_KINDS,
    Action,
    Agreement,
    Barrier,
    Case,
    Contact,
    Goal,
    InfoRequest,
    InstrumentRound,
    Plan,
    Review,
)


class Refused(Exception):
    """A step that does not apply; the message says why, in the user's language. ``field``
    names the form field the refusal is about (None: the whole record), so a page can show it
    beside that field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


LEAD_YEARS_BACK = 5
DUE_YEARS_AHEAD = 5
DEADLINE_DAYS_AHEAD = 366


def _years_from(day, years):
    """The same day ``years`` later (or earlier); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def earliest_lead_on():
    """The earliest date a lead may have (the date of the first information)."""
    return _years_from(toolkit.today(), -LEAD_YEARS_BACK)


def latest_due_on():
    """The latest due date of a plan action."""
    return _years_from(toolkit.today(), DUE_YEARS_AHEAD)


def latest_deadline():
    """The latest deadline of an information request."""
    return toolkit.today() + timedelta(days=DEADLINE_DAYS_AHEAD)


def _happened(on, *, earliest, too_early, future=None, field=None):
    """``on`` as the date of something that has happened: not in the future, not before
    ``earliest`` (``too_early`` says so, with the date); ``field`` is the form's date field."""
    if on > toolkit.today():
        raise Refused(future or _l("The date cannot be in the future."), field)
    if on < earliest:
        raise Refused(too_early, field)
    return on


def audit(action, obj, **detail):
    return toolkit.record_audit(action, obj, object_type=obj.__tablename__, detail=detail)


def _lock(case):
    """Read the case again and keep its row locked until the step commits (PostgreSQL): of a
    double click or two animators at once, the second waits, finds the new stage and is
    refused. Called before a step changes anything; earlier changes of this transaction are
    flushed first, as a refresh would drop them."""
    toolkit.db.session.flush()
    toolkit.db.session.refresh(case, with_for_update=True)


def _step_on(case, allowed_from, on):
    """The date of a recruitment step that may start from ``allowed_from``: the stage is
    checked first, then the date, which is not before the family's previous step."""
    if case.stage not in allowed_from:
        raise Refused(_l("This step is not possible from the family's current stage."))
    previous = case.last_step_on
    return _happened(on or toolkit.today(), earliest=previous, too_early=_l(
        "The date cannot be before the family's previous step (%(date)s).",
        date=format_date(previous)))


def _move(case, allowed_from, to, **detail):
    if case.stage not in allowed_from:
        raise Refused(_l("This step is not possible from the family's current stage."))
    previous = case.stage
    case.stage = to
    audit("transition", case, **{"from": previous, "to": to, **detail})
    return case


# --- recruitment -----------------------------------------------------------------------------

def add_lead(*, family, institution_id, animator_id, source, note="", on=None,
             added_by_id=None):
    """Put a registry family the institution sees on the board as a lead, in the hands of an
    animator of the institution (or of the member adding it, ``added_by_id``)."""
    visible = toolkit.db.session.scalar(select(toolkit.Family.id).where(
        toolkit.Family.id == family.id, toolkit.family_visible_to(institution_id)))
    if visible is None:
        raise Refused(_l("Choose a family from the registry."), "family_id")
    if animator_id not in {u.id for u in service.animators(institution_id)} | {added_by_id}:
        raise Refused(_l("Choose an animator of your institution."), "animator_id")
    if source not in SOURCES:
        raise Refused(_l("Choose where the family came from."), "source")
    taken = toolkit.db.session.scalar(select(Case.id).where(Case.family_id == family.id))
    if taken is not None:
        raise Refused(_l("This family is already on the recruitment board."), "family_id")
    earliest = earliest_lead_on()
    on = _happened(on or toolkit.today(), earliest=earliest, field="lead_on",
                   too_early=_l("The date cannot be before %(date)s.",
                                date=format_date(earliest)))
    case = Case(family_id=family.id, institution_id=institution_id, animator_id=animator_id,
                source=source, stage="lead", lead_on=on, note=note.strip())
    try:
        with toolkit.db.session.begin_nested():
            toolkit.db.session.add(case)
            toolkit.db.session.flush()
    except IntegrityError:
        # Another animator put the family on the board at the same moment (one case per family).
        raise Refused(_l("This family is already on the recruitment board."),
                      "family_id") from None
    audit("create", case, stage="lead", family_id=family.id, source=source)
    return case


def mark_contacted(case, on=None):
    _lock(case)
    on = _step_on(case, {"lead"}, on)
    _move(case, {"lead"}, "contacted")
    case.contacted_on = on
    return case


def mark_visited(case, on=None):
    """The home visit has been done (a family found not eligible may be visited again)."""
    _lock(case)
    on = _step_on(case, {"contacted", "not_eligible"}, on)
    _move(case, {"contacted", "not_eligible"}, "visited")
    case.visited_on = on
    return case


def assess(case, target_group, actor_id, on=None):
    """Apply the registry's eligibility rule for the target group to the whole family.

    The family's path through the programme starts in the registry (an Enrollment recruited
    for the target group) and the registry records the verdict; the board keeps a copy of the
    reasons to show them.
    """
    _lock(case)
    on = _step_on(case, {"visited"}, on)
    if target_group is None or target_group.applies_to != "family":
        raise Refused(_l("Choose a target group for families."))
    transitions = toolkit.enrollment_transitions
    enrollment = (toolkit.db.session.get(toolkit.Enrollment, case.enrollment_id)
                  if case.enrollment_id else None)
    if enrollment is None:
        # A path the institution already started for the family in the registry is reused,
        # so the family is not recruited twice.
        enrollment = toolkit.db.session.scalar(select(toolkit.Enrollment).where(
            toolkit.Enrollment.family_id == case.family_id,
            toolkit.Enrollment.institution_id == case.institution_id,
            toolkit.Enrollment.status == "recruited").order_by(toolkit.Enrollment.id))
    if enrollment is None or enrollment.status != "recruited":
        enrollment = transitions.recruit(institution_id=case.institution_id, actor_id=actor_id,
                                         family=case.family, target_group=target_group, on=on)
        case.enrollment_id = enrollment.id
    else:
        enrollment.target_group = target_group
    try:
        verdict = transitions.assess_eligibility(enrollment, case.family, actor_id, on=on)
    except transitions.TransitionRefused as refused:
        raise Refused(str(refused)) from refused
    case.eligibility = verdict.as_dict()
    case.assessed_on = on
    _move(case, {"visited"}, "eligible" if verdict.eligible else "not_eligible",
          enrollment_id=enrollment.id)
    return verdict


def enroll(case, actor_id, on=None):
    """The eligible family starts the programme (the registry's enrollment becomes active)."""
    _lock(case)
    on = _step_on(case, {"eligible"}, on)
    enrollment = toolkit.db.session.get(toolkit.Enrollment, case.enrollment_id)
    transitions = toolkit.enrollment_transitions
    try:
        transitions.start(enrollment, actor_id, on=on)
    except (transitions.TransitionRefused, AttributeError) as refused:
        raise Refused(_l("The family's programme path cannot be started.")) from refused
    _move(case, {"eligible"}, "enrolled", enrollment_id=enrollment.id)
    case.enrolled_on = on
    return case


# --- contacts and home visits ----------------------------------------------------------------

def log_contact(case, *, on, kind, present="", note="", next_step="", actor_id=None):
    if kind not in CONTACT_KINDS:
        raise Refused(_l("Choose the kind of contact."))
    _happened(on, earliest=case.lead_on, future=_l("A contact cannot be dated in the future."),
              too_early=_l("A contact cannot be dated before the family became a lead "
                           "(%(date)s).", date=format_date(case.lead_on)))
    contact = Contact(case_id=case.id, on=on, kind=kind, present=present.strip(),
                      note=note.strip(), next_step=next_step.strip(), recorded_by_id=actor_id)
    toolkit.db.session.add(contact)
    toolkit.db.session.flush()
    audit("create", contact, case_id=case.id, kind=kind)
    return contact


# --- the family work plan --------------------------------------------------------------------

def start_plan(case, review_every_days=30, on=None):
    if case.stage != "enrolled":
        raise Refused(_l("A work plan is written with an enrolled family."))
    if toolkit.db.session.scalar(select(Plan.id).where(Plan.case_id == case.id)) is not None:
        raise Refused(_l("The family already has a work plan."))
    if not 7 <= review_every_days <= 365:
        raise Refused(_l("Reviews are held every 7 to 365 days."))
    plan = Plan(case_id=case.id, review_every_days=review_every_days,
                next_review_on=(on or toolkit.today()) + timedelta(days=review_every_days))
    toolkit.db.session.add(plan)
    toolkit.db.session.flush()
    audit("create", plan, case_id=case.id)
    return plan


def _member_ids(case):
    return {m.participant_id for m in case.family.members}


def _member(case, participant_id, field):
    """The member of the family something new is recorded about (a goal, an action, a
    barrier, a signature, a referral): refused when not a member of this family, or while
    their processing is restricted or their record anonymised (nothing new is recorded about
    them then). ``field`` is the form field that chose them."""
    if participant_id not in _member_ids(case):
        raise Refused(_l("Choose a member of this family."), field)
    participant = toolkit.db.session.get(toolkit.Participant, participant_id)
    try:
        toolkit.ensure_not_restricted(participant)
    except toolkit.ProcessingRestricted as restricted:
        raise Refused(str(restricted), field) from restricted
    return participant


def add_goal(plan, *, text, participant_id=None):
    if not text.strip():
        raise Refused(_l("Describe the goal."))
    if participant_id is not None:
        _member(plan.case, participant_id, "participant_id")
    goal = Goal(plan=plan, text=text.strip(), participant_id=participant_id)
    toolkit.db.session.add(goal)
    toolkit.db.session.flush()
    audit("create", goal, plan_id=plan.id, member_goal=participant_id is not None)
    return goal


def add_action(goal, *, what, who_kind, who_participant_id=None, who_institution_id=None,
               due_on=None):
    if not what.strip():
        raise Refused(_l("Say what is to be done."))
    if who_kind not in WHO_KINDS:
        raise Refused(_l("Choose who does it."))
    if who_kind == "member":
        _member(goal.plan.case, who_participant_id, "who_participant_id")
    if who_kind == "institution" and (
            who_institution_id is None
            or toolkit.db.session.get(toolkit.Institution, who_institution_id) is None):
        raise Refused(_l("Choose an institution of this partnership."))
    if due_on is not None:
        lead_on = goal.plan.case.lead_on
        if due_on < lead_on:
            raise Refused(_l("The due date cannot be before the family became a lead "
                             "(%(date)s).", date=format_date(lead_on)))
        latest = latest_due_on()
        if due_on > latest:
            raise Refused(_l("The due date cannot be after %(date)s.", date=format_date(latest)))
    action = Action(goal=goal, what=what.strip(), who_kind=who_kind,
                    who_participant_id=who_participant_id if who_kind == "member" else None,
                    who_institution_id=who_institution_id if who_kind == "institution" else None,
                    due_on=due_on, status="planned")
    toolkit.db.session.add(action)
    toolkit.db.session.flush()
    audit("create", action, goal_id=goal.id, who_kind=who_kind)
    return action


def _set_status(action, allowed_from, to):
    if action.agreement is not None and action.agreement.referral is not None and to != "cancelled":
        # The institution's answer to the referral moves these actions, not the animator.
        raise Refused(_l("This action follows the institution's answer to the agreement's "
                         "referral."))
    # The status the plan shows: an action under an agreement the institution has completed
    # is done, and can no longer be cancelled, whatever was stored before the answer.
    if action.effective_status not in allowed_from:
        raise Refused(_l("This step is not possible from the action's current status."))
    previous = action.effective_status
    action.status = to
    audit("transition", action, **{"from": previous, "to": to})
    return action


def start_action(action):
    return _set_status(action, {"planned"}, "in_progress")


def complete_action(action):
    return _set_status(action, {"planned", "in_progress"}, "done")


def refuse_action(action):
    return _set_status(action, {"planned", "in_progress"}, "refused")


def cancel_action(action):
    return _set_status(action, {"planned", "in_progress"}, "cancelled")


ACTION_STEPS = {"start": start_action, "complete": complete_action, "refuse": refuse_action,
                "cancel": cancel_action}
assert set(ACTION_STATUSES) >= {"planned", "in_progress", "done", "refused", "cancelled"}


def _signed_on(plan, on):
    """A signature's date: not in the future, not before the family joined the programme (its
    enrolment, or its lead when the board has no enrolment date)."""
    joined = plan.case.joined_on
    return _happened(on or toolkit.today(), earliest=joined, too_early=_l(
        "The plan cannot be signed before the family joined the programme (%(date)s).",
        date=format_date(joined)))


def sign_by_family(plan, participant_id, on=None):
    """A member of the family signs the plan on its behalf."""
    if plan.family_signed_on is not None:
        raise Refused(_l("The family has already signed the plan."))
    if not plan.goals:
        raise Refused(_l("Add at least one goal before the plan is signed."))
    _member(plan.case, participant_id, "participant_id")
    plan.family_signed_on = _signed_on(plan, on)
    plan.family_signed_by_id = participant_id
    audit("transition", plan, signed="family", participant_id=participant_id)
    return plan


def sign_by_animator(plan, user_id, on=None):
    if plan.animator_signed_on is not None:
        raise Refused(_l("The animator has already signed the plan."))
    if not plan.goals:
        raise Refused(_l("Add at least one goal before the plan is signed."))
    plan.animator_signed_on = _signed_on(plan, on)
    plan.animator_signed_by_id = user_id
    audit("transition", plan, signed="animator", user_id=user_id)
    return plan


def record_review(plan, *, held_on, notes, progress, actor_id=None):
    """A review: notes and the progress of each goal (0–100 %) at that date.

    The plan shows the latest state: a review recorded late for an earlier date keeps its own
    figures, but moves the next review date only when no review is dated after it, and sets a
    goal's progress only when no review dated after it gives that goal's progress. Of two
    reviews of the same day, the one recorded last counts."""
    if not plan.signed:
        raise Refused(_l("A plan is reviewed once both sides have signed it."))
    signed = max(plan.family_signed_on, plan.animator_signed_on)
    _happened(held_on, earliest=signed, future=_l("A review cannot be dated in the future."),
              too_early=_l("A review cannot be dated before both sides signed the plan "
                           "(%(date)s).", date=format_date(signed)))
    goals = {goal.id: goal for goal in plan.goals}
    clean = {}
    for goal_id, value in progress.items():
        if goal_id not in goals or not 0 <= value <= 100:
            raise Refused(_l("Progress is a number from 0 to 100 for a goal of this plan."))
        clean[str(goal_id)] = value
    others = toolkit.db.session.scalars(select(Review).where(Review.plan_id == plan.id)).all()
    latest = all(other.held_on <= held_on for other in others)
    review = Review(plan_id=plan.id, held_on=held_on, notes=notes.strip(), progress=clean,
                    recorded_by_id=actor_id)
    for goal_id, value in clean.items():
        if all(other.held_on <= held_on for other in others if goal_id in other.progress):
            goals[int(goal_id)].progress = value
    if latest:
        plan.next_review_on = held_on + timedelta(days=plan.review_every_days)
    toolkit.db.session.add(review)
    toolkit.db.session.flush()
    audit("create", review, plan_id=plan.id, goals=sorted(goals), latest=latest)
    return review


# --- agreements with institutions -------------------------------------------------------------

def conclude_agreement(case, *, institution_id, participant_id, commitment, action_ids,
                       from_institution_id, actor_id, on=None):
    """The institution commits to the chosen actions; the registry gets a referral of the
    member to it (the registry checks the consent and refuses without one)."""
    if institution_id == from_institution_id:
        raise Refused(_l("An institution cannot refer a person to itself."), "institution_id")
    if toolkit.db.session.get(toolkit.Institution, institution_id) is None:
        raise Refused(_l("Choose an institution of this partnership."), "institution_id")
    # The restriction is checked again by the registry's referral; here so that the page
    # can say it at the member.
    participant = _member(case, participant_id, "participant_id")
    if not commitment.strip():
        raise Refused(_l("Describe what the institution commits to."), "commitment")
    plan = toolkit.db.session.scalar(select(Plan).where(Plan.case_id == case.id))
    actions = [a for goal in (plan.goals if plan else []) for a in goal.actions
               if a.id in set(action_ids)]
    if not actions or len(actions) != len(set(action_ids)):
        raise Refused(_l("Choose the plan actions the agreement covers."), "action_ids")
    # Lock the actions still free (PostgreSQL): an animator concluding a second agreement
    # for the same action at the same moment waits here, then finds it taken, so one action
    # never gets two agreements and the institution two referrals.
    free = set(toolkit.db.session.scalars(
        select(Action.id).where(Action.id.in_([a.id for a in actions]),
                                Action.agreement_id.is_(None)).with_for_update()))
    if any(a.agreement_id is not None or a.id not in free for a in actions):
        raise Refused(_l("An action is already covered by another agreement."), "action_ids")
    referrals = toolkit.referral_transitions
    try:
        referral = referrals.send_referral(
            participant=participant, from_institution_id=from_institution_id,
            to_institution_id=institution_id, reason=commitment.strip(), actor_id=actor_id,
            family_id=case.family_id)
    except referrals.ReferralRefused as refused:
        # What is left is about the referral as a whole (the consent covers the member and
        # the institution together): shown above the form.
        raise Refused(str(refused)) from refused
    agreement = Agreement(case_id=case.id, institution_id=institution_id,
                          participant_id=participant_id, commitment=commitment.strip(),
                          concluded_on=on or toolkit.today(), concluded_by_id=actor_id,
                          referral_id=referral.id)
    toolkit.db.session.add(agreement)
    toolkit.db.session.flush()
    for action in actions:
        action.agreement_id = agreement.id
        action.agreement = agreement
    audit("create", agreement, case_id=case.id, referral_id=referral.id,
          action_ids=sorted(a.id for a in actions))
    return agreement


# --- peer advisors and information operators ---------------------------------------------------

NOT_A_PEER_ADVISOR = _l("Choose a peer advisor of the family's county.")


def assign_advisor(case, advisor_id, on=None):
    """Give the family a peer advisor of its county club (``service.peer_advisors``), or none
    with ``advisor_id`` None."""
    if advisor_id and advisor_id not in {m.user_id for m in service.peer_advisors(case)}:
        raise Refused(NOT_A_PEER_ADVISOR, "advisor_id")
    if advisor_id:
        # The advisor would see the members' names: sharing a restricted person's data with
        # someone new is processing the restriction forbids (removing the advisor is not).
        for member in case.family.members:
            try:
                toolkit.ensure_not_restricted(member.participant)
            except toolkit.ProcessingRestricted as restricted:
                raise Refused(str(restricted)) from restricted
    previous = case.advisor_id
    case.advisor_id = advisor_id
    case.advisor_since = (on or toolkit.today()) if advisor_id else None
    audit("update", case, fields=["advisor_id"], advisor_id=advisor_id, previous=previous)
    return case


def ask_operators(*, institution_id, asked_by_id, question, deadline):
    if not question.strip():
        raise Refused(_l("Write the question."))
    if deadline < toolkit.today():
        raise Refused(_l("The deadline cannot be in the past."))
    if deadline > latest_deadline():
        raise Refused(_l("The deadline cannot be more than a year ahead."))
    request = InfoRequest(institution_id=institution_id, asked_by_id=asked_by_id,
                          question=question.strip(), deadline=deadline, status="open")
    toolkit.db.session.add(request)
    toolkit.db.session.flush()
    audit("create", request)
    return request


def answer_request(request, *, answer, answered_by_id, on=None):
    if request.status != "open":
        raise Refused(_l("This request has already been answered."))
    if not answer.strip():
        raise Refused(_l("Write the answer."))
    request.answer = answer.strip()
    request.answered_on = on or toolkit.today()
    request.answered_by_id = answered_by_id
    request.status = "answered"
    audit("transition", request, **{"from": "open", "to": "answered"})
    return request


# --- diagnosis and the family motivation test (through the instruments package) ---------------

def start_instrument_round(case, purpose, members, *, institution_id, actor_id, on=None):
    """Give the diagnosis or the motivation test to the chosen members as one family round of
    the instruments package; the first motivation round is the one at entry, later ones are
    at reviews."""
    key = INSTRUMENT_KEYS.get(purpose)
    if key is None:
        raise Refused(_l("Choose an instrument."))
    instruments = toolkit.instruments_service
    instrument = instruments.instrument_by_key(key)
    if instrument is None or instrument.current is None:
        raise Refused(_l("The partnership has no instrument with the key \"%(key)s\": a "
                         "partnership administrator installs it on the Instruments page.",
                         key=key))
    member_ids = _member_ids(case)
    if not members or any(p.id not in member_ids for p in members):
        raise Refused(_l("Choose members of this family."))
    earlier = toolkit.db.session.scalar(select(InstrumentRound.id).where(
        InstrumentRound.case_id == case.id, InstrumentRound.purpose == purpose).limit(1))
    try:
        family_round = instruments.start_family_round(
            case.family, instrument, members, institution_id=institution_id, actor_id=actor_id)
    except instruments.InstrumentRefused as refused:
        raise Refused(str(refused)) from refused
    review = None
    if earlier and purpose == "motivation":
        # The test is taken again at the plan's reviews: the round belongs to the latest one.
        review = toolkit.db.session.scalar(
            select(Review).join(Plan, Plan.id == Review.plan_id).where(Plan.case_id == case.id)
            .order_by(Review.held_on.desc(), Review.id.desc()).limit(1))
    record = InstrumentRound(case_id=case.id, round_id=family_round.id, purpose=purpose,
                             occasion="review" if earlier else "entry",
                             started_on=on or toolkit.today(),
                             review_id=review.id if review is not None else None)
    toolkit.db.session.add(record)
    toolkit.db.session.flush()
    audit("create", record, case_id=case.id, round_id=family_round.id, purpose=purpose,
          occasion=record.occasion, review_id=record.review_id)
    return record


def add_barrier(case, *, kind, note="", participant_id=None, on=None):
    if kind not in BARRIERS:
        raise Refused(_l("Choose the kind of barrier."))
    if participant_id is not None:
        _member(case, participant_id, "participant_id")
    barrier = Barrier(case_id=case.id, kind=kind, note=note.strip(),
                      participant_id=participant_id, recorded_on=on or toolkit.today())
    toolkit.db.session.add(barrier)
    toolkit.db.session.flush()
    audit("create", barrier, case_id=case.id, kind=kind, member=participant_id is not None)
    return barrier


def remove_barrier(barrier):
    audit("delete", barrier, case_id=barrier.case_id, kind=barrier.kind)
    toolkit.db.session.delete(barrier)


def record_summary(case, *, strengths, barriers_summary, on=None):
    """The family summary of the diagnosis: strengths and barriers in the animator's words."""
    if not strengths.strip() and not barriers_summary.strip():
        raise Refused(_l("Write the family's strengths or barriers."))
    case.strengths = strengths.strip()
    case.barriers_summary = barriers_summary.strip()
    # The family was diagnosed when the summary was first written: correcting it later does
    # not move the diagnosis into another report period (a stored report would disagree).
    fields = ["strengths", "barriers_summary"]
    if case.diagnosed_on is None or on is not None:
        case.diagnosed_on = on or toolkit.today()
        fields.append("diagnosed_on")
    audit("update", case, fields=fields)
    return case
