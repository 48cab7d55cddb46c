"""The family work plan and agreements: goals for the family and its members, actions with
one audited function per status step, signatures by both sides, reviews with progress per
goal, overdue and due-next at a glance, the printable version; an agreement sends a referral
through the registry (consent checked there) and the labour office's answer moves the plan
action."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope
from mosty_animator import service, transitions
from mosty_animator.models import Action, Agreement, Case, Plan
from test_animator_world import build, client_of, entries


@pytest.fixture
def w(app, factory):
    w = build(app, factory)
    with app.test_request_context(), partnership_scope(w.p.id):
        family = db.session.get(__import__("mosty.families.models").families.models.Family,
                                w.family.id)
        case = transitions.add_lead(family=family, institution_id=w.fundacja.id,
                                    animator_id=w.animator.id, source="club",
                                    on=dates.today() - timedelta(days=90))
        case.stage = "enrolled"  # recruitment has its own tests
        db.session.commit()
        w.case_id = case.id
    return w


def in_request(w):
    class Ctx:
        def __enter__(self):
            self.ctx = w.app.test_request_context()
            self.ctx.__enter__()
            self.scope = partnership_scope(w.p.id)
            self.scope.__enter__()
            return db.session.get(Case, w.case_id)

        def __exit__(self, *exc):
            self.scope.__exit__(*exc)
            self.ctx.__exit__(*exc)

    return Ctx()


def plan_with_action(w, due_on=None, who_kind="animator"):
    with in_request(w) as case:
        plan = transitions.start_plan(case, review_every_days=30)
        goal = transitions.add_goal(plan, text="Kamila zdobywa kwalifikacje",
                                    participant_id=w.child.id)
        action = transitions.add_action(
            goal, what="Kurs operatora wózka widłowego", who_kind=who_kind, due_on=due_on,
            who_institution_id=w.pup.id if who_kind == "institution" else None)
        db.session.commit()
        return plan.id, goal.id, action.id


def action_status(w, action_id):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.get(Action, action_id).effective_status


def test_a_plan_needs_an_enrolled_family(w):
    with in_request(w) as case:
        case.stage = "eligible"
        with pytest.raises(transitions.Refused):
            transitions.start_plan(case)
        db.session.rollback()


def test_action_steps_one_function_each_audited_and_refused_out_of_order(w):
    _plan, _goal, action_id = plan_with_action(w)
    with in_request(w):
        action = db.session.get(Action, action_id)
        transitions.start_action(action)
        transitions.complete_action(action)
        with pytest.raises(transitions.Refused):
            transitions.start_action(action)
        with pytest.raises(transitions.Refused):
            transitions.cancel_action(action)
        db.session.commit()
    assert action_status(w, action_id) == "done"
    moves = [(d["from"], d["to"]) for a, _i, d in entries(w, "animator_action")
             if a == "transition"]
    assert moves == [("planned", "in_progress"), ("in_progress", "done")]


def test_goals_and_actions_name_only_members_of_the_family(w):
    with in_request(w) as case:
        plan = transitions.start_plan(case)
        with pytest.raises(transitions.Refused):
            transitions.add_goal(plan, text="Cel", participant_id=w.parent_b.id)
        goal = transitions.add_goal(plan, text="Cel rodziny")
        assert goal.participant_id is None
        with pytest.raises(transitions.Refused):
            transitions.add_action(goal, what="x", who_kind="member",
                                   who_participant_id=w.parent_b.id)
        with pytest.raises(transitions.Refused):
            transitions.add_action(goal, what="x", who_kind="institution",
                                   who_institution_id=999999)
        db.session.rollback()


def test_signatures_then_reviews_with_progress_per_goal(w):
    plan_id, goal_id, _action = plan_with_action(w)
    with in_request(w):
        plan = db.session.get(Plan, plan_id)
        with pytest.raises(transitions.Refused):  # not signed yet
            transitions.record_review(plan, held_on=dates.today(), notes="", progress={})
        with pytest.raises(transitions.Refused):  # only a member signs for the family
            transitions.sign_by_family(plan, w.parent_b.id)
        transitions.sign_by_family(plan, w.parent.id)
        transitions.sign_by_animator(plan, w.animator.id)
        assert plan.signed
        with pytest.raises(transitions.Refused):
            transitions.sign_by_animator(plan, w.animator.id)
        with pytest.raises(transitions.Refused):
            transitions.record_review(plan, held_on=dates.today(), notes="", progress={goal_id: 140})
        transitions.record_review(plan, held_on=dates.today(), notes="Kurs rozpoczęty",
                                  progress={goal_id: 40})
        db.session.commit()
        assert plan.goals[0].progress == 40
        assert plan.next_review_on == dates.today() + timedelta(days=30)
    signed = [d.get("signed") for a, _i, d in entries(w, "animator_plan") if a == "transition"]
    assert signed == ["family", "animator"]
    assert [a for a, _i, _d in entries(w, "animator_review")] == ["create"]


def test_the_plan_page_shows_overdue_and_due_next_and_prints_in_plain_polish(w):
    plan_id, goal_id, late_id = plan_with_action(w, due_on=dates.today() - timedelta(days=3))
    with in_request(w):
        goal = db.session.get(__import__("mosty_animator.models").models.Goal, goal_id)
        transitions.add_action(goal, what="Rozmowa w PUP", who_kind="member",
                               who_participant_id=w.child.id,
                               due_on=dates.today() + timedelta(days=5))
        transitions.add_action(goal, what="Za dwa miesiące", who_kind="animator",
                               due_on=dates.today() + timedelta(days=60))
        db.session.commit()
        overdue, upcoming = service.at_a_glance(db.session.get(Plan, plan_id))
        assert [a.what for a in overdue] == ["Kurs operatora wózka widłowego"]
        assert [a.what for a in upcoming] == ["Rozmowa w PUP"]
    client = client_of(w, w.animator)
    page = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/plan").get_data(as_text=True)
    assert 'id="overdue"' in page and "overdue-row" in page
    with client.session_transaction() as session:
        session["locale"] = "pl"
    printed = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/plan/print")
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200 and "Kurs operatora wózka widłowego" in text
    assert "/animator/print.css" in text and "<style" not in text
    css = client.get(f"/{w.p.slug}/animator/print.css")
    assert css.mimetype == "text/css" and b"@media print" in css.data


def test_the_plan_is_built_on_screen_with_clear_messages_for_bad_input(w):
    client = client_of(w, w.animator)
    base = f"/{w.p.slug}/animator/families/{w.family.id}"
    client.post(f"{base}/plan", data={"review_every_days": "14"})
    client.post(f"{base}/plan/goals", data={"text": "Praca dla Stanisława",
                                            "participant_id": str(w.parent.id)})
    with w.app.app_context(), partnership_scope(w.p.id):
        goal_id = db.session.scalar(select(Plan).where(Plan.case_id == w.case_id)).goals[0].id
    response = client.post(f"/{w.p.slug}/animator/goals/{goal_id}/actions",
                           data={"what": "Zapis do PUP", "who_kind": "member",
                                 "who_participant_id": str(w.parent.id), "due_on": "31.12"},
                           follow_redirects=True)
    assert "Write the date as YYYY-MM-DD." in response.get_data(as_text=True)
    client.post(f"/{w.p.slug}/animator/goals/{goal_id}/actions",
                data={"what": "Zapis do PUP", "who_kind": "member",
                      "who_participant_id": str(w.parent.id), "due_on": "2030-01-10"})
    client.post(f"{base}/plan/sign", data={"side": "family", "participant_id": str(w.parent.id)})
    client.post(f"{base}/plan/sign", data={"side": "animator"})
    page = client.get(f"{base}/plan").get_data(as_text=True)
    assert "Zapis do PUP" in page and "Beata Animatorka" in page and "every 14 days" in page


def test_an_agreement_sends_a_referral_and_the_labour_office_answer_moves_the_action(w):
    _plan, _goal, action_id = plan_with_action(w, who_kind="institution")
    client = client_of(w, w.animator)
    response = client.post(f"/{w.p.slug}/animator/families/{w.family.id}/agreements/new",
                           data={"institution_id": w.pup.id, "participant_id": w.parent.id,
                                 "commitment": "Miejsce na kursie", "action_ids": action_id})
    assert response.status_code == 302
    with w.app.app_context(), partnership_scope(w.p.id):
        referral = db.session.scalar(select(Referral))
        assert (referral.participant_id, referral.to_institution_id, referral.status) == (
            w.parent.id, w.pup.id, "sent")
        assert referral.family_id == w.family.id
        referral_id = referral.id
    assert action_status(w, action_id) == "planned"
    assert [a for a, _i, _d in entries(w, "animator_agreement")] == ["create"]
    # The animator cannot mark it done: the institution's answer decides.
    response = client.post(f"/{w.p.slug}/animator/actions/{action_id}/status",
                           data={"step": "complete"}, follow_redirects=True)
    assert "This action follows the institution" in response.get_data(as_text=True)
    # The labour office accepts in the registry, then completes.
    clerk = client_of(w, w.clerk)
    assert clerk.post(f"/{w.p.slug}/referrals/{referral_id}/accept", data={}).status_code == 302
    assert action_status(w, action_id) == "in_progress"
    clerk.post(f"/{w.p.slug}/referrals/{referral_id}/complete", data={"result": "ukończył"})
    assert action_status(w, action_id) == "done"


def test_a_declined_referral_shows_the_action_refused(w):
    _plan, _goal, action_id = plan_with_action(w, who_kind="institution")
    with in_request(w) as case:
        agreement = transitions.conclude_agreement(
            case, institution_id=w.pup.id, participant_id=w.parent.id, commitment="Staż",
            action_ids=[action_id], from_institution_id=w.fundacja.id, actor_id=w.animator.id)
        db.session.commit()
        referral_id = agreement.referral_id
    clerk = client_of(w, w.clerk)
    clerk.post(f"/{w.p.slug}/referrals/{referral_id}/decline", data={"decline_reason": "brak miejsc"})
    assert action_status(w, action_id) == "refused"


def test_no_agreement_without_the_members_consent(w):
    _plan, _goal, action_id = plan_with_action(w)
    client = client_of(w, w.animator)
    response = client.post(f"/{w.p.slug}/animator/families/{w.family.id}/agreements/new",
                           data={"institution_id": w.pup.id, "participant_id": w.child.id,
                                 "commitment": "Kurs", "action_ids": action_id})
    assert response.status_code == 422
    assert "There is no active consent" in response.get_data(as_text=True)
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.scalar(select(Referral)) is None
        assert db.session.get(Action, action_id).agreement_id is None


@pytest.mark.postgres
def test_two_agreements_for_one_action_at_once_make_one_referral(pg_app):
    """Two animators conclude an agreement for the same action at the same moment: the first
    holds the action's row lock until it commits; the second then finds it covered."""
    import threading

    from mosty.testing.factories import RegistryFactory

    w = build(pg_app, RegistryFactory(pg_app))
    with pg_app.test_request_context(), partnership_scope(w.p.id):
        family = db.session.get(__import__("mosty.families.models").families.models.Family,
                                w.family.id)
        case = transitions.add_lead(family=family, institution_id=w.fundacja.id,
                                    animator_id=w.animator.id, source="club")
        case.stage = "enrolled"
        db.session.commit()
        w.case_id = case.id
    _plan, _goal, action_id = plan_with_action(w, who_kind="institution")
    first_locked = threading.Event()
    outcomes = {}

    def animator(index, hold):
        with pg_app.test_request_context(), partnership_scope(w.p.id):
            try:
                transitions.conclude_agreement(
                    db.session.get(Case, w.case_id), institution_id=w.pup.id,
                    participant_id=w.parent.id, commitment=f"Kurs {index}",
                    action_ids=[action_id], from_institution_id=w.fundacja.id,
                    actor_id=w.animator.id)
                if hold:
                    first_locked.set()
                    threading.Event().wait(0.5)  # keep the lock while the other one tries
                db.session.commit()
                outcomes[index] = "concluded"
            except transitions.Refused:
                db.session.rollback()
                outcomes[index] = "refused"
            finally:
                first_locked.set()
                db.session.remove()

    first = threading.Thread(target=animator, args=(0, True))
    first.start()
    first_locked.wait(10)
    second = threading.Thread(target=animator, args=(1, False))
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes == {0: "concluded", 1: "refused"}
    with pg_app.app_context(), partnership_scope(w.p.id):
        assert len(db.session.scalars(select(Referral)).all()) == 1
        assert len(db.session.scalars(select(Agreement)).all()) == 1
