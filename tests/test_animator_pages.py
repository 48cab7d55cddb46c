"""What the module adds around it: the animator's dashboard, the panel and timeline entries on
the registry's family and participant pages (only for the institution running the case),
the report section (aggregates only), and the privacy hooks."""

from datetime import timedelta

import pytest

from mosty import dates
from mosty.extensions import db
from mosty.families.models import Family
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from mosty_animator import hooks, transitions
from mosty_animator.models import Action, Agreement, Case, Contact, Goal, Plan
from test_animator_world import build, client_of


@pytest.fixture
def w(app, factory):
    """Family A taken through to a signed plan with an overdue action, a review due, a home
    visit and an agreement with the labour office."""
    return family_with_a_signed_plan(app, factory)


@pytest.fixture
def w_any(any_app):
    """The same world on SQLite and on PostgreSQL (whose GROUP BY rules are stricter)."""
    return family_with_a_signed_plan(any_app, RegistryFactory(any_app))


def family_with_a_signed_plan(app, factory):
    w = build(app, factory)
    today = dates.today()
    with app.test_request_context(), partnership_scope(w.p.id):
        case = transitions.add_lead(family=db.session.get(Family, w.family.id),
                                    institution_id=w.fundacja.id, animator_id=w.animator.id,
                                    source="parish", on=today - timedelta(days=40))
        transitions.mark_contacted(case, on=today - timedelta(days=35))
        transitions.mark_visited(case, on=today - timedelta(days=30))
        transitions.log_contact(case, on=today - timedelta(days=30), kind="home_visit",
                                present="cała rodzina", note="Wizyta: rodzina chętna")
        from mosty.enrollment.models import TargetGroup
        transitions.assess(case, db.session.get(TargetGroup, w.group_id), w.animator.id,
                           on=today - timedelta(days=29))
        transitions.enroll(case, w.animator.id, on=today - timedelta(days=28))
        plan = transitions.start_plan(case, review_every_days=30, on=today - timedelta(days=28))
        goal = transitions.add_goal(plan, text="Stała praca Stanisława",
                                    participant_id=w.parent.id)
        transitions.add_action(goal, what="Rejestracja w PUP", who_kind="member",
                               who_participant_id=w.parent.id,
                               due_on=today - timedelta(days=2))
        course = transitions.add_action(goal, what="Kurs spawacza", who_kind="institution",
                                        who_institution_id=w.pup.id, due_on=today + timedelta(days=20))
        transitions.sign_by_family(plan, w.parent.id, on=today - timedelta(days=27))
        transitions.sign_by_animator(plan, w.animator.id, on=today - timedelta(days=27))
        transitions.conclude_agreement(case, institution_id=w.pup.id, participant_id=w.parent.id,
                                       commitment="Miejsce na kursie spawacza",
                                       action_ids=[course.id], from_institution_id=w.fundacja.id,
                                       actor_id=w.animator.id, on=today - timedelta(days=26))
        db.session.commit()
        w.case_id, w.plan_id = case.id, plan.id
    return w


def test_the_dashboard_shows_my_families_by_stage_overdue_and_reviews_due(w):
    from mosty.outcomes.models import Outcome

    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.add_all([
            Outcome(participant_id=w.parent.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=dates.today(), employer="Agro Łobez"),
            Outcome(participant_id=w.parent_b.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=dates.today()),  # family B is not on this animator's board
            Outcome(participant_id=w.child.id, institution_id=w.pup.id,
                    kind="training_completed", occurred_on=dates.today())])
        db.session.commit()
    page = client_of(w, w.animator).get(f"/{w.p.slug}/animator/dashboard").get_data(as_text=True)
    assert 'data-stage="enrolled">1<' in page and 'data-stage="lead">0<' in page
    assert "Rejestracja w PUP" in page  # overdue
    assert "Kurs spawacza" not in page.split('id="overdue"')[1].split("</section>")[0]
    assert "Rodzina Nowaków" in page.split('id="reviews-due"')[1]  # review due in 2 days
    assert 'data-outcome="job_started">1<' in page
    assert 'data-outcome="training_completed">1<' in page


def test_the_registry_family_page_shows_the_panel_and_the_timeline(w):
    client = client_of(w, w.animator)
    page = client.get(f"/{w.p.slug}/families/{w.family.id}/").get_data(as_text=True)
    assert "Work animator" in page and "work plan signed" in page
    assert "Recruitment: Home visit done" in page and "Work plan signed" in page
    assert "Agreement concluded with PUP Łobez" in page
    person = client.get(f"/{w.p.slug}/participants/{w.parent.id}/").get_data(as_text=True)
    assert "Stała praca Stanisława" in person and "Rejestracja w PUP" in person


