"""QA findings of December on the labour office: an offer filled beyond its vacancies, a
benefit ending before the registration on the details form, and the offer form's part-time
hours and employer choice."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from mosty import dates
from mosty.extensions import db
from mosty.outcomes.models import Outcome
from mosty.tenancy import partnership_scope
from mosty_labour.offers import transitions
from mosty_labour.offers.models import Candidate, JobOffer
from mosty_labour.offers.transitions import OfferRefused
from mosty_labour.registration.models import LabourRegistration
from mosty_labour.registration.transitions import RegistrationRefused, update_details
from test_labour_offers import WAWRZENCZYCE, build, offer, offer_form, person
from test_labour_registration import D, client_of, in_a, labour_world, register, url

FULL = "Wszystkie wolne miejsca w tej ofercie są już obsadzone"


@pytest.fixture
def world(app, factory):
    return build(app, factory)


def refer(world, client, offer_id, someone):
    assert client.post(f"/praca/labour/offers/{offer_id}/candidates",
                       data={"participant": someone.id}).status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.scalar(select(Candidate.id).where(
            Candidate.participant_id == someone.id, Candidate.offer_id == offer_id))


def hire(client, candidate_id, start=None):
    return client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                       data={f"h{candidate_id}-start_date": (start or dates.today()).isoformat()})


def state(world, offer_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        statuses = sorted(db.session.scalars(select(Candidate.status).where(
            Candidate.offer_id == offer_id)))
        outcomes = db.session.scalar(select(func.count(Outcome.id)))
        return o.status, o.vacancies, statuses, outcomes


# --- 1. an offer is not filled beyond its vacancies ---------------------------------------------


def test_a_hire_beyond_the_vacancies_is_refused_with_what_to_do(world, client, login_as):
    first = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    second = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=1)
    login_as(client, world.clerk)
    first_id = refer(world, client, offer_id, first)
    second_id = refer(world, client, offer_id, second)  # both put forward while open

    assert hire(client, first_id).status_code == 302
    assert state(world, offer_id) == ("filled", 1, ["hired", "referred"], 1)

    refused = hire(client, second_id)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"{FULL} (1 z 1)" in html
    assert "najpierw zwiększ liczbę wolnych miejsc w ofercie" in html
    # Nothing more saved: no second hire, no second "job started" outcome.
    assert state(world, offer_id) == ("filled", 1, ["hired", "referred"], 1)

    page = client.get(f"/praca/labour/offers/{offer_id}").get_data(as_text=True)
    assert "zatrudniono 1 z 1" in page
    # The hire action is gone for the one still waiting; "not hired" can still be recorded.
    assert f"/offers/candidates/{second_id}/hired" not in page
    assert f'id="hire-{second_id}-full"' in page
    assert "Wszystkie wolne miejsca są obsadzone." in page
    assert f"/offers/candidates/{second_id}/not-hired" in page
    assert client.post(f"/praca/labour/offers/candidates/{second_id}/not-hired",
                       data={f"n{second_id}-reason": "Miejsce zajęte"}).status_code == 302


def test_raising_the_vacancies_first_lets_the_next_hire_through(world, client, login_as):
    first = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    second = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=1)
    login_as(client, world.clerk)
    first_id = refer(world, client, offer_id, first)
    second_id = refer(world, client, offer_id, second)
    assert hire(client, first_id).status_code == 302
    assert hire(client, second_id).status_code == 422

    assert client.post(f"/praca/labour/offers/{offer_id}/edit",
                       data=offer_form(world, vacancies="2")).status_code == 302
    page = client.get(f"/praca/labour/offers/{offer_id}").get_data(as_text=True)
    assert f"/offers/candidates/{second_id}/hired" in page  # room again: the form is back
    assert hire(client, second_id).status_code == 302
    assert state(world, offer_id) == ("filled", 2, ["hired", "hired"], 2)
    assert "zatrudniono 2 z 2" in client.get(
        f"/praca/labour/offers/{offer_id}").get_data(as_text=True)


def test_a_closed_offer_with_a_place_left_still_takes_the_employers_hire(world, client,
                                                                         login_as):
    """Only the places count: an offer closed while someone was with the employer still
    records that person's hire when a place is left."""
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=2)
    login_as(client, world.clerk)
    candidate_id = refer(world, client, offer_id, someone)
    with world.app.app_context(), partnership_scope(world.p.id):
        transitions.close_offer(db.session.get(JobOffer, offer_id), actor_id=world.clerk.id,
                                institution_id=world.office.id)
        db.session.commit()
    assert hire(client, candidate_id).status_code == 302
    assert state(world, offer_id) == ("closed", 2, ["hired"], 1)


