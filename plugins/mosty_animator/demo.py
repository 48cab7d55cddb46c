"""Demo data for the ``pomorze`` partnership: the module switched on with its default grants,
the demo animator's board with families at every stage, contacts and home visits, signed work
plans with goals, actions (one overdue), a review and agreements with the county labour
office, a peer advisor's families and information requests. Safe to run twice."""

import contextlib
import random
from datetime import timedelta

from sqlalchemy import select

from mosty import toolkit

from . import transitions
from .models import Case, InstrumentRound

SLUG = "pomorze"
ANIMATOR = "animator@pomorze.mosty.test"
ADVISOR = "klub@pomorze.mosty.test"
OPERATOR = "operator@pomorze.mosty.test"

# The member's first name stands apart (in brackets), not inside the sentence: "dla %(name)s"
# needed the genitive ("dla Łukasza") that a name pasted in its nominative does not give.
GOALS = [
    ("Stała praca (%(name)s)", "member",
     [("Rejestracja w powiatowym urzędzie pracy", "member", -40, "done"),
      ("Kurs zawodowy (spawanie lub obsługa wózka widłowego)", "institution", 25, "agreement"),
      ("Przygotowanie CV z animatorem", "animator", -5, "planned")]),
    ("Opieka nad dziećmi w czasie kursu", "family",
     [("Zapis młodszego dziecka do przedszkola", "member", 10, "in_progress"),
      ("Rozmowa z OPS o zasiłku na dojazdy", "animator", 5, "planned")]),
]


def _user(email):
    return toolkit.db.session.scalar(select(toolkit.User).where(toolkit.User.email == email))


def _membership(user):
    return toolkit.db.session.scalar(select(toolkit.Membership).where(
        toolkit.Membership.user_id == user.id))


def load(partnerships):
    partnership = partnerships.get(SLUG)
    if partnership is None:
        return
    from .plugin import mosty_modules

    with toolkit.partnership_scope(partnership.id):
        toolkit.switch_module(mosty_modules(), True)
        animator, advisor, operator = _user(ANIMATOR), _user(ADVISOR), _user(OPERATOR)
        if animator is None or toolkit.db.session.scalar(select(Case.id).limit(1)) is not None:
            return
        institution_id = _membership(animator).institution_id
        _board(institution_id, animator, advisor)
        if operator is not None:
            _requests(institution_id, animator, operator)
        toolkit.db.session.flush()


def _families(institution_id):
    """The institution's own rural families with at least two members, with the registry's
    programme path (if any) of each."""
    families = toolkit.db.session.scalars(
        select(toolkit.Family).where(toolkit.Family.institution_id == institution_id)
        .order_by(toolkit.Family.id)).all()
    paths = {e.family_id: e for e in toolkit.db.session.scalars(
        select(toolkit.Enrollment).where(toolkit.Enrollment.family_id.is_not(None),
                                         toolkit.Enrollment.institution_id == institution_id))}
    return [(f, paths.get(f.id)) for f in families if len(f.members) >= 2]


