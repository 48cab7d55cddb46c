"""The Work Animator of West Pomerania gives the family motivation test to a two-member family,
fills it in with each member on the tablet and sees both members' scores and bands side by
side (headless Chromium, the demo data loaded: the examples are installed by the demo).

Elements are found by field names and values, links and people's names, so the test holds in
Polish and in English.
"""

import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from mosty.extensions import db
from mosty.partnerships.models import Institution, Partnership
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import RegistryFactory
from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from .conftest import csp_violations, sign_in

ANIMATOR = "animator@pomorze.mosty.test"
NGO = "Stowarzyszenie „Pomorskie Mosty” – Lokalna Grupa Wsparcia Rodziny"
# Answers of a member ready to work, and of one who is not yet (item id -> value).
READY = {"chce_pracowac": "5", "szukam_ofert": "4", "praca_sie_nie_oplaca": "1",
         "poradze_sobie": "4", "nikt_nie_zatrudni": "2", "nauka": "5", "rodzina_wspiera": "5",
         "opieka_zorganizowana": "yes", "rozmowy": "4"}
HESITANT = {"chce_pracowac": "2", "szukam_ofert": "1", "praca_sie_nie_oplaca": "4",
            "poradze_sobie": "2", "nikt_nie_zatrudni": "4", "nauka": "3", "rodzina_wspiera": "3",
            "opieka_zorganizowana": "no", "rozmowy": "2"}


@pytest.fixture
def family(live_server):
    """A two-member household registered by the animators' NGO in the demo partnership."""
    app = live_server.app
    with app.app_context():
        with system_scope("test: finding the demo partnership"):
            partnership_id = db.session.scalar(
                select(Partnership.id).where(Partnership.slug == "pomorze"))
        with partnership_scope(partnership_id):
            ngo_id = db.session.scalar(select(Institution.id).where(Institution.name == NGO))
    ngo = SimpleNamespace(id=ngo_id, partnership_id=partnership_id)
    f = RegistryFactory(app)
    mother = f.participant(ngo, first_name="Halina", last_name="Testowa",
                           birth_date=date(1971, 2, 3), registered_teryt="3201064",
                           registered_locality="Tychowo")
    son = f.participant(ngo, first_name="Kamil", last_name="Testowy", sex="male",
                        birth_date=date(1999, 8, 21), registered_teryt="3201064",
                        registered_locality="Tychowo")
    household = f.family(ngo, members=[(mother, "head"), (son, "child")],
                         name="Rodzina Testowych", teryt="3201064", locality="Dobrowo")
    return SimpleNamespace(id=household.id, mother=mother, son=son)


def path_of(page):
    return urlsplit(page.url).path


def fill_in(page, answers):
    form = page.locator("main form.instrument-form")
    for item_id, value in answers.items():
        form.locator(f"input[name='q-{item_id}'][value='{value}']").check()
    form.locator("textarea[name='q-uwagi_animatora']").fill("Zainteresowany kursem spawania.")
    with page.expect_navigation():
        form.locator("button[name='action'][value='finish']").click()


def test_animator_gives_the_family_motivation_test_to_both_members_and_sees_their_bands(
        page, console_errors, live_server, family):
    sign_in(page, live_server, ANIMATOR)
    page.goto(f"{live_server.url}/pomorze/families/{family.id}/")
    with page.expect_navigation():
        page.locator(f"a[href$='/instruments/new?family={family.id}']").click()

    form = page.locator("main form[method='post']")
    form.locator("select[name='instrument']").select_option(label="Test motywacji rodziny "
                                                                  "(przykład)")
    # Both members are ticked already: one administration each.
    expect(form.locator(f"input[name='members'][value='{family.mother.id}']")).to_be_checked()
    expect(form.locator(f"input[name='members'][value='{family.son.id}']")).to_be_checked()
    with page.expect_navigation():
        form.locator("button[type='submit'].primary").click()
    assert re.fullmatch(r"/pomorze/instruments/rounds/\d+/", path_of(page))
    round_path = path_of(page)

    for person, answers in ((family.mother, READY), (family.son, HESITANT)):
        card = page.locator(f"#member-{person.id}")
        with page.expect_navigation():
            card.locator("a.button.primary").click()
        expect(page.locator("main h1")).to_have_text("Test motywacji rodziny (przykład)")
        fill_in(page, answers)
        expect(page.locator("#scores")).to_be_visible()
        page.goto(f"{live_server.url}{round_path}")

    mother = page.locator(f"#member-{family.mother.id}")
    son = page.locator(f"#member-{family.son.id}")
    expect(mother).to_contain_text("Halina Testowa")
    expect(son).to_contain_text("Kamil Testowy")
    # Totals: (10+4+5+4+4+5+5+5+4)/10 = 4,6 and (4+1+2+2+2+3+3+1+2)/10 = 2
    expect(mother.locator("tr.total")).to_contain_text("4,6")
    expect(mother.locator("tr.total")).to_contain_text("wysoka motywacja")
    expect(mother.locator("tr.total")).to_contain_text(
        "Wysoka gotowość – zaplanujcie teraz poszukiwanie pracy.")
    expect(son.locator("tr.total")).to_contain_text("niska motywacja")
    expect(son.locator("tr.total")).to_contain_text("Niska gotowość")
    for card in (mother, son):
        expect(card).to_contain_text("Gotowość do zmiany")
        expect(card).to_contain_text("Wiara we własne siły")
        expect(card).to_contain_text("Wsparcie w rodzinie")

    # The family page lists the round with both results.
    page.goto(f"{live_server.url}/pomorze/families/{family.id}/")
    section = page.locator(".panel-instruments")
    expect(section).to_contain_text("Halina Testowa")
    expect(section).to_contain_text("wysoka motywacja")
    expect(section).to_contain_text("niska motywacja")
    assert csp_violations(console_errors) == []