def test_two_clerks_hiring_for_the_last_place_at_once_record_one_hire(world, client, login_as,
                                                                      monkeypatch):
    """The offer's row is locked (FOR UPDATE) before the hires are counted: on PostgreSQL the
    second clerk waits there until the first one's hire is committed, then counts it. Here the
    first clerk's hire lands while the second waits for the lock."""
    first = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    second = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=1)
    login_as(client, world.clerk)
    first_id = refer(world, client, offer_id, first)
    second_id = refer(world, client, offer_id, second)

    locks = []
    real_execute = db.session.execute

    def execute(statement, *args, **kwargs):
        if getattr(statement, "_for_update_arg", None) is not None:
            locks.append(str(statement))
            # The other clerk's hire, committed while this request waited for the row.
            real_execute(update(Candidate).where(Candidate.id == first_id)
                         .values(status="hired").execution_options(synchronize_session=False))
        return real_execute(statement, *args, **kwargs)

    with world.app.test_request_context(), partnership_scope(world.p.id):
        candidate = db.session.get(Candidate, second_id)
        monkeypatch.setattr(db.session, "execute", execute)
        with pytest.raises(OfferRefused) as refused:
            transitions.hire_candidate(candidate, start_date=dates.today(),
                                       institution_id=world.office.id, actor_id=world.clerk.id)
        monkeypatch.undo()
        assert "(1 of 1)" in str(refused.value) or "(1 z 1)" in str(refused.value)
        assert any("labour_offer" in sql for sql in locks)
        assert db.session.get(Candidate, second_id).status == "referred"
        assert db.session.scalar(select(func.count(Outcome.id))) == 0
        db.session.rollback()


