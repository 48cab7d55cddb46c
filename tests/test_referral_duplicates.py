# ruff: noqa: F811 - the imported fixture `world` is named as a test parameter
"""A referral is not sent twice: while the person has the same referral waiting for an answer
(from the same institution to the same institution, for the same service or none, with the same
reason), sending it again is refused, on the form (422, what was typed kept, a link to the
waiting one) and in the referral rules every module sends through. A referral asking for
something else (another service, another reason) is sent."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.referrals.models import Referral
from mosty.referrals.transitions import DuplicateReferral, send_referral
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_referrals import (  # noqa: F401 - world is a fixture
    SLUG,
    consent_for_referral,
    detail_url,
    referral_row,
    rows,
    send,
    sent_referral,
    world,
)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_sending_the_same_referral_again_is_refused_with_a_link_to_the_waiting_one(world):
    first = sent_referral(world, reason="Pomoc w powrocie na rynek pracy")
    # The back button and the same form again (spaces as typed do not matter).
    response = send(world, reason=" Pomoc w powrocie  na rynek pracy")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    body = text_of(html)
    assert ("This person already has a referral to Grodzki Urząd Pracy waiting for an answer, "
            f"sent on {format_today()} (no. {first}). Open it") in body
    assert f'href="{detail_url(first)}"' in html
    assert " Pomoc w powrocie  na rynek pracy" in html
    assert rows(world, Referral) == 1


def test_a_referral_with_another_reason_is_sent(world):
    sent_referral(world, reason="Pomoc w powrocie na rynek pracy")
    assert send(world, reason="Szkolenie z obsługi komputera").status_code == 302
    assert rows(world, Referral) == 2


def test_the_polish_form_names_the_waiting_referral(world):
    first = sent_referral(world)
    client = login(world.app.test_client(), world.mops_worker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    body = text_of(send(world, client=client).get_data(as_text=True))
    assert ("Ta osoba ma już oczekujące skierowanie do instytucji Grodzki Urząd Pracy, "
            f"wysłane {format_today('pl')} (nr {first}). Otwórz je") in body


def format_today(locale="en"):
    from babel.dates import format_date

    return format_date(dates.today(), locale=locale)


def send_directly(world, participant_id=None, from_institution=None, service_id=None):
    with world.app.app_context(), partnership_scope(world.p.id):
        referral = send_referral(
            participant=db.session.get(Participant, participant_id or world.anna.id),
            from_institution_id=(from_institution or world.mops).id,
            to_institution_id=world.gup.id, reason="Poradnictwo",
            actor_id=world.mops_worker.id, service_id=service_id)
        db.session.commit()
        return referral.id


def test_the_referral_rules_refuse_the_duplicate_for_every_caller(world):
    consent_for_referral(world)
    first = send_directly(world, service_id=world.advice.id)
    with pytest.raises(DuplicateReferral) as refused:
        send_directly(world, service_id=world.advice.id)
    assert refused.value.existing.id == first
    # Without a service it asks for something else; sent once, then refused as well.
    send_directly(world)
    with pytest.raises(DuplicateReferral):
        send_directly(world)
    assert rows(world, Referral) == 2


def test_a_referral_for_another_service_is_sent(world):
    other = world.f.service(world.gup, name="Szkolenie komputerowe")
    first = sent_referral(world, service=str(world.advice.id))
    response = send(world, service=str(other.id))
    assert response.status_code == 302
    assert rows(world, Referral) == 2
    assert referral_row(world, first).status == "sent"


@pytest.mark.parametrize("answer", ["accepted", "declined", "completed"])
def test_once_the_referral_is_answered_a_new_one_can_be_sent(world, answer):
    first = sent_referral(world)
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Referral, first).status = answer
        db.session.commit()
    assert send(world).status_code == 302
    assert rows(world, Referral) == 2


def test_another_institution_may_refer_the_same_person_to_the_same_place(world):
    consent_for_referral(world)
    send_directly(world)
    send_directly(world, from_institution=world.ngo)
    with world.app.app_context(), partnership_scope(world.p.id):
        senders = db.session.scalars(select(Referral.from_institution_id)
                                     .order_by(Referral.id)).all()
    assert senders == [world.mops.id, world.ngo.id]


def test_a_waiting_referral_of_another_person_does_not_count(world):
    consent_for_referral(world)
    send_directly(world)
    jan = world.f.participant(world.mops, first_name="Jan", last_name="Nowak")
    world.f.consent(jan, [world.gup], purposes=("referral",))
    send_directly(world, participant_id=jan.id)
    assert rows(world, Referral) == 2


def test_the_answer_due_date_is_kept_on_the_refused_form(world):
    sent_referral(world)
    due = (dates.today() + timedelta(days=20)).isoformat()
    html = send(world, due_on=due).get_data(as_text=True)
    assert f'value="{due}"' in html