def _board(institution_id, animator, advisor):
    rng = random.Random(6)
    today = toolkit.today()
    families = _families(institution_id)
    active = [(f, e) for f, e in families if e is not None and e.status == "active"][:4]
    fresh = [(f, e) for f, e in families if e is None or e.status == "recruited"][:6]
    sources = ("welfare_centre", "club", "self", "parish", "school", "other")
    for index, (family, _path) in enumerate(fresh):
        lead_on = today - timedelta(days=rng.randint(3, 30))
        case = transitions.add_lead(family=family, institution_id=institution_id,
                                    animator_id=animator.id, source=sources[index % 6],
                                    note="Informacja od sołtysa." if index == 0 else "",
                                    on=lead_on)
        if index >= 2:
            transitions.mark_contacted(case, on=lead_on + timedelta(days=1))
            transitions.log_contact(case, on=lead_on + timedelta(days=1), kind="phone",
                                    present="głowa rodziny",
                                    note="Umówiona wizyta domowa.",
                                    next_step="Wizyta domowa", actor_id=animator.id)
        if index >= 4:
            visit = min(today, lead_on + timedelta(days=3))
            transitions.mark_visited(case, on=visit)
            transitions.log_contact(case, on=visit, kind="home_visit",
                                    present="cała rodzina",
                                    note="Rodzina zainteresowana udziałem; dzieci w wieku "
                                         "szkolnym.", next_step="Sprawdzenie kwalifikowalności",
                                    actor_id=animator.id)
    for index, (family, path) in enumerate(active):
        started = path.started_on or today - timedelta(days=60)
        case = transitions.add_lead(family=family, institution_id=institution_id,
                                    animator_id=animator.id, source=sources[index % 6],
                                    on=path.recruited_on)
        # These families went through recruitment before the module was switched on: the
        # registry's path carries the verdict and the dates.
        case.stage, case.enrollment_id = "enrolled", path.id
        case.contacted_on = case.visited_on = path.recruited_on
        case.assessed_on = path.eligible_on or path.recruited_on
        case.enrolled_on = started
        case.eligibility = path.eligibility or {}
        transitions.log_contact(case, on=path.recruited_on, kind="home_visit",
                                present="cała rodzina", note="Pierwsza wizyta domowa.",
                                next_step="Plan pracy", actor_id=animator.id)
        _diagnosis(case, family, animator, institution_id, path.recruited_on, rng)
        _motivation(case, family, institution_id)
        if index < 3:
            _plan(case, family, animator, started, rng)
    if advisor is not None:
        # The peer advisor of the county club takes two families of that county.
        fitting = [c for c in toolkit.db.session.scalars(select(Case).order_by(
            Case.stage.desc(), Case.id)) if _advisor_fits(advisor, c.family)]
        for case in fitting[:2]:
            transitions.assign_advisor(case, advisor.id, on=case.lead_on)


def _advisor_fits(advisor, family):
    institution = _membership(advisor).institution
    return not institution.teryt or institution.teryt[:4] == (family.teryt or "")[:4]


def _plan(case, family, animator, started, rng):
    today = toolkit.today()
    plan = transitions.start_plan(case, review_every_days=30, on=started)
    plan.next_review_on = today + timedelta(days=rng.randint(1, 5))
    head = family.members[0].participant
    labour = toolkit.db.session.scalar(select(toolkit.Institution).where(
        toolkit.Institution.kind == "labour_office",
        toolkit.Institution.teryt.startswith((family.teryt or "")[:4])).limit(1)) \
        or toolkit.db.session.scalar(select(toolkit.Institution).where(
            toolkit.Institution.kind == "labour_office").limit(1))
    agreement_actions = []
    for text, whose, actions in GOALS:
        goal = transitions.add_goal(
            plan, text=text % {"name": head.first_name},
            participant_id=head.id if whose == "member" else None)
        for what, who, due_in, status in actions:
            action = transitions.add_action(
                goal, what=what, who_kind=who,
                who_participant_id=head.id if who == "member" else None,
                who_institution_id=labour.id if who == "institution" else None,
                due_on=today + timedelta(days=due_in))
            if status == "done":
                transitions.complete_action(action)
            elif status == "in_progress":
                transitions.start_action(action)
            elif status == "agreement":
                agreement_actions.append(action.id)
    signed = min(today, started + timedelta(days=3))
    transitions.sign_by_family(plan, head.id, on=signed)
    transitions.sign_by_animator(plan, animator.id, on=signed)
    transitions.record_review(plan, held_on=min(today, started + timedelta(days=30)),
                              notes="Rejestracja w PUP zrobiona; czekamy na kurs.",
                              progress={plan.goals[0].id: 30, plan.goals[1].id: 50},
                              actor_id=animator.id)
    plan.next_review_on = today + timedelta(days=rng.randint(1, 5))
    # Without a consent covering the labour office the registry refuses the referral, and the
    # family simply has no agreement yet, as in life.
    with contextlib.suppress(transitions.Refused):
        transitions.conclude_agreement(
            case, institution_id=labour.id, participant_id=head.id,
            commitment="Miejsce na kursie zawodowym finansowanym z Funduszu Pracy",
            action_ids=agreement_actions, from_institution_id=case.institution_id,
            actor_id=animator.id, on=started + timedelta(days=5))