def test_an_offer_already_filled_beyond_its_vacancies_keeps_its_hires(world, client, login_as):
    """Offers saved before the rule (2 hired of 1) lose nothing: both hires and outcomes stay,
    the page shows them, and no hire form is offered."""
    people = [person(world, WAWRZENCZYCE, skills=["obsługa klienta"]) for _ in range(3)]
    offer_id = offer(world, vacancies=1)
    login_as(client, world.clerk)
    ids = [refer(world, client, offer_id, someone) for someone in people]
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.execute(update(Candidate).where(Candidate.id.in_(ids[:2]))
                           .values(status="hired", start_date=dates.today()))
        db.session.commit()

    page = client.get(f"/praca/labour/offers/{offer_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "zatrudniono 2 z 1" in html
    assert f"/offers/candidates/{ids[2]}/hired" not in html
    assert hire(client, ids[2]).status_code == 422
    with world.app.app_context(), partnership_scope(world.p.id):
        assert sorted(db.session.scalars(select(Candidate.status))) == [
            "hired", "hired", "referred"]


# --- 3. the offer form: part-time hours, one employer ------------------------------------------


def test_part_time_with_full_time_hours_is_refused_at_the_field(world, client, login_as):
    login_as(client, world.clerk)
    response = client.post("/praca/labour/offers/new",
                           data=offer_form(world, part_time="y", hours_per_week="40"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = ("Oferta w niepełnym wymiarze czasu pracy ma mniej niż 40 godzin tygodniowo: "
               "zmniejsz liczbę godzin albo odznacz niepełny wymiar.")
    assert message in html
    # At the part-time box, not only at the top of the page.
    assert html.index('name="part_time"') < html.index(message) < html.index(
        'name="flexible_hours"')
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []

    assert client.post("/praca/labour/offers/new", data=offer_form(
        world, part_time="y", hours_per_week="39")).status_code == 302
    assert client.post("/praca/labour/offers/new", data=offer_form(
        world, position="Kierowca", hours_per_week="40")).status_code == 302  # full time


def test_part_time_with_full_time_hours_is_refused_when_editing_too(world, client, login_as):
    offer_id = offer(world)
    login_as(client, world.clerk)
    response = client.post(f"/praca/labour/offers/{offer_id}/edit",
                           data=offer_form(world, part_time="y", hours_per_week="45"))
    assert response.status_code == 422
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(JobOffer, offer_id).part_time is False


def test_a_partner_employer_and_a_typed_name_together_are_refused(world, client, login_as):
    login_as(client, world.clerk)
    response = client.post("/praca/labour/offers/new",
                           data=offer_form(world, employer_name="Sklep u Zenka"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("Wybierz pracodawcę z partnerstwa albo wpisz nazwę innego, nie oba naraz: wpisana "
            "nazwa nie zostałaby zapisana.") in html
    assert "Sklep u Zenka" in html  # the form comes back as typed
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []

    # Either one alone is saved.
    assert client.post("/praca/labour/offers/new", data=offer_form(
        world, employer_id="", employer_name="Sklep u Zenka")).status_code == 302
    assert client.post("/praca/labour/offers/new", data=offer_form(
        world, employer_name="  ")).status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        assert sorted((o.employer_id is not None, o.employer_name) for o in db.session.scalars(
            select(JobOffer))) == [(False, "Sklep u Zenka"), (True, "")]


# --- 2. the benefit does not end before the registration --------------------------------------


@pytest.fixture
def labour(app, factory):
    return labour_world(app, factory)


def test_the_details_form_refuses_a_benefit_ending_before_the_registration(labour):
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    response = client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y", "benefit_until": "2020-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    message = "The benefit cannot end before the registration (Mar 1, 2024)."
    assert message in html
    # At the field (the import's rule and message), the date as typed.
    assert html.index('name="benefit_until"') < html.index(message)
    assert "2020-01-01" in html
    with in_a(labour) as session:
        registration = session.scalar(select(LabourRegistration))
        assert (registration.case_no, registration.benefit_until) == ("CAZ/2024/117", None)
    # The registration's first day itself is fine.
    assert client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y",
        "benefit_until": "2024-03-01"}).status_code == 302


def test_the_message_is_polish_for_a_polish_clerk(labour):
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    with client.session_transaction() as session:
        session["locale"] = "pl"
    response = client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y", "benefit_until": "2020-01-01"})
    assert response.status_code == 422
    assert ("Zasiłek nie może się skończyć przed rejestracją (1 mar 2024)."
            in response.get_data(as_text=True))


def test_the_transition_refuses_it_for_every_caller(labour):
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    with labour.app.test_request_context(), partnership_scope(labour.p.id):
        registration = db.session.scalar(select(LabourRegistration))
        with pytest.raises(RegistrationRefused) as refused:
            update_details(registration, office_id=labour.gup.id, actor_id=labour.gup_clerk.id,
                           case_no="CAZ/9", benefit_entitled=True, benefit_until=D(2024, 2, 29))
        assert "before the registration" in str(refused.value) or (
            "przed rejestracją" in str(refused.value))
        db.session.rollback()


def test_a_status_change_does_not_move_the_registration_start(labour):
    """Unemployed → job seeker closes one period and opens the next the same day: the person
    stays registered since the first day, so a benefit ending between the two is accepted."""
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    assert client.post(url(labour, "status"), data={
        "status": "job_seeker", "on": "2024-06-03"}).status_code == 302
    assert client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y",
        "benefit_until": "2024-05-31"}).status_code == 302
    refused = client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y", "benefit_until": "2024-02-28"})
    assert refused.status_code == 422
    assert "(Mar 1, 2024)" in refused.get_data(as_text=True)


def test_a_re_registration_counts_from_its_own_start(labour):
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    assert client.post(url(labour, "deregister"), data={
        "reason": "employment", "on": "2024-09-02"}).status_code == 302
    assert register(labour, client, registered_on="2025-01-02").status_code == 302
    refused = client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y", "benefit_until": "2024-12-31"})
    assert refused.status_code == 422
    assert "(Jan 2, 2025)" in refused.get_data(as_text=True)


def test_a_date_saved_before_the_rule_does_not_block_other_changes(labour):
    """Nothing saved is lost: a file whose benefit end already lies before the registration
    (saved before this rule) still takes a new case number, keeping the date."""
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    with in_a(labour) as session:
        session.execute(update(LabourRegistration).values(benefit_entitled=True,
                                                          benefit_until=D(2020, 1, 1)))
        session.commit()
    assert client.post(url(labour, "details"), data={
        "case_no": "CAZ/10", "benefit_entitled": "y",
        "benefit_until": "2020-01-01"}).status_code == 302
    with in_a(labour) as session:
        registration = session.scalar(select(LabourRegistration))
        assert (registration.case_no, registration.benefit_until) == ("CAZ/10", D(2020, 1, 1))


def test_a_benefit_end_ahead_is_still_accepted(labour):
    client = client_of(labour, labour.gup_clerk)
    assert register(labour, client, registered_on="2024-03-01").status_code == 302
    ahead = dates.today() + timedelta(days=100)
    assert client.post(url(labour, "details"), data={
        "case_no": "CAZ/9", "benefit_entitled": "y",
        "benefit_until": ahead.isoformat()}).status_code == 302
