"""The demo Work Animator of West Pomerania takes a lead through the whole family path on a
tablet: recruitment (contacted, home visit, eligibility by the registry's rule, enrolled), the
needs-and-skills diagnosis with a barrier and the family summary, the family motivation test,
a work plan signed by the family and the animator, and an agreement with the county labour
office; the labour office clerk accepts the referral and the plan action follows. Every step
shows on the family's timeline (headless Chromium, demo data loaded).

Elements are found by form actions, field names and values, so the test holds in Polish and
English; texts asserted are the Polish ones the demo users see.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.enrollment.models import TargetGroup
from mosty.extensions import db
from mosty.partnerships.models import Institution, Partnership
from mosty.referrals.models import Referral
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

from mosty import dates

from .conftest import csp_violations, sign_in, sign_out

ANIMATOR = "animator@pomorze.mosty.test"
CLERK = "urzad@pomorze.mosty.test"  # PUP Białogard
NGO = "Stowarzyszenie „Pomorskie Mosty” – Lokalna Grupa Wsparcia Rodziny"
PUP = "Powiatowy Urząd Pracy w Białogardzie"


@pytest.fixture
def lead(live_server):
    """A rural household of the animators' NGO, two generations out of work, not yet on the
    board; the mother consented to referrals to the county labour office."""
    app = live_server.app
    with app.app_context():
        with system_scope("test: finding the demo partnership"):
            partnership_id = db.session.scalar(
                select(Partnership.id).where(Partnership.slug == "pomorze"))
        with partnership_scope(partnership_id):
            ngo_id = db.session.scalar(select(Institution.id).where(Institution.name == NGO))
            pup_id = db.session.scalar(select(Institution.id).where(Institution.name == PUP))
            group_id = db.session.scalar(select(TargetGroup.id).where(TargetGroup.code == "R"))
    ngo = SimpleNamespace(id=ngo_id, partnership_id=partnership_id)
    pup = SimpleNamespace(id=pup_id, partnership_id=partnership_id)
    f = RegistryFactory(app)
    place = dict(registered_teryt="3201064", registered_locality="Tychowo",
                 registered_area="rural", labour_status="registered_unemployed")
    mother = f.participant(ngo, first_name="Grażyna", last_name="Flowowa",
                           birth_date=date(1968, 4, 12), **place)
    son = f.participant(ngo, first_name="Dawid", last_name="Flowowy", sex="male",
                        birth_date=date(1998, 1, 30), **place)
    household = f.family(ngo, members=[(mother, "head"), (son, "child")],
                         name="Rodzina Flowowych", teryt="3201064", locality="Tychowo")
    f.consent(mother, [pup])
    return SimpleNamespace(id=household.id, mother=mother, son=son, group_id=group_id,
                           partnership_id=partnership_id)


def answer_everything(page):
    """Fill in the open instrument form: the middle point of every choice, 12 for numbers."""
    form = page.locator("main form.instrument-form")
    names = form.locator("input[type='radio']").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]")
    for name in names:
        options = form.locator(f"input[type='radio'][name='{name}']")
        options.nth(options.count() // 2).check()
    numbers = form.locator("input[inputmode='decimal']")
    for index in range(numbers.count()):
        numbers.nth(index).fill("12")
    with page.expect_navigation():
        form.locator("button[name='action'][value='finish']").click()


def fill_round(page, live_server, round_path, people):
    for person in people:
        page.goto(f"{live_server.url}{round_path}")
        with page.expect_navigation():
            page.locator(f"#member-{person.id} a.button.primary").click()
        answer_everything(page)
        expect(page.locator("#scores")).to_be_visible()


def submit(page, form):
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_the_animator_takes_a_family_from_lead_to_a_signed_plan_and_the_office_accepts(
        page, console_errors, live_server, lead):
    base = f"{live_server.url}/pomorze/animator"
    family_url = f"{base}/families/{lead.id}"
    sign_in(page, live_server, ANIMATOR)

    # Recruitment: the lead, then one step at a time.
    page.goto(f"{base}/leads/new")
    form = page.locator("main form[method='post']")
    form.locator("select[name='family_id']").select_option(str(lead.id))
    form.locator("select[name='source']").select_option("parish")
    submit(page, form)
    assert page.url.startswith(family_url)
    for step in ("contacted", "visited"):
        with page.expect_navigation():
            page.locator(f"button[name='step'][value='{step}']").click()
    page.locator("select[name='target_group_id']").select_option(str(lead.group_id))
    with page.expect_navigation():
        page.locator("button[name='step'][value='assess']").click()
    expect(page.locator(".verdict-ok")).to_be_visible()
    with page.expect_navigation():
        page.locator("button[name='step'][value='enroll']").click()
    expect(page.locator("#stage .badge").first).to_have_text("Przyjęta do programu")

    # A home visit in the log.
    contact = page.locator("form[action$='/contacts']")
    contact.locator("select[name='kind']").select_option("home_visit")
    contact.locator("input[name='present']").fill("Grażyna i Dawid")
    contact.locator("textarea[name='note']").fill("Rodzina chce spróbować.")
    submit(page, contact)
    expect(page.locator("#contacts")).to_contain_text("Grażyna i Dawid")

    # Diagnosis of both members, a barrier and the family summary.
    page.goto(f"{family_url}/diagnosis")
    submit(page, page.locator("form[action$='/diagnosis/start']"))
    fill_round(page, live_server, page.url.replace(live_server.url, ""),
               [lead.mother, lead.son])
    page.goto(f"{family_url}/diagnosis")
    barrier = page.locator("form[action$='/barriers']")
    barrier.locator("select[name='kind']").select_option("transport")
    barrier.locator("textarea[name='note']").fill("Autobus do Białogardu dwa razy dziennie")
    submit(page, barrier)
    summary = page.locator("form[action$='/diagnosis/summary']")
    summary.locator("textarea[name='strengths']").fill("Wspierają się nawzajem")
    summary.locator("textarea[name='barriers_summary']").fill("Dojazd")
    submit(page, summary)
    expect(page.locator("#barriers")).to_contain_text("Autobus do Białogardu")
    expect(page.locator("#results")).not_to_contain_text("jeszcze bez diagnozy")

    # The motivation test at entry.
    page.goto(f"{family_url}/motivation")
    submit(page, page.locator("form[action$='/motivation/start']"))
    fill_round(page, live_server, page.url.replace(live_server.url, ""),
               [lead.mother, lead.son])
    page.goto(f"{family_url}/motivation")
    expect(page.locator("#rounds")).to_contain_text("na początku")
    expect(page.locator("#rounds td[data-family-score]")).not_to_have_attribute(
        "data-family-score", "")

    # The work plan: a goal for the mother, an action by the labour office, both signatures.
    page.goto(family_url)
    submit(page, page.locator("form[action$='/plan']"))
    goal = page.locator("form[action$='/plan/goals']")
    goal.locator("input[name='text']").fill("Praca dla Grażyny")
    goal.locator("select[name='participant_id']").select_option(str(lead.mother.id))
    submit(page, goal)
    page.locator("main details summary").first.click()  # the menu folds in one too
    action = page.locator("form[action*='/goals/'][action$='/actions']")
    action.locator("input[name='what']").fill("Kurs opiekunki osób starszych")
    action.locator("select[name='who_kind']").select_option("institution")
    action.locator("select[name='who_institution_id']").select_option(label=PUP)
    action.locator("input[name='due_on']").fill((dates.today() + timedelta(days=30)).isoformat())
    submit(page, action)
    family_sign = page.locator("form[action$='/plan/sign']:has(input[value='family'])")
    family_sign.locator("select[name='participant_id']").select_option(str(lead.mother.id))
    submit(page, family_sign)
    submit(page, page.locator("form[action$='/plan/sign']:has(input[value='animator'])"))
    expect(page.locator("#signatures")).to_contain_text("Grażyna Flowowa")
    expect(page.locator("#signatures")).to_contain_text("Beata Lewandowska")

    # The agreement with the labour office sends the referral.
    page.goto(f"{family_url}/agreements/new")
    agreement = page.locator("main form[method='post']")
    agreement.locator("select[name='institution_id']").select_option(label=PUP)
    agreement.locator("select[name='participant_id']").select_option(str(lead.mother.id))
    agreement.locator("textarea[name='commitment']").fill("Miejsce na kursie opiekunki")
    agreement.locator("input[name='action_ids']").first.check()
    submit(page, agreement)
    expect(page.locator("main")).to_contain_text("umowa z: " + PUP)
    sign_out(page)

    # The labour office accepts the referral in its inbox.
    with live_server.app.app_context(), partnership_scope(lead.partnership_id):
        referral_id = db.session.scalar(select(Referral.id).where(
            Referral.participant_id == lead.mother.id).order_by(Referral.id.desc()))
    sign_in(page, live_server, CLERK)
    page.goto(f"{live_server.url}/pomorze/referrals/{referral_id}")
    with page.expect_navigation():
        page.locator("form[action$='/accept'] button[type='submit']").click()
    sign_out(page)

    # The plan action follows; the family's timeline shows the path.
    sign_in(page, live_server, ANIMATOR)
    page.goto(f"{family_url}/plan")
    expect(page.locator("main")).to_contain_text("Kurs opiekunki osób starszych")
    expect(page.locator("main")).to_contain_text("w toku")
    page.goto(f"{live_server.url}/pomorze/families/{lead.id}/")
    timeline = page.locator("main")
    for text in ("Nabór: Po wizycie domowej", "Diagnoza potrzeb i umiejętności",
                 "Test motywacji rodziny", "Plan pracy podpisany",
                 "Zawarto umowę z: " + PUP):
        expect(timeline).to_contain_text(text)
    assert csp_violations(console_errors) == []


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def test_the_main_pages_fit_a_portrait_tablet_without_scrolling_sideways(page, live_server):
    """768 px wide (a tablet held upright): wide tables scroll inside their card, the page
    itself never scrolls sideways."""
    page.set_viewport_size({"width": 768, "height": 1024})
    base = f"{live_server.url}/pomorze"
    sign_in(page, live_server, ANIMATOR)
    page.goto(f"{base}/animator/")
    family = page.locator("a[href*='/animator/families/']").first.get_attribute("href")
    paths = ["/animator/", "/animator/dashboard", "/animator/requests/"] + [
        family.removeprefix("/pomorze") + part for part in ("", "/plan", "/diagnosis",
                                                           "/motivation")]
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
    sign_out(page)
    sign_in(page, live_server, CLERK)
    for path in ("/labour/inbox/", "/labour/registration/", "/labour/instruments/",
                 "/labour/offers/", "/labour/effectiveness/"):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
