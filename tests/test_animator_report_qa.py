# ruff: noqa: F811 - the imported fixture `w` is named as a test parameter
"""The animator's figures after the rural end-to-end QA: the report counts plans signed in its
period and people (not outcomes) by county and sex, names institution kinds in words; a
corrected diagnosis summary does not move the family into another period; an action the
institution has completed can no longer be cancelled; the eligibility verdict is dated on
the assessment's day; the dashboard's "so far" counts no job that has not started yet."""

from datetime import timedelta

from sqlalchemy import update

from mosty import dates
from mosty.enrollment.eligibility import evaluated_on
from mosty.extensions import db
from mosty.outcomes.models import Outcome
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope
from mosty_animator import hooks, service, transitions
from mosty_animator.models import Action, Case, Plan
from test_animator_pages import w  # noqa: F401

TODAY = dates.today()


def report_rows(w, start, end):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        from flask import session

        session["locale"] = "en"
        section, outcomes = hooks.report_sections(start, end)
        return ({str(label): value for label, value in section.rows},
                [tuple(str(c) for c in row) for row in outcomes.rows])


def test_a_plan_counts_in_the_period_it_was_signed_in_only(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        db.session.execute(update(Plan).where(Plan.id == w.plan_id).values(
            family_signed_on=TODAY - timedelta(days=200),
            animator_signed_on=TODAY - timedelta(days=190)))
        db.session.commit()
    now, _ = report_rows(w, TODAY - timedelta(days=60), TODAY)
    assert now["Families with a signed work plan"] == 0
    then, _ = report_rows(w, TODAY - timedelta(days=195), TODAY - timedelta(days=100))
    assert then["Families with a signed work plan"] == 1  # the later signature falls in it
    before, _ = report_rows(w, TODAY - timedelta(days=400), TODAY - timedelta(days=196))
    assert before["Families with a signed work plan"] == 0  # only the family had signed


def test_the_outcomes_section_counts_people_and_kinds_are_named(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        for employer in ("Agro Łobez", "Tartak Bobolice"):
            db.session.add(Outcome(participant_id=w.parent.id, institution_id=w.pup.id,
                                   kind="job_started", occurred_on=TODAY, employer=employer))
        db.session.commit()
    rows, outcomes = report_rows(w, TODAY - timedelta(days=60), TODAY)
    [row] = outcomes
    assert row[-1] == "1"  # one man, two jobs: one person
    kinds = [label for label in rows if label.startswith("Agreements with institutions of kind")]
    assert kinds and all("labour_office" not in label for label in kinds)


def test_a_corrected_summary_keeps_the_day_of_the_diagnosis(w):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        transitions.record_summary(case, strengths="Zgrana rodzina", barriers_summary="Dojazd",
                                   on=TODAY - timedelta(days=20))
        db.session.commit()
        transitions.record_summary(case, strengths="Zgrana rodzina.", barriers_summary="Dojazd")
        db.session.commit()
        assert db.session.get(Case, w.case_id).diagnosed_on == TODAY - timedelta(days=20)


def test_an_action_the_institution_completed_cannot_be_cancelled(w):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        action = db.session.scalars(db.select(Action).where(Action.what == "Kurs spawacza")).one()
        referral_id = action.agreement.referral.id
        db.session.execute(update(Referral).where(Referral.id == referral_id)
                           .values(status="completed"))
        db.session.commit()
        db.session.expire_all()
        action = db.session.get(Action, action.id)
        assert action.effective_status == "done"
        try:
            transitions.cancel_action(action)
        except transitions.Refused:
            pass
        else:
            raise AssertionError("a completed action was cancelled")
        assert db.session.get(Action, action.id).status != "cancelled"


def test_the_verdict_is_dated_on_the_assessment_day(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        case = db.session.get(Case, w.case_id)
        assert evaluated_on(case.eligibility) == TODAY - timedelta(days=29)


def test_the_dashboard_counts_no_job_that_has_not_started(w):
    with w.app.test_request_context(), partnership_scope(w.p.id):
        db.session.add_all([
            Outcome(participant_id=w.parent.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=TODAY),
            Outcome(participant_id=w.parent.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=TODAY + timedelta(days=30)),  # a hire starting next month
        ])
        db.session.commit()
        figures = service.dashboard(w.fundacja.id, w.animator.id)
        assert figures["jobs_started"] == 1


def test_the_printed_plan_names_cancelled_actions_and_an_overdue_review(w):
    from test_animator_world import client_of

    with w.app.test_request_context(), partnership_scope(w.p.id):
        action = db.session.scalars(db.select(Action).where(
            Action.what == "Rejestracja w PUP")).one()
        transitions.cancel_action(action)
        db.session.execute(update(Plan).where(Plan.id == w.plan_id).values(
            next_review_on=TODAY - timedelta(days=2)))
        db.session.commit()
    client = client_of(w, w.animator)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    text = client.get(f"/{w.p.slug}/animator/families/{w.family.id}/plan/print").get_data(
        as_text=True)
    assert "anulowane" in text
    assert "Spotkamy się, żeby znów popatrzeć na plan" not in text
    assert "Wkrótce spotkamy się" in text
