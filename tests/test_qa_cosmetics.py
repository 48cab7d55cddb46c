"""QA findings on how things read: an offer's place named once, dates in the reader's format,
the starter instrument in the user's language, and an offer's commune checked against TERYT
and the partnership's territory."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.instruments.definitions import parse_definition
from mosty.instruments.views import _yaml_scalar, new_definition_source
from mosty.partnerships.models import TerritoryUnit
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from mosty_labour.offers import places, transitions
from mosty_labour.offers.models import JobOffer
from test_labour_offers import KRAKOW, WAWRZENCZYCE, build, offer, person

TERRITORY = {"1261": "Kraków (miasto na prawach powiatu)", "1206": "powiat krakowski"}


@pytest.fixture
def world(app, factory):
    return build(app, factory)


def polish_client(app, user):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


def offer_form(**fields):
    form = {"position": "Kierowca", "employer_name": "Transbud", "commune_teryt": KRAKOW,
            "locality": "Kraków", "hours_per_week": "40", "contract_type": "employment",
            "vacancies": "1", "posted_on": dates.today().isoformat()}
    form.update(fields)
    return form


# --- 1. the place, each name once ------------------------------------------------------------

def test_a_county_named_after_its_town_is_not_nested_in_the_place():
    label = places.place_label("Kraków", TERRITORY["1261"], KRAKOW)
    assert label == "Kraków (miasto na prawach powiatu)"
    assert label.count("Kraków") == 1


def test_a_village_is_followed_by_its_county_without_nested_brackets():
    assert places.place_label("Wawrzeńczyce", "powiat krakowski", WAWRZENCZYCE) == \
        "Wawrzeńczyce, powiat krakowski"
    assert places.place_label("", "powiat krakowski", WAWRZENCZYCE) == "powiat krakowski"
    assert places.place_label("Wawrzeńczyce", None, WAWRZENCZYCE) == "Wawrzeńczyce"
    assert places.place_label("", None, WAWRZENCZYCE) == WAWRZENCZYCE


def test_the_offers_list_names_krakow_once(world, app):
    offer(world, commune=KRAKOW, locality="Kraków")
    with app.app_context(), partnership_scope(world.p.id):
        db.session.scalar(select(TerritoryUnit).where(TerritoryUnit.teryt == "1261")).name = \
            TERRITORY["1261"]
        db.session.commit()
    page = polish_client(app, world.clerk).get("/praca/labour/offers/").get_data(as_text=True)
    assert "Kraków (miasto na prawach powiatu)" in page
    assert "Kraków (Kraków" not in page


# --- 2. dates in the reader's format ---------------------------------------------------------

def test_a_hire_on_the_timeline_gives_the_start_date_as_the_page_does(world, app):
    someone = person(world, WAWRZENCZYCE, skills=("obsługa klienta",))
    offer_id = offer(world)
    start = date(2026, 12, 21)
    with app.app_context(), partnership_scope(world.p.id):
        candidate = transitions.refer_candidate(
            db.session.get(JobOffer, offer_id), someone.id, institution_id=world.office.id,
            actor_id=world.clerk.id)
        transitions.hire_candidate(candidate, start_date=start, institution_id=world.office.id,
                                   actor_id=world.clerk.id)
        db.session.commit()
    client = polish_client(app, world.clerk)
    page = html.unescape(client.get(f"/praca/participants/{someone.id}/").get_data(as_text=True))
    assert "21 gru 2026" in page
    assert "2026-12-21" not in re.sub(r'datetime="[^"]*"|value="[^"]*"', "", page)


# --- 3. the starter instrument in the user's language ----------------------------------------

def test_the_starter_instrument_is_polish_by_default_and_still_a_valid_definition(world, app):
    admin = world.f.staff(world.office, roles=("partnership_admin",))
    page = html.unescape(polish_client(app, admin).get(
        "/praca/instruments/definitions/new").get_data(as_text=True))
    assert "title: Moje narzędzie" in page
    assert "Pierwsze pytanie" in page
    assert "My instrument" not in page and "First question" not in page
    with app.test_request_context():
        spec = parse_definition(new_definition_source())  # still a definition that saves
    assert spec["title"] == "Moje narzędzie"  # no locale chosen: the default, Polish
    english = login(app.test_client(), admin)
    with english.session_transaction() as session:
        session["locale"] = "en"
    assert "title: My instrument" in english.get(
        "/praca/instruments/definitions/new").get_data(as_text=True)


def test_a_translation_yaml_would_misread_is_quoted():
    assert _yaml_scalar("Część 1") == "Część 1"
    assert _yaml_scalar("Uwaga: pytanie") == '"Uwaga: pytanie"'
    assert _yaml_scalar("- lista") == '"- lista"'


# --- 4. the offer's commune: a real TERYT code within the territory ---------------------------

@pytest.mark.parametrize("code, message", [
    ("9999999", "Nie ma gminy o kodzie 9999999: 99 nie jest kodem województwa"),
    ("1200011", "Nie ma gminy o kodzie 1200011: powiaty i gminy są numerowane od 01"),
    ("1261016", "Nie ma gminy o kodzie 1261016: ostatnia cyfra, rodzaj gminy, to 1–5, 8 lub 9"),
    ("3201011", "Gmina o kodzie 3201011 nie leży na terenie partnerstwa"),
])
def test_an_offer_in_no_commune_of_the_territory_is_refused_in_polish(world, app, code,
                                                                       message):
    response = polish_client(app, world.clerk).post("/praca/labour/offers/new",
                                                    data=offer_form(commune_teryt=code))
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    with app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(JobOffer)).all() == []


def test_a_commune_under_a_county_of_the_territory_is_accepted(world, app):
    response = polish_client(app, world.clerk).post(
        "/praca/labour/offers/new", data=offer_form(commune_teryt=WAWRZENCZYCE,
                                                    locality="Wawrzeńczyce"))
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(JobOffer.commune_teryt)) == WAWRZENCZYCE


def test_editing_an_offer_checks_the_commune_too(world, app):
    offer_id = offer(world)
    response = polish_client(app, world.clerk).post(
        f"/praca/labour/offers/{offer_id}/edit", data=offer_form(commune_teryt="9999999"))
    assert response.status_code == 422
    with app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(JobOffer, offer_id).commune_teryt == WAWRZENCZYCE


def test_without_a_territory_only_the_structure_is_checked():
    assert places.commune_problem("3201011", {}) is None
    assert places.commune_problem("9999999", {}) is not None
    assert places.commune_problem("1206032", {"12": "małopolskie"}) is None
    assert places.commune_problem("1206032", {"1206032": "Igołomia-Wawrzeńczyce"}) is None
    assert places.commune_problem("1206062", {"1206032": "Igołomia-Wawrzeńczyce"}) is not None


def test_the_registry_forms_refuse_a_code_no_commune_can_have(app, factory):
    # QA: 9999999 was accepted for a participant's and a family's address.
    from mosty.families.forms import FamilyForm
    from mosty.participants.forms import ParticipantForm

    with app.test_request_context(method="POST", data={"registered_teryt": "9999999",
                                                       "teryt": "9999999"}):
        participant = ParticipantForm()
        participant.validate()
        family = FamilyForm()
        family.validate()
        assert any("9999999" in str(e) for e in participant.registered_teryt.errors)
        assert any("9999999" in str(e) for e in family.teryt.errors)
    for code, fine in (("1261011", True), ("1465128", True), ("1261049", True),
                       ("9999999", False), ("1200011", False), ("1261016", False)):
        with app.test_request_context():
            from mosty.teryt import code_problem

            assert (code_problem(code) is None) is fine, code
