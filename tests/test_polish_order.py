"""Names are listed in Polish alphabetical order, on SQLite and on PostgreSQL.

In byte order (SQLite's default, PostgreSQL's C collation) every letter with a diacritic came
after "z": "Łukasiewicz" was listed after "Zych".
"""

import pytest
from sqlalchemy import text

from mosty.collation import sort_key
from mosty.extensions import db
from mosty.testing.factories import Factory, login
from mosty.testing.plugin import build_two_partnerships

# In the order PostgreSQL's ICU collation "pl-x-icu" gives them (checked with psql).
POLISH_ORDER = ["ania", "Ania", "Azja", "Ąbc", "Emil", "Éric", "Ewa", "Lech", "łuk", "Łukasz",
                "Maka", "Marek", "Mąka", "O'Brien", "Obrien", "Szymon", "Śliwa", "Zenon",
                "Źdźbło", "Żak"]
SURNAMES = ["Żak", "Zych", "Łukasiewicz", "Lis", "Śliwa", "Sowa", "Mazur", "Ćwik", "Cieślak"]
SURNAMES_IN_ORDER = ["Cieślak", "Ćwik", "Lis", "Łukasiewicz", "Mazur", "Sowa", "Śliwa", "Zych",
                     "Żak"]


def test_the_sort_key_orders_names_as_the_polish_collation_does():
    assert sorted(reversed(POLISH_ORDER), key=sort_key) == POLISH_ORDER
    assert sorted(POLISH_ORDER[::3] + POLISH_ORDER[1::3] + POLISH_ORDER[2::3],
                  key=sort_key) == POLISH_ORDER


def test_the_database_compares_names_with_the_polish_collation(any_app):
    with any_app.app_context():
        values = " UNION ALL ".join(f"SELECT '{name}' AS n" for name in
                                    [n.replace("'", "''") for n in reversed(POLISH_ORDER)])
        ordered = db.session.execute(
            text(f'SELECT n FROM ({values}) AS v ORDER BY n COLLATE "pl-x-icu"')).scalars()
        assert list(ordered) == POLISH_ORDER


def positions(page, names):
    body = page.get_data(as_text=True)
    found = {name: body.find(name) for name in names}
    assert -1 not in found.values(), found
    return sorted(names, key=found.get)


@pytest.fixture
def registry(any_app):
    world = build_two_partnerships(any_app)
    f = world.factory
    for surname in SURNAMES:
        person = f.participant(world.a.other, last_name=surname, first_name="Jan")
        f.family(world.a.other, members=[(person, "head")], name=f"Rodzina {surname}")
    return any_app, world


def test_the_participant_list_sorts_surnames_in_polish_order(registry):
    app, world = registry
    client = login(app.test_client(), world.a.caseworker)
    page = client.get("/part-a/participants/?sort=name")
    assert page.status_code == 200
    assert positions(page, SURNAMES) == SURNAMES_IN_ORDER
    page = client.get("/part-a/participants/?sort=-name")
    assert positions(page, SURNAMES) == SURNAMES_IN_ORDER[::-1]


def test_the_family_list_sorts_names_in_polish_order(registry):
    app, world = registry
    client = login(app.test_client(), world.a.caseworker)
    page = client.get("/part-a/families/?sort=name")
    assert page.status_code == 200
    names = [f"Rodzina {surname}" for surname in SURNAMES]
    assert positions(page, names) == [f"Rodzina {surname}" for surname in SURNAMES_IN_ORDER]


def test_first_names_decide_between_equal_surnames_in_polish_order(any_app):
    world = build_two_partnerships(any_app)
    for first_name in ("Żaneta", "Łucja", "Zofia", "Lena"):
        world.factory.participant(world.a.other, last_name="Nowak", first_name=first_name)
    client = login(any_app.test_client(), world.a.caseworker)
    page = client.get("/part-a/participants/?sort=name")
    assert positions(page, ["Żaneta", "Łucja", "Zofia", "Lena"]) == [
        "Lena", "Łucja", "Zofia", "Żaneta"]


def test_the_dashboard_lists_institutions_in_polish_order(any_app):
    world = build_two_partnerships(any_app)
    f = Factory(any_app)
    names = ["Żłobek Miejski", "Zespół Szkół", "Ośrodek Pomocy", "Łódzka Fundacja"]
    for name in names:
        f.institution(world.a.partnership, name=name)
    client = login(any_app.test_client(), world.a.caseworker)
    page = client.get("/part-a/")
    assert page.status_code == 200
    assert positions(page, names) == [
        "Łódzka Fundacja", "Ośrodek Pomocy", "Zespół Szkół", "Żłobek Miejski"]


@pytest.mark.postgres
def test_the_participant_name_index_carries_the_polish_collation(pg_app):
    with pg_app.app_context():
        definition = db.session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_participant_partnership_name'"
        )).scalar_one()
    assert 'last_name COLLATE "pl-x-icu"' in definition
    assert 'first_name COLLATE "pl-x-icu"' in definition


@pytest.fixture
def lecka(any_app):
    world = build_two_partnerships(any_app)
    person = world.factory.participant(world.a.other, first_name="Żaneta", last_name="Łęcka",
                                       registered_locality="Łódź")
    world.factory.family(world.a.other, members=[(person, "head")], name="Rodzina Łęckich",
                         locality="Źródła")
    world.factory.participant(world.a.other, first_name="Jan", last_name="Lis")
    return any_app, world


@pytest.mark.parametrize("typed", ["lecka", "ŁĘCKA", "łęcka", "Lecka", "zaneta lecka", "lodz"])
def test_the_participant_search_ignores_case_and_polish_diacritics(lecka, typed):
    # QA: "lecka" found nothing while "łęcka" found the person.
    app, world = lecka
    client = login(app.test_client(), world.a.caseworker)
    page = client.get("/part-a/participants/", query_string={"q": typed})
    body = page.get_data(as_text=True)
    assert "Łęcka" in body, typed
    assert ">Lis Jan<" not in body  # the name as the list shows it; tokens in the page are random


def test_the_family_search_ignores_diacritics_and_a_wildcard_is_plain_text(lecka):
    app, world = lecka
    client = login(app.test_client(), world.a.caseworker)
    for typed in ("leckich", "zrodla", "ŁĘCKICH"):
        body = client.get("/part-a/families/", query_string={"q": typed}).get_data(as_text=True)
        assert "Rodzina Łęckich" in body, typed
    body = client.get("/part-a/families/", query_string={"q": "%"}).get_data(as_text=True)
    assert "Rodzina Łęckich" not in body


def test_folding_matches_the_database():
    from mosty.collation import fold

    assert fold("ŁĘCKA Źdźbło Żółć") == "lecka zdzblo zolc"
