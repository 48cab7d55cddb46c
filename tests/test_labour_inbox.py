"""The labour office's inbox of referrals: referrals addressed to the office with their SLA
clocks and overdue flags; accepting onto an activation instrument (the enrolment is made in the
same transaction, or nothing is) or with a service; declining with a reason; completing with
the result. Each answer is one audited transition of the registry's referral."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from mosty import dates
from mosty.referrals.models import Referral
from test_labour_activation import add_instrument, enrolments, places_taken
from test_labour_registration import SLUG, audit_entries, client_of, in_a, labour_world


@pytest.fixture
def world(app, factory):
    w = labour_world(app, factory)
    w.referral = factory.referral(w.anna, w.mops, w.gup, reason="Powrót na rynek pracy")
    w.advice = factory.service(w.gup, name="Poradnictwo zawodowe")
    return w


def referral_row(world, referral_id=None):
    with in_a(world) as session:
        r = session.get(Referral, referral_id or world.referral.id)
        return SimpleNamespace(status=r.status, service_id=r.service_id,
                               decline_reason=r.decline_reason, result=r.result)


def inbox_url(referral_id=None, action=""):
    if referral_id is None:
        return f"/{SLUG}/labour/inbox/"
    return f"/{SLUG}/labour/inbox/{referral_id}/{action}"


def referral_entries(world, before):
    return [(e.action, e.object_type, (e.detail or {}).get("to"), e.institution_id)
            for e in audit_entries(world)[len(before):] if e.action != "read"]


def test_the_inbox_lists_referrals_to_the_office_with_clock_and_overdue_flag(world):
    with in_a(world) as session:
        session.execute(update(Referral).where(Referral.id == world.referral.id)
                        .values(due_on=dates.today() - timedelta(days=3)))
        session.commit()
    other = world.f.referral(world.anna, world.mops, world.ngo, reason="Do fundacji")
    client = client_of(world, world.gup_clerk)
    before = audit_entries(world)
    page = client.get(inbox_url()).get_data(as_text=True)
    assert "Anna Nowak" in page and "Powrót na rynek pracy" in page
    assert "Do fundacji" not in page
    assert "3 days past the due date" in page and "overdue" in page
    assert "1 received referral is past its due date." in page
    (entry,) = audit_entries(world)[len(before):]
    assert entry.action == "read" and entry.detail["ids"] == [world.referral.id]
    only_overdue = client.get(inbox_url() + "?overdue=1").get_data(as_text=True)
    assert "Anna Nowak" in only_overdue
    assert other.id != world.referral.id


def test_accepting_onto_an_instrument_enrols_the_person_in_the_same_answer(world):
    instrument = add_instrument(world, capacity=3)
    client = client_of(world, world.gup_clerk)
    detail = client.get(inbox_url(world.referral.id)).get_data(as_text=True)
    assert "Kurs opiekuna osób starszych" in detail and "3 places left" in detail
    before = audit_entries(world)
    response = client.post(inbox_url(world.referral.id, "accept"),
                           data={"instrument": instrument.id, "service": ""})
    assert response.status_code == 302
    assert referral_row(world).status == "accepted"
    (enrolment,) = enrolments(world, instrument)
    assert (enrolment.participant_id, enrolment.status) == (world.anna.id, "enrolled")
    with in_a(world) as session:
        from mosty_labour.activation.models import InstrumentEnrolment

        assert session.scalar(select(InstrumentEnrolment.referral_id)) == world.referral.id
    assert places_taken(world, instrument) == 1
    assert referral_entries(world, before) == [
        ("transition", "Referral", "accepted", world.gup.id),
        ("create", "InstrumentEnrolment", None, world.gup.id),
    ]
    page = client.get(inbox_url(world.referral.id)).get_data(as_text=True)
    assert "Placed on" in page and "Mark as completed" in page


def test_a_full_instrument_refuses_the_acceptance_and_the_referral_stays_waiting(world):
    instrument = add_instrument(world, capacity=1)
    client = client_of(world, world.gup_clerk)
    other = world.f.participant(world.mops, first_name="Beata", last_name="Pełna")
    world.f.consent(other, [world.gup])
    client.post(f"/{SLUG}/labour/enrolments/new?participant={other.id}",
                data={"instrument": instrument.id, "enrolled_on": dates.today().isoformat()})
    assert places_taken(world, instrument) == 1
    response = client.post(inbox_url(world.referral.id, "accept"),
                           data={"instrument": instrument.id})
    assert response.status_code == 422  # no longer among the instruments offered
    assert referral_row(world).status == "sent"
    assert places_taken(world, instrument) == 1


def test_an_enrolment_refused_after_the_answer_undoes_the_answer(world):
    """The instrument filled up between the form and the click: all or nothing."""
    from mosty_labour.activation import transitions

    instrument = add_instrument(world, capacity=1)
    # The person is already on it through another way: enrol refuses after accept ran.
    with in_a(world) as session:
        from mosty.participants.models import Participant
        from mosty_labour.activation.models import ActivationInstrument

        transitions.enrol(session.get(Participant, world.anna.id),
                          session.get(ActivationInstrument, instrument.id),
                          office_id=world.gup.id, actor_id=None)
        session.execute(update(ActivationInstrument).values(capacity=2))
        session.commit()
    before = audit_entries(world)
    response = client_of(world, world.gup_clerk).post(
        inbox_url(world.referral.id, "accept"), data={"instrument": instrument.id})
    assert response.status_code == 422
    assert "already enrolled" in response.get_data(as_text=True)
    assert referral_row(world).status == "sent"
    assert places_taken(world, instrument) == 1
    assert referral_entries(world, before) == []


def test_accepting_with_a_service_records_the_service(world):
    before = audit_entries(world)
    response = client_of(world, world.gup_clerk).post(
        inbox_url(world.referral.id, "accept"), data={"service": world.advice.id})
    assert response.status_code == 302
    row = referral_row(world)
    assert (row.status, row.service_id) == ("accepted", world.advice.id)
    assert referral_entries(world, before) == [("transition", "Referral", "accepted",
                                                 world.gup.id)]


def test_accepting_needs_exactly_one_choice(world):
    instrument = add_instrument(world)
    client = client_of(world, world.gup_clerk)
    for data in ({}, {"instrument": instrument.id, "service": world.advice.id}):
        response = client.post(inbox_url(world.referral.id, "accept"), data=data)
        assert response.status_code == 422
        assert "Choose either an activation instrument or a service." in response.get_data(
            as_text=True)
    assert referral_row(world).status == "sent"


def test_declining_needs_a_reason_and_is_audited(world):
    client = client_of(world, world.gup_clerk)
    empty = client.post(inbox_url(world.referral.id, "decline"), data={"decline_reason": " "})
    assert empty.status_code == 422
    assert "Give the reason for declining." in empty.get_data(as_text=True)
    before = audit_entries(world)
    response = client.post(inbox_url(world.referral.id, "decline"),
                           data={"decline_reason": "Osoba zarejestrowana w innym urzędzie"})
    assert response.status_code == 302
    row = referral_row(world)
    assert (row.status, row.decline_reason) == ("declined",
                                                "Osoba zarejestrowana w innym urzędzie")
    assert referral_entries(world, before) == [("transition", "Referral", "declined",
                                                 world.gup.id)]
    again = client.post(inbox_url(world.referral.id, "accept"), data={"service": world.advice.id})
    assert again.status_code == 422
    assert "already been answered" in again.get_data(as_text=True)


def test_completing_records_the_result_offered_from_the_placement(world):
    instrument = add_instrument(world, starts_on=dates.today() - timedelta(days=5))
    client = client_of(world, world.gup_clerk)
    assert client.post(inbox_url(world.referral.id, "complete"),
                       data={"result": "x"}).status_code == 422  # not accepted yet
    client.post(inbox_url(world.referral.id, "accept"), data={"instrument": instrument.id})
    (enrolment,) = enrolments(world, instrument)
    client.post(f"/{SLUG}/labour/enrolments/{enrolment.id}/complete",
                data={"ended_on": dates.today().isoformat()})
    page = client.get(inbox_url(world.referral.id)).get_data(as_text=True)
    assert "Kurs opiekuna osób starszych: completed" in page  # the result, filled in
    before = audit_entries(world)
    response = client.post(inbox_url(world.referral.id, "complete"),
                           data={"result": "Ukończyła kurs opiekuna"})
    assert response.status_code == 302
    row = referral_row(world)
    assert (row.status, row.result) == ("completed", "Ukończyła kurs opiekuna")
    assert referral_entries(world, before) == [("transition", "Referral", "completed",
                                                 world.gup.id)]
    timeline = client_of(world, world.mops_worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    for event in ("Referral accepted", "Enrolled on Kurs opiekuna osób starszych",
                  "Completed Kurs opiekuna osób starszych", "Referral completed"):
        assert event in timeline


def test_who_may_answer(world):
    instrument = add_instrument(world)
    accept = {"instrument": instrument.id}
    # The sender follows the referral on the registry's page and cannot answer it.
    sender = client_of(world, world.mops_clerk)
    response = sender.get(inbox_url(world.referral.id))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{SLUG}/referrals/{world.referral.id}/")
    assert sender.post(inbox_url(world.referral.id, "accept"), data=accept).status_code == 403
    # A caseworker of the labour office reads, but answering needs the module's write access.
    caseworker = client_of(world, world.gup_caseworker)
    assert "Accept the referral" not in caseworker.get(inbox_url(world.referral.id)).get_data(
        as_text=True)
    assert caseworker.post(inbox_url(world.referral.id, "accept"), data=accept).status_code == 403
    # Institutions not involved, and other partnerships: 404.
    assert client_of(world, world.uppk_clerk).get(inbox_url(world.referral.id)).status_code == 404
    assert client_of(world, world.uppk_clerk).post(
        inbox_url(world.referral.id, "accept"), data=accept).status_code == 404
    assert client_of(world, world.b.clerk).get(
        f"/labour-b/labour/inbox/{world.referral.id}/").status_code == 404
    assert referral_row(world).status == "sent"
    assert places_taken(world, instrument) == 0


def test_the_inbox_and_the_register_are_in_the_menu_of_case_staff_only(world, factory):
    coordinator = factory.staff(world.gup, roles=("coordinator",))
    menu = client_of(world, coordinator).get(f"/{SLUG}/").get_data(as_text=True)
    assert "Activation instruments" in menu
    assert "Referrals to the labour office" not in menu and "Register of the labour office" not in menu
    clerk_menu = client_of(world, world.gup_clerk).get(f"/{SLUG}/").get_data(as_text=True)
    assert "Referrals to the labour office" in clerk_menu
    assert client_of(world, coordinator).get(inbox_url()).status_code == 404


@pytest.mark.postgres
def test_numbers_beyond_a_database_integer_are_nobodys_rows(pg_app):
    """PostgreSQL refuses such a number in a query: the pages answer 404 before asking."""
    from mosty.testing.factories import RegistryFactory

    world = labour_world(pg_app, RegistryFactory(pg_app))
    client = client_of(world, world.gup_clerk)
    for path in ("labour/inbox/{big}/", "labour/registration/{big}/",
                 "labour/instruments/{big}/", "labour/enrolments/{big}/",
                 "labour/enrolments/new?participant={big}"):
        assert client.get(f"/{SLUG}/" + path.format(big=2**40)).status_code == 404, path
    # Job offers too (every route of the blueprint: the check runs before the view).
    for method, path in (("get", "labour/offers/{big}"), ("get", "labour/offers/{big}/edit"),
                         ("post", "labour/offers/{big}/close"),
                         ("post", "labour/offers/candidates/{big}/hired")):
        response = getattr(client, method)(f"/{SLUG}/" + path.format(big=2**31))
        assert response.status_code == 404, path


def test_the_module_front_door_leads_case_staff_to_the_inbox_and_others_to_the_offers(world):
    clerk = client_of(world, world.gup_clerk)
    response = clerk.get(f"/{SLUG}/labour/")
    assert response.status_code == 302 and response.location.endswith(inbox_url())
    coordinator = world.f.staff(world.gup, roles=("coordinator",))
    response = client_of(world, coordinator).get(f"/{SLUG}/labour/")
    assert response.status_code == 302
    assert response.location.endswith(f"/{SLUG}/labour/offers/")


# --- review fixes: a welfare centre's staff, an instrument starting later --------------------


def test_a_welfare_centre_has_neither_the_labour_inbox_nor_the_register(world):
    """A MOPS advisor: the menu offered "Referrals to the labour office" (listing the MOPS's
    own incoming referrals) and "Register of the labour office" (which they cannot keep)."""
    incoming = world.f.referral(world.anna, world.ngo, world.mops, reason="Do MOPS")
    for user in (world.mops_worker, world.mops_clerk):
        client = client_of(world, user)
        menu = client.get(f"/{SLUG}/").get_data(as_text=True)
        assert "Activation instruments" in menu  # the module itself is theirs to read
        assert "Referrals to the labour office" not in menu
        assert "Register of the labour office" not in menu
        assert client.get(inbox_url()).status_code == 403
        assert client.get(f"/{SLUG}/labour/registration/").status_code == 403
        front = client.get(f"/{SLUG}/labour/")
        assert front.location.endswith(f"/{SLUG}/labour/offers/")
        # Its own referrals are answered in the registry, not on the labour office's page.
        detail = client.get(inbox_url(incoming.id))
        assert detail.status_code == 302
        assert detail.location.endswith(f"/{SLUG}/referrals/{incoming.id}/")
    # A labour office's caseworker without the clerk role keeps both.
    menu = client_of(world, world.gup_caseworker).get(f"/{SLUG}/").get_data(as_text=True)
    assert "Referrals to the labour office" in menu and "Register of the labour office" in menu


def test_accepting_onto_an_instrument_that_starts_later_enrols_from_its_start(world):
    starts = dates.today() + timedelta(days=20)
    instrument = add_instrument(world, starts_on=starts, ends_on=starts + timedelta(days=30))
    response = client_of(world, world.gup_clerk).post(inbox_url(world.referral.id, "accept"),
                                                      data={"instrument": instrument.id})
    assert response.status_code == 302
    with in_a(world) as session:
        from mosty_labour.activation.models import InstrumentEnrolment

        enrolment = session.scalars(select(InstrumentEnrolment)).one()
        assert (enrolment.enrolled_on, enrolment.referral_id) == (starts, world.referral.id)
