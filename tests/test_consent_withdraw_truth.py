# ruff: noqa: F811 - the imported fixture `world` is named as a test parameter
"""Withdrawing a consent tells the truth: an institution that accepted a referral of the person
keeps access (the access rule grants it on the referral alone), and both the confirmation page
and the message after the withdrawal say so, with the referral; the others lose access."""

import re

import pytest

from mosty import dates
from mosty.consents.models import Consent
from mosty.consents.service import access_after_withdrawal
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_consents import SLUG, client_of, page_of, withdraw_url, world  # noqa: F401

TODAY = dates.today()


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def shared(world):
    """Jan's consent names the labour office and the NGO; the labour office has also accepted
    a referral of Jan."""
    world.consent = world.f.consent(world.jan, [world.gup, world.ngo], purposes=("support",))
    world.referral = world.f.referral(world.jan, world.mops, world.gup, status="accepted")
    return world


def test_the_withdrawal_page_lists_who_loses_and_who_keeps_access_and_why(shared):
    body = text_of(client_of(shared, shared.mops_worker).get(
        withdraw_url(shared.consent.id)).get_data(as_text=True))
    assert "Institutions that lose access: Fundacja Most" in body
    assert "Grodzki Urząd Pracy" not in body.split("Institutions that lose access:")[1].split(
        "Institutions that keep access")[0]
    assert (f"Grodzki Urząd Pracy keeps access: accepted referral no. {shared.referral.id} "
            "(in progress).") in body


def test_the_message_after_withdrawal_names_both_and_the_access_follows_it(shared):
    mops = client_of(shared, shared.mops_worker)
    response = mops.post(withdraw_url(shared.consent.id),
                         data={"withdrawn_on": TODAY.isoformat()}, follow_redirects=True)
    body = text_of(response.get_data(as_text=True))
    assert "The consent has been withdrawn: Fundacja Most no longer sees the record." in body
    assert (f"Grodzki Urząd Pracy keeps access: accepted referral no. {shared.referral.id} "
            "(in progress).") in body
    assert "the institutions it named no longer see the record" not in body
    assert page_of(shared, shared.ngo_worker).status_code == 404
    assert page_of(shared, shared.gup_worker).status_code == 200


def test_the_polish_page_and_message_say_it_in_polish(shared):
    client = login(shared.app.test_client(), shared.mops_worker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    page = text_of(client.get(withdraw_url(shared.consent.id)).get_data(as_text=True))
    assert "Instytucje, które utracą dostęp: Fundacja Most" in page
    assert (f"Grodzki Urząd Pracy zachowuje dostęp: przyjęła skierowanie nr "
            f"{shared.referral.id} (w realizacji).") in page
    done = text_of(client.post(withdraw_url(shared.consent.id),
                               data={"withdrawn_on": TODAY.isoformat()},
                               follow_redirects=True).get_data(as_text=True))
    assert "Zgoda została wycofana: Fundacja Most nie widzi już kartoteki." in done
    assert (f"Grodzki Urząd Pracy zachowuje dostęp: przyjęła skierowanie nr "
            f"{shared.referral.id} (w realizacji).") in done


def test_a_completed_referral_and_another_consent_are_reasons_too(world):
    consent = world.f.consent(world.jan, [world.gup, world.ngo], purposes=("support",))
    referral = world.f.referral(world.jan, world.mops, world.gup, status="completed")
    world.f.consent(world.jan, [world.ngo], purposes=("support", "contact"))
    with world.app.app_context(), partnership_scope(world.p.id):  # Polish, the default
        losing, keeping = access_after_withdrawal(db.session.get(Consent, consent.id),
                                                  world.mops.id)
        reasons = {institution.name: [str(r) for r in why] for institution, why in keeping}
    assert losing == []
    assert reasons == {
        "Grodzki Urząd Pracy": [f"przyjęła skierowanie nr {referral.id} (zakończone)"],
        "Fundacja Most": ["wskazuje ją inna zgoda, udzielona 1 sty 2024"],
    }


@pytest.mark.parametrize("status", ["sent", "declined"])
def test_a_referral_not_taken_on_keeps_no_access(world, status):
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    world.f.referral(world.jan, world.mops, world.gup, status=status)
    response = client_of(world, world.mops_worker).post(
        withdraw_url(consent.id), data={"withdrawn_on": TODAY.isoformat()},
        follow_redirects=True)
    body = text_of(response.get_data(as_text=True))
    assert "Grodzki Urząd Pracy no longer sees the record." in body
    assert "keeps access" not in body
    assert page_of(world, world.gup_worker).status_code == 404


def test_when_everyone_keeps_access_the_page_says_none_loses_it(world):
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    world.f.referral(world.jan, world.mops, world.gup, status="accepted")
    mops = client_of(world, world.mops_worker)
    page = text_of(mops.get(withdraw_url(consent.id)).get_data(as_text=True))
    assert "None of the institutions it names loses access." in page
    assert "Institutions that lose access" not in page
    done = text_of(mops.post(withdraw_url(consent.id), data={"withdrawn_on": TODAY.isoformat()},
                             follow_redirects=True).get_data(as_text=True))
    assert "The consent has been withdrawn. Grodzki Urząd Pracy keeps access" in done


def test_a_referral_between_two_other_institutions_is_named_without_its_number(world):
    # The withdrawing institution may not read a referral it neither sent nor received
    # (referral_visible_to): its number and state stay hidden.
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    world.f.referral(world.jan, world.ngo, world.gup, status="accepted")
    with world.app.app_context(), partnership_scope(world.p.id):
        losing, keeping = access_after_withdrawal(db.session.get(Consent, consent.id),
                                                  world.mops.id)
        reasons = {institution.name: [str(r) for r in why] for institution, why in keeping}
    assert losing == []
    assert reasons == {"Grodzki Urząd Pracy": ["przyjęła skierowanie od innej instytucji"]}
