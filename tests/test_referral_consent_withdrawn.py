# ruff: noqa: F811 - the imported fixture `world` is named as a test parameter
"""A referral waiting for an answer travels on a consent for "referral" naming the receiving
institution. Once the person withdraws it, the receiver no longer sees the data the sender
chose and cannot accept the referral (accepting would open the whole record); it can still
decline it. The withdrawal page says which waiting referrals this strands, and a consent for
"referral" alone takes no access to the record away, so it does not claim any."""

import re

from sqlalchemy import select

from mosty import dates
from mosty.consents.models import Consent
from mosty.exchange.api import _detail
from mosty.extensions import db
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope
from test_referrals import (  # noqa: F401
    SLUG,
    client_of,
    consent_for_referral,
    detail_url,
    referral_row,
    send,
    world,
)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def withdraw_url(consent_id):
    return f"/{SLUG}/consents/{consent_id}/withdraw"


def waiting_referral(world, *, purposes=("referral",)):
    """Anna's consent (for ``purposes``, naming the labour office) and a referral sent on it,
    sharing her contact data: (consent id, referral id)."""
    consent = consent_for_referral(world, purposes=purposes)
    response = send(world, shared_fields=["contact"])
    assert response.status_code == 302, response.get_data(as_text=True)
    return consent.id, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def withdraw(world, consent_id):
    return client_of(world, world.mops_worker).post(
        withdraw_url(consent_id), data={"withdrawn_on": dates.today().isoformat()},
        follow_redirects=True)


def test_after_the_withdrawal_the_receiver_sees_no_shared_data_and_cannot_accept(world):
    consent_id, referral_id = waiting_referral(world)
    gup = client_of(world, world.gup_worker)
    assert "600100200" in gup.get(detail_url(referral_id)).get_data(as_text=True)
    withdraw(world, consent_id)

    page = gup.get(detail_url(referral_id))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "600100200" not in body and "anna.nowak@example.test" not in body
    assert 'id="consent-withdrawn"' in body
    assert "can no longer be accepted, only declined" in text_of(body)
    assert "Accept the referral" not in body and "Decline the referral" in body

    refused = gup.post(detail_url(referral_id, "accept"), data={})
    assert refused.status_code == 422
    assert "the referral can no longer be accepted" in text_of(refused.get_data(as_text=True))
    assert referral_row(world, referral_id).status == "sent"
    assert gup.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 404

    declined = gup.post(detail_url(referral_id, "decline"),
                        data={"decline_reason": "Brak zgody na przekazanie danych"})
    assert declined.status_code == 302
    assert referral_row(world, referral_id).status == "declined"
    # Declined, it still shows nothing: the data is read live, and no consent covers it.
    after = gup.get(detail_url(referral_id)).get_data(as_text=True)
    assert "600100200" not in after and "anna.nowak@example.test" not in after
    assert 'id="consent-withdrawn"' in after
    with world.app.test_request_context(), partnership_scope(world.p.id):
        body = _detail(db.session.get(Referral, referral_id))
    assert body["consent_withdrawn"] is True and body["shared"] == []


def test_the_sender_is_told_the_referral_can_no_longer_be_accepted(world):
    consent_id, referral_id = waiting_referral(world)
    page = client_of(world, world.mops_worker).get(withdraw_url(consent_id))
    body = text_of(page.get_data(as_text=True))
    assert f"Referral no. {referral_id} to Grodzki Urząd Pracy" in body
    # A consent for "referral" alone never let the labour office see the record.
    assert "None of the institutions it names loses access." in body

    done = text_of(withdraw(world, consent_id).get_data(as_text=True))
    assert (f"Referral no. {referral_id} to Grodzki Urząd Pracy, still waiting for an answer, "
            "can no longer be accepted.") in done
    assert "no longer sees the record" not in done

    sender_view = text_of(client_of(world, world.mops_worker).get(
        detail_url(referral_id)).get_data(as_text=True))
    assert "Grodzki Urząd Pracy for a referral: it no longer sees the data you chose" in (
        sender_view)


def test_another_consent_for_referral_keeps_the_referral_acceptable(world):
    consent_id, referral_id = waiting_referral(world)
    consent_for_referral(world)  # a second consent naming the labour office
    page = text_of(client_of(world, world.mops_worker).get(
        withdraw_url(consent_id)).get_data(as_text=True))
    assert f"Referral no. {referral_id}" not in page
    withdraw(world, consent_id)
    gup = client_of(world, world.gup_worker)
    assert "600100200" in gup.get(detail_url(referral_id)).get_data(as_text=True)
    assert gup.post(detail_url(referral_id, "accept"), data={}).status_code == 302
    assert referral_row(world, referral_id).status == "accepted"


def test_an_accepted_referral_is_not_touched_by_the_withdrawal(world):
    consent_id, referral_id = waiting_referral(world)
    gup = client_of(world, world.gup_worker)
    assert gup.post(detail_url(referral_id, "accept"), data={}).status_code == 302
    withdraw(world, consent_id)
    assert 'id="consent-withdrawn"' not in gup.get(detail_url(referral_id)).get_data(
        as_text=True)
    assert gup.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 200


def test_the_api_gives_the_name_but_no_shared_data_once_the_consent_is_withdrawn(world):
    consent_id, referral_id = waiting_referral(world)
    with world.app.test_request_context(), partnership_scope(world.p.id):
        before = _detail(db.session.get(Referral, referral_id))
    assert before["consent_withdrawn"] is False and before["shared_fields"] == ["contact"]
    withdraw(world, consent_id)
    with world.app.test_request_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(Consent.withdrawn_on).where(
            Consent.id == consent_id)) is not None
        after = _detail(db.session.get(Referral, referral_id))
    assert after["consent_withdrawn"] is True
    assert after["shared"] == [] and after["shared_fields"] == []
    assert after["participant"]["last_name"] == "Nowak"
    assert "600100200" not in str(after)