def test_other_institutions_see_no_panel_or_timeline(w):
    from mosty.plugins.models import ModuleGrant

    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.add(ModuleGrant(module_key="animator", role="labour_clerk", access="write"))
        db.session.commit()
    client = client_of(w, w.clerk)  # sees the parent through a consent
    person = client.get(f"/{w.p.slug}/participants/{w.parent.id}/")
    assert person.status_code == 200
    assert "Stała praca Stanisława" not in person.get_data(as_text=True)


def test_the_report_section_counts_the_period(w):
    today = dates.today()
    with w.app.test_request_context(), partnership_scope(w.p.id):
        from flask import session

        session["locale"] = "en"  # the labels below are the English msgids
        section, outcomes = hooks.report_sections(today - timedelta(days=60), today)
        rows = {str(label): value for label, value in section.rows}
        assert rows["Families recruited (leads)"] == 1
        assert rows["Families enrolled"] == 1
        assert rows["Families with a signed work plan"] == 1
        assert rows["Agreements concluded"] == 1
        earlier, _outcomes = hooks.report_sections(today - timedelta(days=400),
                                                   today - timedelta(days=100))
        assert all(value == 0 for _label, value in earlier.rows)
        assert outcomes.rows == ()


def test_the_report_counts_outcomes_by_county_and_sex(w_any):
    w = w_any
    from flask import session

    from mosty.outcomes.models import Outcome

    today = dates.today()
    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.add_all([
            Outcome(participant_id=w.parent.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=today),
            Outcome(participant_id=w.child.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=today),
            Outcome(participant_id=w.child.id, institution_id=w.pup.id,
                    kind="training_completed", occurred_on=today),
            Outcome(participant_id=w.parent_b.id, institution_id=w.pup.id,  # not on the board
                    kind="job_started", occurred_on=today)])
        db.session.commit()
    with w.app.test_request_context(), partnership_scope(w.p.id):
        session["locale"] = "en"
        _section, outcomes = hooks.report_sections(today - timedelta(days=1), today)
        rows = {tuple(str(cell) for cell in row[:3]): row[3] for row in outcomes.rows}
    assert rows == {("powiat łobeski", "man", "job started"): 1,
                    ("powiat łobeski", "woman", "job started"): 1,
                    ("powiat łobeski", "woman", "training completed"): 1}


def test_personal_data_and_anonymisation(w):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        parent = db.session.get(Participant, w.parent.id)
        sections = hooks.personal_data(parent)
        texts = [str(r) for section in sections for r in section.records]
        assert any("Stała praca Stanisława" in t for t in texts)
        assert any("Miejsce na kursie spawacza" in t for t in texts)
        hooks.anonymise_participant(parent)
        db.session.commit()
        assert db.session.get(Goal, 1).text == ""
        assert {a.what for a in db.session.query(Action).filter(
            Action.who_participant_id == w.parent.id)} == {""}
        assert db.session.query(Agreement).one().commitment == ""
        assert db.session.query(Contact).one().note == ""
        # Rows, dates and statuses stay for the statistics.
        assert db.session.get(Case, w.case_id).stage == "enrolled"
        assert db.session.get(Plan, w.plan_id).signed


def test_the_plugin_declares_its_person_linked_tables():
    from mosty_animator import plugin

    assert {"animator_goal", "animator_action", "animator_agreement",
            "animator_plan"} <= set(plugin.PERSONAL_TABLES)


def test_the_partnership_report_page_shows_the_animator_sections(w, factory):
    coordinator = factory.staff(w.fundacja, roles=("coordinator",))
    today = dates.today()
    page = client_of(w, coordinator).get(
        f"/{w.p.slug}/reports/?preset=custom&start={(today - timedelta(days=60)).isoformat()}"
        f"&end={today.isoformat()}&variant=internal")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Families with a signed work plan" in text
    assert "outcomes of the families by county and sex" in text


@pytest.mark.postgres
def test_numbers_beyond_a_database_integer_are_404_and_bad_form_numbers_a_message(pg_app):
    """PostgreSQL refuses such a number in a query; the pages answer before asking it."""
    w = build(pg_app, RegistryFactory(pg_app))
    client = client_of(w, w.animator)
    for method, path in (("get", "families/{big}"), ("get", "families/{big}/plan"),
                         ("get", "requests/{big}"), ("get", "advisor/families/{big}"),
                         ("post", "actions/{big}/status"), ("post", "goals/{big}/actions")):
        response = getattr(client, method)(f"/{w.p.slug}/animator/" + path.format(big=2**31))
        assert response.status_code == 404, path
    response = client.post(f"/{w.p.slug}/animator/leads/new",
                           data={"family_id": str(10**20)}, follow_redirects=True)
    assert response.status_code == 422
    assert "Choose one of the options offered." in response.get_data(as_text=True)