def _requests(institution_id, animator, operator):
    today = toolkit.today()
    answered = transitions.ask_operators(
        institution_id=institution_id, asked_by_id=animator.id,
        question="Jakie kursy zawodowe rusza PUP w powiecie łobeskim w najbliższym kwartale?",
        deadline=today + timedelta(days=7))
    transitions.answer_request(answered, answered_by_id=operator.id,
                               answer="Spawacz MAG (od 1. dnia przyszłego miesiąca, 12 miejsc), "
                                      "operator wózka widłowego (10 miejsc). Zapisy w PUP.")
    transitions.ask_operators(
        institution_id=institution_id, asked_by_id=animator.id,
        question="Czy jest dowóz do zakładu w Świdwinie z gminy Rąbino?",
        deadline=today + timedelta(days=5))


def _answers(spec, rng):
    """Plausible answers to every item of an instrument version."""
    answers = {}
    for item_id, item in spec["items"].items():
        kind = item["type"]
        if kind == "scale":
            answers[item_id] = rng.randint(item["min"], item["max"])
        elif kind == "yes_no":
            answers[item_id] = rng.choice(("yes", "no"))
        elif kind == "number":
            answers[item_id] = rng.randint(int(item.get("min") or 0),
                                           min(int(item.get("max") or 60), 60))
        elif kind == "choice" and item.get("options"):
            answers[item_id] = item["options"][0]["value"]
    return answers


BARRIER_NOTES = {
    "transport": "Autobus do miasta dwa razy dziennie; brak prawa jazdy.",
    "care_duties": "Opieka nad młodszym dzieckiem i chorą babcią.",
    "debt": "Zaległości za prąd, ugoda z dostawcą w toku.",
    "qualifications": "Brak uprawnień zawodowych, ostatnia praca w PGR.",
    "motivation": "Zniechęcenie po wielu odmowach.",
}


def _diagnosis(case, family, animator, institution_id, on, rng):
    """The diagnosis of every adult member the institution sees, with barriers and a summary."""
    instruments = toolkit.instruments_service
    members = [p for p in instruments.visible_members(family, institution_id)
               if (toolkit.today() - p.birth_date).days >= 18 * 365]
    if not members or instruments.instrument_by_key("diagnosis") is None:
        return
    record = transitions.start_instrument_round(case, "diagnosis", members,
                                                institution_id=institution_id,
                                                actor_id=animator.id, on=on)
    family_round = instruments.family_round_or_404(record.round_id, institution_id)
    for administration in instruments.round_administrations(family_round, institution_id):
        instruments.finish_administration(
            administration, _answers(administration.version.spec, rng),
            institution_id=institution_id, actor_id=animator.id)
    for kind in rng.sample(sorted(BARRIER_NOTES), 2):
        transitions.add_barrier(case, kind=kind, note=BARRIER_NOTES[kind],
                                participant_id=members[0].id if kind != "debt" else None, on=on)
    transitions.record_summary(
        case, strengths="Rodzina wspiera się nawzajem; dorośli chcą pracować w okolicy.",
        barriers_summary="Dojazd do pracy i opieka nad dziećmi; zaległe rachunki.", on=on)


def _motivation(case, family, institution_id):
    """The motivation rounds the instruments demo gave this family become the animator's
    test at entry and at reviews (oldest first)."""
    instruments = toolkit.instruments_service
    motivation = instruments.instrument_by_key("family_motivation")
    if motivation is None:
        return
    rounds = [r for r, _admins in instruments.family_rounds(family.id, institution_id)
              if r.version.instrument_id == motivation.id]
    for index, family_round in enumerate(sorted(rounds, key=lambda r: (r.started_at, r.id))):
        record = InstrumentRound(case_id=case.id, round_id=family_round.id,
                                 purpose="motivation",
                                 occasion="entry" if index == 0 else "review",
                                 started_on=family_round.started_at.date())
        toolkit.db.session.add(record)
