"""Selects of ids read the posted value with ``whole_number``, as every other form does: ``int()``
would take " 3", "+3", "0_3", or the id written in other scripts' digits ("٣", "３") as the
choice offered. Such a value for the institution of a new API token or webhook, or for the
family members given an instrument, gets the form's own message in Polish (422), never a 500,
and nothing is created; the plain id still goes in."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty.exchange.models import ApiToken, WebhookEndpoint
from mosty.extensions import db
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration, FamilyRound
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

INVALID_CHOICE_PL = "Wybierz jedną z dostępnych opcji."
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def odd_spellings(number):
    """Ways ``int()`` reads ``number`` that are not a choice's value as the page offers it."""
    text = str(number)
    return [text.translate(ARABIC_INDIC), text.translate(FULL_WIDTH), f"+{text}", f" {text}",
            f"{text} ", f"0_{text}"]


def count(app, partnership_id, model, *where):
    with app.app_context(), partnership_scope(partnership_id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def polish(app, user):
    """A signed-in client in the default language (Polish)."""
    return login(app.test_client(), user)


# --- the exchange: institution of a new token or webhook ---------------------------------------

EXCHANGE = "wymiana-liczby"


@pytest.fixture
def exchange(app, factory):
    p = factory.partnership(slug=EXCHANGE)
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Liczby", kind="ops")
    w.gup = factory.institution(p, name="GUP Liczby", kind="labour_office")
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    return w


def token_form(institution):
    return {"institution": institution, "name": "System urzędu"}


def webhook_form(institution):
    return {"institution": institution, "name": "System urzędu",
            "url": "https://system.example.org/hook", "event_kinds": "referral.sent",
            "active": "y"}


@pytest.mark.parametrize("path, form, model", [
    ("tokens/new", token_form, ApiToken),
    ("webhooks/new", webhook_form, WebhookEndpoint),
], ids=["token", "webhook"])
def test_an_institution_id_in_other_spellings_is_not_a_choice(exchange, path, form, model):
    client = polish(exchange.app, exchange.admin)
    url = f"/{EXCHANGE}/exchange/{path}"
    for typed in odd_spellings(exchange.gup.id):
        answer = client.post(url, data=form(typed))
        assert answer.status_code == 422, (typed, answer.status_code)
        assert INVALID_CHOICE_PL in answer.get_data(as_text=True), typed
    assert count(exchange.app, exchange.p.id, model) == 0
    # The id as the page offers it goes in.
    assert client.post(url, data=form(str(exchange.gup.id))).status_code == 200
    assert count(exchange.app, exchange.p.id, model,
                 model.institution_id == exchange.gup.id) == 1


# --- instruments: the family members given an instrument ---------------------------------------

INSTRUMENTS = "instrumenty-liczby"


@pytest.fixture
def family(app, factory):
    p = factory.partnership(slug=INSTRUMENTS)
    w = SimpleNamespace(app=app, p=p)
    w.ngo = factory.institution(p, name="Stowarzyszenie Liczby", kind="ngo", role="leader")
    w.animator = factory.staff(w.ngo)
    w.anna = factory.participant(w.ngo, first_name="Anna", last_name="Rolna")
    w.jan = factory.participant(w.ngo, first_name="Jan", last_name="Rolny", sex="male")
    w.family = factory.family(w.ngo, members=[(w.anna, "head"), (w.jan, "spouse")],
                              name="Rodzina Rolnych")
    w.version = InstrumentFactory(app).definition(p.id)
    return w


def test_a_member_id_in_other_spellings_is_not_a_choice(family):
    client = polish(family.app, family.animator)
    url = f"/{INSTRUMENTS}/instruments/new?family={family.family.id}"
    for typed in odd_spellings(family.jan.id):
        for members in ([typed], [str(family.anna.id), typed]):
            answer = client.post(url, data={"instrument": family.version.instrument_id,
                                            "members": members})
            assert answer.status_code == 422, (members, answer.status_code)
            assert INVALID_CHOICE_PL in answer.get_data(as_text=True), members
    assert count(family.app, family.p.id, FamilyRound) == 0
    assert count(family.app, family.p.id, Administration) == 0
    # The ids as the page offers them go in.
    answer = client.post(url, data={"instrument": family.version.instrument_id,
                                    "members": [str(family.anna.id), str(family.jan.id)]})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert count(family.app, family.p.id, Administration,
                 Administration.family_round_id.isnot(None)) == 2
