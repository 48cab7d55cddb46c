"""The Kraków labour office clerk accepts a caseworker's referral into a training, records the
completion, then records a hire from a job offer; the participant's timeline shows all three
(headless Chromium, the demo data loaded).

The demo gives the referral (from the city welfare centre, with the person's consent naming the
labour office). The setup switches the labour module on for the partnership with its default
grants, as its administrator would, and gives the office a training with free places.
"""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from mosty.admin.module_settings import switch_module
from mosty.consents.access import consent_covers
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.partnerships.models import Institution, Partnership
from mosty.plugins import get_registry
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.services import in_ci

try:
    from playwright.sync_api import expect
except ImportError as error:  # the browser fixture explains; CI must not skip silently
    if in_ci():
        raise
    pytest.skip(f"the python package 'playwright' is not installed ({error})",
                allow_module_level=True)

from mosty import dates

from .conftest import csp_violations, sign_in

GUP = "Grodzki Urząd Pracy w Krakowie"
ADECCO = "Adecco Poland Sp. z o.o."
TRAINING = "Kurs recepcjonisty hotelowego"
SKILL = "obsługa recepcji hotelowej"


def prepare(app):
    """The module on, a training of the labour office, and a waiting referral to it about a
    person the office may later put forward to an employer (consent naming the office)."""
    from mosty_labour.activation.models import ActivationInstrument

    with app.app_context():
        with system_scope("browser test: finding the demo partnership"):
            partnership = db.session.scalar(select(Partnership).where(Partnership.slug == "krakow"))
        with partnership_scope(partnership.id):
            switch_module(get_registry(app).modules["labour"], True)
            gup = db.session.scalar(select(Institution).where(Institution.name == GUP))
            adecco = db.session.scalar(select(Institution).where(Institution.name == ADECCO))
            training = ActivationInstrument(
                institution_id=gup.id, kind="training", title=TRAINING, locality="Kraków",
                teryt="1261011", starts_on=dates.today() - timedelta(days=30),
                ends_on=dates.today(), capacity=12)
            db.session.add(training)
            referral = db.session.scalars(
                select(Referral).join(Participant, Participant.id == Referral.participant_id)
                .where(Referral.to_institution_id == gup.id, Referral.status == "sent",
                       Participant.processing_restricted.is_(False),
                       consent_covers(gup.id, Participant.id))
                .order_by(Referral.id)).first()
            assert referral is not None, "the demo has no waiting referral to the GUP"
            person = referral.participant
            db.session.commit()
            return SimpleNamespace(
                referral_id=referral.id, training_id=training.id, adecco_id=adecco.id,
                partnership_id=partnership.id, participant_id=person.id,
                name=person.full_name,
                commune=person.actual_teryt or person.registered_teryt)


def enrolment_of(app, world):
    from mosty_labour.activation.models import InstrumentEnrolment

    with app.app_context(), partnership_scope(world.partnership_id):
        return db.session.scalar(select(InstrumentEnrolment.id).where(
            InstrumentEnrolment.participant_id == world.participant_id,
            InstrumentEnrolment.instrument_id == world.training_id))


def submit(page, form):
    with page.expect_navigation():
        form.locator("button[type='submit'].primary").click()


def test_clerk_accepts_into_training_records_completion_and_a_hire_from_an_offer(
        page, console_errors, live_server):
    app = live_server.app
    world = prepare(app)
    base = f"{live_server.url}/krakow/labour"
    sign_in(page, live_server, "urzad@krakow.mosty.test")

    # 1. The referral in the inbox: accepted onto the training.
    page.goto(f"{base}/inbox/{world.referral_id}/")
    accept = page.locator(f"main form[action$='/inbox/{world.referral_id}/accept']")
    accept.locator("select[name='instrument']").select_option(str(world.training_id))
    submit(page, accept)
    enrolment_id = enrolment_of(app, world)
    assert enrolment_id is not None

    # 2. The completion of the training.
    page.goto(f"{base}/enrolments/{enrolment_id}/")
    complete = page.locator(f"main form[action$='/enrolments/{enrolment_id}/complete']")
    complete.locator("textarea[name='note']").fill("Zaświadczenie ukończenia kursu")
    submit(page, complete)

    # 3. The skill learnt, a part-time offer asking for it, the person suggested and hired.
    page.goto(f"{base}/skills?participant={world.participant_id}")
    skills = page.locator("main form:has(textarea[name='skills'])")
    skills.locator("textarea[name='skills']").fill(SKILL)
    submit(page, skills)
    expect(page.locator("main")).to_contain_text(SKILL)

    page.goto(f"{base}/offers/new")
    offer = page.locator("main form[method='post']")
    offer.locator("input[name='position']").fill("Recepcjonistka (pół etatu)")
    offer.locator("select[name='employer_id']").select_option(str(world.adecco_id))
    offer.locator("input[name='commune_teryt']").fill(world.commune)
    offer.locator("input[name='locality']").fill("Kraków")
    offer.locator("input[name='hours_per_week']").fill("20")
    offer.locator("textarea[name='requirements']").fill(SKILL)
    offer.locator("input[name='part_time']").check()
    offer.locator("input[name='flexible_hours']").check()
    submit(page, offer)
    offer_path = urlsplit(page.url).path

    suggestion = page.locator("#suggestions tr", has_text=world.name)
    expect(suggestion).to_contain_text("mieszka w tej samej gminie")
    expect(suggestion).to_contain_text(f"ma wszystkie wymagane umiejętności: {SKILL}")
    with page.expect_navigation():
        suggestion.locator("button[type='submit']").click()
    assert urlsplit(page.url).path == offer_path

    hire = page.locator("#candidates tr", has_text=world.name).locator(
        "form[action$='/hired']")
    hire.locator("input[type='date']").fill(dates.today().isoformat())
    submit(page, hire)
    expect(page.locator("#candidates")).to_contain_text("zatrudniony")

    # The participant's timeline: the referral accepted, the training completed, the hire.
    page.goto(f"{live_server.url}/krakow/participants/{world.participant_id}/")
    main = page.locator("main")
    expect(main).to_contain_text("Przyjęto skierowanie")
    expect(main).to_contain_text(TRAINING)
    expect(main).to_contain_text("Zatrudniony z oferty pracy")
    expect(main).to_contain_text("Recepcjonistka (pół etatu)")

    # The hire counts as employment after the completed training.
    page.goto(f"{base}/effectiveness/")
    expect(page.locator("main svg")).to_be_visible()
    assert csp_violations(console_errors) == []
