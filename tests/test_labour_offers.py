"""Labour office job offers: matching (locality, care, skills, consent), candidates put forward
to employers, hires and their audit, and who may write."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.outcomes.models import Outcome
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope
from mosty_labour.offers import service, transitions
from mosty_labour.offers.models import Candidate, JobOffer, Skill

WAWRZENCZYCE, LUBORZYCA, KRAKOW = "1206032", "1206062", "1261011"


def switch_on(app, partnership, grants):
    with app.app_context(), partnership_scope(partnership.id):
        db.session.add(PartnershipModule(module_key="labour", enabled=True))
        for role, access in grants.items():
            db.session.add(ModuleGrant(module_key="labour", role=role, access=access))
        db.session.commit()


@pytest.fixture
def world(app, factory):
    return build(app, factory)


def build(app, factory):
    f = factory
    p = f.partnership(slug="praca", territory=(("1261", "Kraków"), ("1206", "powiat krakowski")))
    office = f.institution(p, name="Urząd Pracy Powiatu", kind="labour_office", teryt="1206")
    mops = f.institution(p, name="GOPS Igołomia", kind="ops", teryt=WAWRZENCZYCE)
    employer = f.institution(p, name="Piekarnia Sp. z o.o.", kind="employer")
    clerk = f.staff(office, roles=("caseworker", "labour_clerk"))
    caseworker = f.staff(mops, roles=("caseworker",))
    switch_on(app, p, {"labour_clerk": "write", "caseworker": "read"})
    return SimpleNamespace(app=app, f=f, p=p, office=office, mops=mops, employer=employer,
                           clerk=clerk, caseworker=caseworker)


def person(world, teryt, skills=(), consent=True, carer_of=None, **fields):
    """A person registered by the welfare centre, with a consent naming the labour office."""
    p = world.f.participant(world.mops, actual_teryt=teryt, registered_teryt=teryt, **fields)
    if consent:
        world.f.consent(p, [world.office], purposes=("support", "referral"))
    with world.app.app_context(), partnership_scope(world.p.id):
        for name in skills:
            db.session.add(Skill(participant_id=p.id, name=name, institution_id=world.office.id))
        if carer_of:
            dependant = Dependant(first_name="Zosia", birth_year=2022, dependant_type=carer_of)
            db.session.add(CareRelation(carer_id=p.id, dependant=dependant, hours_per_week=30))
        db.session.commit()
    return p


def offer(world, commune=WAWRZENCZYCE, requirements=("obsługa klienta",), vacancies=1,
          **flags):
    values = dict(position="Sprzedawca", employer_id=world.employer.id, employer_name="",
                  commune_teryt=commune, locality="", hours_per_week=40,
                  contract_type="employment", requirements=list(requirements),
                  part_time=False, flexible_hours=False, remote=False, vacancies=vacancies,
                  description="", posted_on=dates.today())
    values.update(flags)
    with world.app.app_context(), partnership_scope(world.p.id):
        o = transitions.create_offer(institution_id=world.office.id, actor_id=world.clerk.id,
                                     values=values)
        db.session.commit()
        return o.id


def suggested(world, offer_id):
    """{participant id: [sentences]} of the suggestions the labour office gets."""
    with world.app.test_request_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        return {s.participant.id: s.sentences for s in service.suggestions(o, world.office.id)}


def test_matching_respects_locality_and_care_constraints_and_explains_each_suggestion(world):
    here = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    county = person(world, LUBORZYCA, skills=["obsługa klienta", "prawo jazdy kat. b"])
    city = person(world, KRAKOW, skills=["obsługa klienta"])
    carer = person(world, WAWRZENCZYCE, skills=["obsługa klienta"], carer_of="child_under_7")
    unskilled = person(world, WAWRZENCZYCE, skills=["spawanie"])

    full_time = suggested(world, offer(world))
    assert set(full_time) == {here.id, county.id}  # not the other county, the carer, nor unskilled
    assert "mieszka w tej samej gminie" in full_time[here.id]
    assert "mieszka w tym samym powiecie" in full_time[county.id]
    assert "ma wszystkie wymagane umiejętności: obsługa klienta" in full_time[here.id]
    # Same commune ranks before same county.
    assert list(full_time) == [here.id, county.id]

    part_time = suggested(world, offer(world, part_time=True))
    assert carer.id in part_time
    assert ("oferta w niepełnym wymiarze — opiekuje się dzieckiem do lat 7"
            in part_time[carer.id])

    remote = suggested(world, offer(world, remote=True))
    assert set(remote) == {here.id, county.id, city.id, carer.id}
    assert "praca zdalna: miejsce zamieszkania nie ma znaczenia" in remote[city.id]
    assert unskilled.id not in remote


def test_partial_skills_are_counted_and_named(world):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa kasy fiskalnej"])
    found = suggested(world, offer(world, requirements=("obsługa kasy fiskalnej", "prawo jazdy")))
    assert "ma 1 z 2 wymaganych umiejętności: obsługa kasy fiskalnej" in found[someone.id]


def test_a_person_without_consent_for_the_labour_office_never_appears(world, client, login_as):
    consented = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    no_consent = person(world, WAWRZENCZYCE, skills=["obsługa klienta"], consent=False)
    elsewhere = person(world, WAWRZENCZYCE, skills=["obsługa klienta"], consent=False)
    world.f.consent(elsewhere, [world.employer])  # a consent naming someone else
    withdrawn = person(world, WAWRZENCZYCE, skills=["obsługa klienta"], consent=False)
    world.f.consent(withdrawn, [world.office], withdrawn_on=dates.today() - timedelta(days=1))
    # An accepted referral lets the office see the record, but not pass it to an employer.
    referred = person(world, WAWRZENCZYCE, skills=["obsługa klienta"], consent=False)
    world.f.referral(referred, world.mops, world.office, status="accepted")
    restricted = person(world, WAWRZENCZYCE, skills=["obsługa klienta"],
                        processing_restricted=True)
    offer_id = offer(world, remote=True, part_time=True)

    assert set(suggested(world, offer_id)) == {consented.id}
    login_as(client, world.clerk)
    page = client.get(f"/praca/labour/offers/{offer_id}").get_data(as_text=True)
    assert consented.full_name in page
    for hidden in (no_consent, elsewhere, withdrawn, referred, restricted):
        assert hidden.full_name not in page
        response = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                               data={"participant": hidden.id})
        assert response.status_code == 422
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(Candidate)).all() == []


def audit_of(world, object_type, object_id):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [(e.action, e.detail.get("to")) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == object_type,
                                     AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id))]


def test_candidate_referral_and_hire_transitions_with_audit_entries(world, client, login_as):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=1)
    login_as(client, world.clerk)

    response = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                           data={"participant": someone.id})
    assert response.status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate = db.session.scalars(select(Candidate)).one()
        candidate_id = candidate.id
        assert candidate.status == "referred"
        assert {"code": "same_commune"} in candidate.reasons
    assert audit_of(world, "Candidate", candidate_id) == [("create", None)]
    # Put forward twice: refused, and nothing more is written.
    again = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                        data={"participant": someone.id})
    assert again.status_code == 422

    bad = client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                      data={f"h{candidate_id}-start_date": "jutro"})
    assert bad.status_code == 422 and "RRRR-MM-DD" in bad.get_data(as_text=True)
    start = dates.today() + timedelta(days=14)
    response = client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                           data={f"h{candidate_id}-start_date": start.isoformat()})
    assert response.status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate = db.session.get(Candidate, candidate_id)
        assert (candidate.status, candidate.start_date) == ("hired", start)
        outcome = db.session.get(Outcome, candidate.outcome_id)
        assert (outcome.kind, outcome.occurred_on, outcome.employer) == (
            "job_started", start, "Piekarnia Sp. z o.o.")
        assert db.session.get(JobOffer, offer_id).status == "filled"
    assert audit_of(world, "Candidate", candidate_id) == [("create", None),
                                                          ("transition", "hired")]
    assert audit_of(world, "JobOffer", offer_id)[-1] == ("transition", "filled")
    assert audit_of(world, "Outcome", outcome.id) == [("create", None)]

    # The answer is recorded once.
    twice = client.post(f"/praca/labour/offers/candidates/{candidate_id}/not-hired",
                        data={f"n{candidate_id}-reason": "Zmiana decyzji"})
    assert twice.status_code == 422
    assert "już zapisana" in twice.get_data(as_text=True)


def test_not_hired_needs_a_reason(world, client, login_as):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate_id = db.session.scalars(select(Candidate.id)).one()
    empty = client.post(f"/praca/labour/offers/candidates/{candidate_id}/not-hired",
                        data={f"n{candidate_id}-reason": "  "})
    assert empty.status_code == 422
    done = client.post(f"/praca/labour/offers/candidates/{candidate_id}/not-hired",
                       data={f"n{candidate_id}-reason": "Brak doświadczenia"})
    assert done.status_code == 302
    assert audit_of(world, "Candidate", candidate_id)[-1] == ("transition", "not_hired")
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Candidate, candidate_id).status == "not_hired"
        assert db.session.scalars(select(Outcome)).all() == []


def test_only_labour_clerks_write(world, client, login_as, app):
    offer_id = offer(world)
    form = {"position": "Kierowca", "employer_name": "Transbud", "commune_teryt": KRAKOW,
            "hours_per_week": "40", "contract_type": "employment", "vacancies": "1",
            "posted_on": dates.today().isoformat()}
    # A caseworker reads the offers and gets 403 on every write.
    login_as(client, world.caseworker)
    assert "Sprzedawca" in client.get("/praca/labour/offers/").get_data(as_text=True)
    assert client.get(f"/praca/labour/offers/{offer_id}").status_code == 200
    assert client.get("/praca/labour/offers/new").status_code == 403
    assert client.post("/praca/labour/offers/new", data=form).status_code == 403
    assert client.post(f"/praca/labour/offers/{offer_id}/close").status_code == 403
    # Even with write access to the module, a member who is not a labour clerk cannot write.
    with app.app_context(), partnership_scope(world.p.id):
        grant = db.session.scalar(select(ModuleGrant).where(ModuleGrant.role == "caseworker"))
        grant.access = "write"
        db.session.commit()
    assert client.post("/praca/labour/offers/new", data=form).status_code == 403
    assert client.post(f"/praca/labour/offers/{offer_id}/close").status_code == 403
    login_as(client, world.clerk)
    assert client.post("/praca/labour/offers/new", data=form).status_code == 302
    with app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(JobOffer).where(JobOffer.position == "Kierowca"))


def test_bad_offer_input_gets_polish_messages_and_nothing_is_saved(world, client, login_as):
    login_as(client, world.clerk)
    response = client.post("/praca/labour/offers/new", data={
        "position": "", "commune_teryt": "12", "hours_per_week": "dużo",
        "contract_type": "employment", "vacancies": "0", "posted_on": "wczoraj"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Podaj stanowisko." in html
    assert "7-cyfrowy kod TERYT" in html
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []


def test_skills_are_recorded_normalised_by_the_clerk(world, client, login_as):
    someone = person(world, WAWRZENCZYCE)
    login_as(client, world.clerk)
    response = client.post(f"/praca/labour/skills?participant={someone.id}",
                           data={"skills": "Obsługa  Klienta, prawo jazdy kat. B\nobsługa klienta"})
    assert response.status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        assert sorted(db.session.scalars(select(Skill.name))) == ["obsługa klienta",
                                                                  "prawo jazdy kat. b"]
    # The welfare centre that registered the person reads the list but cannot change it.
    login_as(client, world.caseworker)
    page = client.get(f"/praca/labour/skills?participant={someone.id}")
    assert page.status_code == 200 and "prawo jazdy kat. b" in page.get_data(as_text=True)
    assert client.post(f"/praca/labour/skills?participant={someone.id}",
                       data={"skills": "spawanie"}).status_code == 403
    # An institution that does not see the person: 404.
    stranger = world.f.staff(world.employer, roles=("caseworker",))
    login_as(client, stranger)
    assert client.get(f"/praca/labour/skills?participant={someone.id}").status_code == 404


def test_bad_skills_input_gets_a_message_never_a_server_error(any_app):
    """Were 500s on PostgreSQL: a NUL in the skills (the database refuses it) and a person or a
    skill to remove named by an id no row can have."""
    from mosty.testing.factories import RegistryFactory, login

    world = build(any_app, RegistryFactory(any_app))
    someone = person(world, WAWRZENCZYCE, skills=["spawanie"])
    client = login(any_app.test_client(), world.clerk)
    url = f"/praca/labour/skills?participant={someone.id}"
    for n in ("99999999999999999999", str(2**31)):
        assert client.get(f"/praca/labour/skills?participant={n}").status_code == 404
        response = client.post(url, data={"remove": n})
        assert response.status_code == 422  # no skill of that id: the add form, empty
    response = client.post(url, data={"skills": "obsługa\x00klienta"})
    assert response.status_code == 422
    assert "niedozwolone znaki" in response.get_data(as_text=True)
    with any_app.app_context(), partnership_scope(world.p.id):
        assert list(db.session.scalars(select(Skill.name))) == ["spawanie"]


def test_participant_page_shows_the_hire_in_the_panel_and_timeline(world, client, login_as):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate_id = db.session.scalars(select(Candidate.id)).one()
    client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                data={f"h{candidate_id}-start_date": dates.today().isoformat()})
    html = client.get(f"/praca/participants/{someone.id}/").get_data(as_text=True)
    assert "Oferty pracy i umiejętności" in html
    assert "Zgłoszony do oferty pracy" in html
    assert "Zatrudniony z oferty pracy" in html


def test_module_off_answers_404(app, client, factory, login_as):
    p = factory.partnership(slug="bez")
    office = factory.institution(p, kind="labour_office")
    clerk = factory.staff(office, roles=("caseworker", "labour_clerk"))
    login_as(client, clerk)
    assert client.get("/bez/labour/offers/").status_code == 404
    assert client.post("/bez/labour/offers/new", data={}).status_code == 404
    assert client.get("/bez/labour/skills?participant=1").status_code == 404


def test_processing_restricted_column_is_what_matching_checks():
    # Matching refuses people by the registry's restriction flag, not by a copy of it.
    assert "processing_restricted" in str(service.may_be_matched(1).compile())
    assert Participant.processing_restricted is not None


def test_access_export_lists_skills_and_candidacies_and_anonymisation_blanks_them(world):
    from mosty_labour.offers import hooks

    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    with world.app.test_request_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        candidate = transitions.refer_candidate(o, someone.id, institution_id=world.office.id,
                                                actor_id=world.clerk.id)
        transitions.reject_candidate(candidate, reason="Brak prawa jazdy",
                                     institution_id=world.office.id, actor_id=world.clerk.id)
        db.session.commit()
        participant = db.session.get(Participant, someone.id)
        skills, candidacies = hooks.personal_data(participant)
        # Labels as the Polish export shows them (translated, codes named).
        assert [r["Umiejętność"] for r in skills.records] == ["obsługa klienta"]
        (record,) = candidacies.records
        assert record["Status"] == "niezatrudniony"
        assert record["Powód niezatrudnienia"] == "Brak prawa jazdy"
        assert "mieszka w tej samej gminie" in record["Dlaczego zgłoszono tę osobę"]

        hooks.anonymise_participant(participant)
        db.session.commit()
        assert db.session.scalars(select(Skill)).all() == []
        kept = db.session.scalars(select(Candidate)).one()
        assert (kept.status, kept.not_hired_reason) == ("not_hired", "")


def test_clerk_edits_closes_and_reopens_an_offer_with_audit(world, client, login_as):
    offer_id = offer(world, requirements=("obsługa klienta", "prawo jazdy kat. b"))
    login_as(client, world.clerk)
    form = client.get(f"/praca/labour/offers/{offer_id}/edit").get_data(as_text=True)
    assert "obsługa klienta, prawo jazdy kat. b" in form
    response = client.post(f"/praca/labour/offers/{offer_id}/edit", data={
        "position": "Sprzedawca-kasjer", "employer_id": str(world.employer.id),
        "commune_teryt": WAWRZENCZYCE, "hours_per_week": "30", "contract_type": "employment",
        "requirements": "Obsługa kasy fiskalnej", "part_time": "y", "vacancies": "2",
        "posted_on": dates.today().isoformat()})
    assert response.status_code == 302
    assert client.post(f"/praca/labour/offers/{offer_id}/close").status_code == 302
    closed = client.get(f"/praca/labour/offers/{offer_id}").get_data(as_text=True)
    assert "Otwórz ofertę ponownie" in closed and "Proponowane osoby" not in closed
    assert client.post(f"/praca/labour/offers/{offer_id}/close").status_code == 422
    assert client.post(f"/praca/labour/offers/{offer_id}/reopen").status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        assert (o.position, o.hours_per_week, o.part_time, o.requirements, o.status) == (
            "Sprzedawca-kasjer", 30, True, ["obsługa kasy fiskalnej"], "open")
    assert [a for a in audit_of(world, "JobOffer", offer_id)] == [
        ("create", None), ("update", None), ("transition", "closed"), ("transition", "open")]


def test_a_hire_is_refused_once_processing_of_the_person_is_restricted(world, client, login_as):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate_id = db.session.scalars(select(Candidate.id)).one()
        db.session.get(Participant, someone.id).processing_restricted = True
        db.session.commit()
    response = client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                           data={f"h{candidate_id}-start_date": dates.today().isoformat()})
    assert response.status_code == 422
    assert "ograniczone" in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Candidate, candidate_id).status == "referred"
        assert db.session.scalars(select(Outcome)).all() == []


def test_two_answers_at_once_record_one_and_refuse_the_other(world, client, login_as):
    """A double click on "hired" (or two clerks): the second request still holds the candidate
    it read as "referred" when the first answer lands; it is refused, and the registry gets one
    "job started" outcome, not two."""
    from sqlalchemy import func, update

    from mosty_labour.offers.transitions import OfferRefused

    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=2)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.test_request_context(), partnership_scope(world.p.id):
        candidate = db.session.scalars(select(Candidate)).one()
        assert candidate.status == "referred"
        # The first answer, written by the other request while this one has the row loaded.
        db.session.execute(update(Candidate).where(Candidate.id == candidate.id)
                           .values(status="hired").execution_options(synchronize_session=False))
        with pytest.raises(OfferRefused):
            transitions.hire_candidate(candidate, start_date=dates.today(),
                                       institution_id=world.office.id, actor_id=world.clerk.id)
        assert db.session.scalar(select(func.count(Outcome.id))) == 0
        db.session.rollback()


def test_the_same_person_put_forward_twice_at_once_gets_a_message(world, client, login_as,
                                                                   monkeypatch):
    """Two clerks put the same person forward at the same moment: both found them among the
    suggestions; the database keeps one candidacy and the second clerk reads why."""
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.test_request_context(), partnership_scope(world.p.id):
        found = [SimpleNamespace(participant=db.session.get(Participant, someone.id),
                                 reasons=[])]
    # What the second clerk's request saw before the first one committed.
    monkeypatch.setattr(service, "suggestions", lambda *args, **kwargs: found)
    response = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                           data={"participant": someone.id})
    assert response.status_code == 409
    assert "w tej samej chwili" in response.get_data(as_text=True) or (
        "at the same moment" in response.get_data(as_text=True))
    with world.app.app_context(), partnership_scope(world.p.id):
        assert len(db.session.scalars(select(Candidate)).all()) == 1


@pytest.mark.parametrize("value", [str(10**20), "٣", "1\n"])
def test_a_person_id_that_names_nobody_is_a_message(world, client, login_as, value):
    offer_id = offer(world)
    login_as(client, world.clerk)
    response = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                           data={"participant": value})
    assert response.status_code == 422
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(Candidate)).all() == []


def test_the_offer_list_pages_keep_the_chosen_tab(world, client, login_as):
    # The shared pager (macros.html) keeps a list's filters in its links.
    for number in range(26):
        offer(world, description=f"Oferta {number}")  # the same offer twice is refused
    login_as(client, world.clerk)
    first = client.get(f"/{world.p.slug}/labour/offers/?status=all").get_data(as_text=True)
    assert "1–25 of 26" in first or "1–25 z 26" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "status=all" in first.split('rel="next" href="')[1].split('"')[0]
    second = client.get(f"/{world.p.slug}/labour/offers/?status=all&page=2")
    assert 'rel="prev"' in second.get_data(as_text=True)
    assert client.get(f"/{world.p.slug}/labour/offers/?page=%C2%B2").status_code == 404


# --- review fixes: strict ids, posted_on, vacancies, ownership, skills messages ----------------


def test_a_huge_person_id_with_a_trailing_newline_is_a_message_not_a_server_error(
        world, client, login_as):
    """Was a 500 (OverflowError on SQLite): ``$`` of the old pattern matched before a final
    newline, and the range check skipped a value with one."""
    offer_id = offer(world)
    login_as(client, world.clerk)
    response = client.post(f"/praca/labour/offers/{offer_id}/candidates",
                           data={"participant": "99999999999999999999999\n"})
    assert response.status_code == 422
    assert "Wybierz osobę z propozycji." in response.get_data(as_text=True)


def offer_form(world, **changes):
    form = {"position": "Sprzedawca", "employer_id": str(world.employer.id),
            "commune_teryt": WAWRZENCZYCE, "hours_per_week": "40",
            "contract_type": "employment", "requirements": "obsługa klienta",
            "vacancies": "1", "posted_on": dates.today().isoformat()}
    form.update(changes)
    return form


def test_an_employer_chosen_by_an_id_that_is_not_plain_digits_is_refused(world, client, login_as):
    login_as(client, world.clerk)
    for value in (f"{world.employer.id}\n", f" {world.employer.id}", "٣"):
        response = client.post("/praca/labour/offers/new",
                               data=offer_form(world, employer_id=value))
        assert response.status_code == 422, value
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []


@pytest.mark.parametrize("posted_on, message", [
    ("2099-01-01", "Data nie może być z przyszłości."),
    ("0001-01-01", "Data nie może być wcześniejsza niż 1 sty 2000."),
])
def test_an_offer_reported_in_the_future_or_before_2000_is_refused(world, client, login_as,
                                                                    posted_on, message):
    login_as(client, world.clerk)
    response = client.post("/praca/labour/offers/new",
                           data=offer_form(world, position="Magazynier", posted_on=posted_on))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "Magazynier" in html  # the form comes back as typed
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []


def hire(world, client, offer_id, someone):
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate_id = db.session.scalar(select(Candidate.id).where(
            Candidate.participant_id == someone.id))
    response = client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                           data={f"h{candidate_id}-start_date": dates.today().isoformat()})
    assert response.status_code == 302


def test_vacancies_cannot_go_below_the_hires_and_reaching_them_fills_the_offer(
        world, client, login_as):
    first = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    second = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world, vacancies=3)
    login_as(client, world.clerk)
    hire(world, client, offer_id, first)
    hire(world, client, offer_id, second)
    url = f"/praca/labour/offers/{offer_id}/edit"

    lower = client.post(url, data=offer_form(world, vacancies="1"))
    assert lower.status_code == 422
    assert "Zatrudnionych z tej oferty: 2" in lower.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        assert (o.vacancies, o.status) == (3, "open")

    assert client.post(url, data=offer_form(world, vacancies="2")).status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        assert (o.vacancies, o.status) == (2, "filled")
    assert audit_of(world, "JobOffer", offer_id)[-2:] == [("update", None),
                                                           ("transition", "filled")]
    # A filled offer takes nobody more.
    third = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    assert client.post(f"/praca/labour/offers/{offer_id}/candidates",
                       data={"participant": third.id}).status_code == 422


def test_only_the_office_that_took_the_offer_edits_closes_or_reopens_it(world, client,
                                                                        login_as):
    other_office = world.f.institution(world.p, name="Grodzki Urząd Pracy",
                                       kind="labour_office", teryt="1261")
    other_clerk = world.f.staff(other_office, roles=("caseworker", "labour_clerk"))
    offer_id = offer(world)
    login_as(client, other_clerk)
    page = client.get(f"/praca/labour/offers/{offer_id}")
    assert page.status_code == 200
    assert f"/offers/{offer_id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"/praca/labour/offers/{offer_id}/edit").status_code == 403
    assert client.post(f"/praca/labour/offers/{offer_id}/edit",
                       data=offer_form(world, position="Cudze")).status_code == 403
    assert client.post(f"/praca/labour/offers/{offer_id}/close").status_code == 403
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        assert (o.position, o.status) == ("Sprzedawca", "open")
        o.status = "closed"
        db.session.commit()
    assert client.post(f"/praca/labour/offers/{offer_id}/reopen").status_code == 403
    with world.app.test_request_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        with pytest.raises(transitions.OfferRefused):
            transitions.reopen_offer(o, actor_id=other_clerk.id,
                                     institution_id=other_office.id)
        db.session.rollback()
    assert audit_of(world, "JobOffer", offer_id) == [("create", None)]
    # The office that took it still does all three.
    login_as(client, world.clerk)
    assert client.post(f"/praca/labour/offers/{offer_id}/reopen").status_code == 302


def test_the_skills_form_says_what_happened(world, client, login_as):
    someone = person(world, WAWRZENCZYCE, skills=["spawanie"])
    login_as(client, world.clerk)
    url = f"/praca/labour/skills?participant={someone.id}"

    nothing = client.post(url, data={"skills": ",,, ,"})
    assert nothing.status_code == 422
    assert "same przecinki i spacje" in nothing.get_data(as_text=True)
    for bad in ("abc", "-1", "99999999999999999999"):
        response = client.post(url, data={"remove": bad})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Tej umiejętności nie ma na liście osoby." in html
        assert "Wpisz co najmniej jedną umiejętność" not in html
    held = client.post(url, data={"skills": "Spawanie"}, follow_redirects=True)
    assert "Niczego nie dodano: osoba ma już spawanie." in held.get_data(as_text=True)
    both = client.post(url, data={"skills": "spawanie, prawo jazdy kat. b"},
                       follow_redirects=True)
    assert ("Dodano: prawo jazdy kat. b. Już na liście: spawanie."
            in both.get_data(as_text=True))
    with world.app.app_context(), partnership_scope(world.p.id):
        assert sorted(db.session.scalars(select(Skill.name))) == ["prawo jazdy kat. b",
                                                                  "spawanie"]


# --- second review: the hire's start date, the owner's message, a long skill --------------------


@pytest.mark.parametrize("start, message", [
    ("2099-01-01", "Data nie może być późniejsza niż"),
    ((dates.today() + timedelta(days=400)).isoformat(), "Data nie może być późniejsza niż"),
    ("0001-01-01", "Data nie może być wcześniejsza niż 1 sty 2000."),
])
def test_a_hire_starting_far_ahead_or_in_year_one_is_refused(world, client, login_as, start,
                                                              message):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    login_as(client, world.clerk)
    client.post(f"/praca/labour/offers/{offer_id}/candidates", data={"participant": someone.id})
    with world.app.app_context(), partnership_scope(world.p.id):
        candidate_id = db.session.scalar(select(Candidate.id))
    response = client.post(f"/praca/labour/offers/candidates/{candidate_id}/hired",
                           data={f"h{candidate_id}-start_date": start})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Candidate, candidate_id).status == "referred"
        assert db.session.scalars(select(Outcome)).all() == []


def test_the_transition_refuses_a_job_start_far_ahead(world):
    someone = person(world, WAWRZENCZYCE, skills=["obsługa klienta"])
    offer_id = offer(world)
    with world.app.test_request_context(), partnership_scope(world.p.id):
        candidate = transitions.refer_candidate(db.session.get(JobOffer, offer_id), someone.id,
                                                institution_id=world.office.id,
                                                actor_id=world.clerk.id)
        with pytest.raises(transitions.OfferRefused, match="późniejsza niż"):
            transitions.hire_candidate(candidate, start_date=date(2099, 1, 1),
                                       institution_id=world.office.id, actor_id=world.clerk.id)
        db.session.rollback()


def test_a_clerk_of_another_office_is_told_who_changes_the_offer(world, client, login_as):
    other_office = world.f.institution(world.p, name="Grodzki Urząd Pracy",
                                       kind="labour_office", teryt="1261")
    other_clerk = world.f.staff(other_office, roles=("caseworker", "labour_clerk"))
    offer_id = offer(world)
    login_as(client, other_clerk)
    for method, path in (("get", "edit"), ("post", "edit"), ("post", "close"),
                         ("post", "reopen")):
        response = getattr(client, method)(f"/praca/labour/offers/{offer_id}/{path}",
                                           data=offer_form(world, position="Cudze"))
        assert response.status_code == 403, path
        html = response.get_data(as_text=True)
        assert "Zmieniać ofertę może tylko urząd pracy, który ją przyjął." in html, path
        assert "Sprzedawca" in html  # the offer's own page, not an empty error
    with world.app.app_context(), partnership_scope(world.p.id):
        o = db.session.get(JobOffer, offer_id)
        assert (o.position, o.status) == ("Sprzedawca", "open")


def test_a_skill_too_long_is_refused_at_the_field(world, client, login_as):
    someone = person(world, WAWRZENCZYCE)
    login_as(client, world.clerk)
    url = f"/praca/labour/skills?participant={someone.id}"
    long_one = "obsługa " + "x" * 90
    response = client.post(url, data={"skills": f"spawanie, {long_one}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # At the field, naming the skill (it was a refusal above the page, naming none).
    assert "oddziel przecinkami lub nowymi wierszami): " + long_one[:40] + "…" in html
    assert long_one in html  # what was typed is kept
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(Skill)).all() == []


def test_the_same_offer_posted_again_is_refused_and_another_one_is_posted(world, client,
                                                                          login_as):
    # QA: the back button and the same form again made identical offers 10 and 11.
    from mosty_labour.offers.models import JobOffer

    login_as(client, world.clerk)
    first = client.post("/praca/labour/offers/new", data=offer_form(world))
    assert first.status_code == 302
    again = client.post("/praca/labour/offers/new", data=offer_form(world))
    assert again.status_code == 422
    number = first.headers["Location"].rstrip("/").split("/")[-1]
    assert f"no. {number}" in again.get_data(as_text=True) or \
        f"nr {number}" in again.get_data(as_text=True)
    other = client.post("/praca/labour/offers/new", data=offer_form(world, vacancies="2"))
    assert other.status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        assert toolkit_count(JobOffer) == 2


def toolkit_count(model):
    from sqlalchemy import func, select

    from mosty.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))
