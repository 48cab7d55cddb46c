"""Nothing new is recorded about a person whose processing is restricted (GDPR art. 18) or
whose record is anonymised (closed): service deliveries, outcomes, consents, programme paths,
family memberships and follow-ups are refused with the reason, the form keeping what was typed.
Withdrawing a consent stays possible while restricted (not once anonymised); a restricted path
can be ended but not moved on. A family has one head of household, and a consent submitted
twice is stored once."""

import html
import re
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.consents.models import Consent
from mosty.consents.service import ConsentRefused, record_consent
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.enrollment.service import (
    MEMBER_RESTRICTED_MESSAGE,
    ensure_default_target_groups,
    recruit,
)
from mosty.extensions import db
from mosty.families import service as families
from mosty.families.models import Family, FamilyMember
from mosty.outcomes.models import FollowUp, Outcome
from mosty.outcomes.service import record_follow_up, record_outcome
from mosty.participants.models import Participant
from mosty.privacy.restriction import (
    ANONYMISED_MESSAGE,
    RESTRICTED_MESSAGE,
    ProcessingRestricted,
    RecordClosed,
    lift_restriction,
    restrict,
)
from mosty.privacy.retention import anonymise
from mosty.services.models import Service, ServiceDelivery
from mosty.services.service import record_delivery
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory, login

SLUG = "straz-rekordow"
TODAY = dates.today()
TYPED = "Anna Nowak przyszła z mężem, Janem Nowakiem"
GIVEN_ON = TODAY - timedelta(days=3)
DUPLICATE = ("This consent is already recorded and in force: the same purposes, the same "
             "institutions, given on the same day. Nothing new was saved.")
SECOND_HEAD = ("This family already has a head of household: choose another relation, or "
               "remove the present head first.")


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.worker = factory.staff(w.mops)
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    w.ewa = factory.participant(w.mops, first_name="Ewa", last_name="Wiśniewska")
    w.service = factory.service(w.mops, name="Doradztwo zawodowe")
    with app.app_context(), partnership_scope(p.id):
        ensure_default_target_groups("krakow", p.id)
        ensure_default_target_groups("pomorze", p.id)
        db.session.commit()
        groups = dict(db.session.execute(select(TargetGroup.code, TargetGroup.id)).all())
    w.group_1, w.group_r = groups["1"], groups["R"]
    w.family = factory.family(w.mops, name="Rodzina Wiśniewskich", members=[(w.ewa, "head")])
    return w


def client_of(w, locale="en"):
    client = login(w.app.test_client(), w.worker)
    with client.session_transaction() as session:
        session["locale"] = locale
    return client


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def count(w, model, *where):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def consent_data(w, **overrides):
    return {"lawful_basis": "consent", "purposes": ["support", "contact"],
            "institutions": [w.gup.id], "given_on": GIVEN_ON.isoformat(), **overrides}


def post_consent(w, client=None, **overrides):
    return (client or client_of(w)).post(f"/{SLUG}/consents/new?participant={w.anna.id}",
                                         data=consent_data(w, **overrides))


def restrict_person(w, person):
    with w.app.app_context(), partnership_scope(w.p.id):
        restrict(db.session.get(Participant, person.id), reason="Kwestionuje dane adresowe",
                 actor_id=w.worker.id, institution_id=w.mops.id)
        db.session.commit()


def lift_restriction_of(w, person):
    with w.app.app_context(), partnership_scope(w.p.id):
        lift_restriction(db.session.get(Participant, person.id), reason="Dane poprawione",
                         actor_id=w.worker.id, institution_id=w.mops.id)
        db.session.commit()


def anonymise_person(w, person):
    with w.app.app_context(), partnership_scope(w.p.id):
        assert anonymise(db.session.get(Participant, person.id), actor_id=w.worker.id,
                         reason="erasure")
        db.session.commit()


def erase_through_the_privacy_page(w, person):
    """The tester's way: an erasure request for a person with no programme path is carried out
    at once."""
    response = client_of(w).post(f"/{SLUG}/privacy/participants/{person.id}/erasure",
                                 data={"received_on": TODAY.isoformat(),
                                       "confirm_erasure": "y"})
    assert response.status_code == 302
    with w.app.app_context(), partnership_scope(w.p.id):
        assert db.session.get(Participant, person.id).anonymised_at is not None


STATES = {
    "restricted": (restrict_person, RESTRICTED_MESSAGE),
    "anonymised": (erase_through_the_privacy_page, ANONYMISED_MESSAGE),
}


def target_group_kept(body, group_id):
    return re.search(rf'<option[^>]*(selected[^>]*value="{group_id}"|value="{group_id}"[^>]*'
                     rf'selected)', body) is not None


# What each form posts about Anna, the table it would write to, and how to see that what was
# typed is still in the form after the refusal.
FORMS = {
    "delivery": lambda w: (
        f"/{SLUG}/services/deliveries/new?participant={w.anna.id}",
        {"service": str(w.service.id), "delivered_on": TODAY.isoformat(), "hours": "2",
         "result": TYPED},
        ServiceDelivery, lambda body: TYPED in body),
    "outcome": lambda w: (
        f"/{SLUG}/outcomes/new?participant={w.anna.id}",
        {"kind": "training_completed", "occurred_on": TODAY.isoformat(), "note": TYPED},
        Outcome, lambda body: TYPED in body),
    "consent": lambda w: (
        f"/{SLUG}/consents/new?participant={w.anna.id}",
        {"lawful_basis": "consent", "purposes": ["support"], "institutions": [w.gup.id],
         "given_on": GIVEN_ON.isoformat()},
        Consent, lambda body: f'value="{GIVEN_ON.isoformat()}"' in body),
    "enrollment": lambda w: (
        f"/{SLUG}/enrollment/new?participant={w.anna.id}",
        {"target_group": str(w.group_1)},
        Enrollment, lambda body: target_group_kept(body, w.group_1)),
}


@pytest.mark.parametrize("kind", FORMS)
@pytest.mark.parametrize("state", STATES)
def test_no_new_record_is_accepted_about_a_restricted_or_anonymised_person(world, state, kind):
    change, message = STATES[state]
    url, data, model, typed_is_kept = FORMS[kind](world)
    change(world, world.anna)
    response = client_of(world).post(url, data=data)
    assert response.status_code == 422
    body = text_of(response)
    assert str(message) in body
    assert typed_is_kept(body)
    assert count(world, model, model.participant_id == world.anna.id) == 0


@pytest.mark.parametrize("kind", FORMS)
def test_the_form_says_so_before_anything_is_typed(world, kind):
    url, _data, _model, _kept = FORMS[kind](world)
    restrict_person(world, world.anna)
    response = client_of(world).get(url)
    assert response.status_code == 200
    assert str(RESTRICTED_MESSAGE) in text_of(response)
    other = client_of(world).get(url.replace(str(world.anna.id), str(world.ewa.id)))
    assert str(RESTRICTED_MESSAGE) not in text_of(other)


@pytest.mark.parametrize("state", STATES)
def test_the_domain_functions_refuse_a_restricted_or_anonymised_person(world, state):
    change, message = STATES[state]
    change(world, world.anna)
    with world.app.app_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        calls = (
            lambda: record_delivery(anna, db.session.get(Service, world.service.id),
                                    delivered_on=TODAY, hours=1, result="", staff_id=None),
            lambda: record_outcome(anna, institution_id=world.mops.id, values={
                "kind": "training_completed", "occurred_on": TODAY}),
            lambda: record_consent(anna, institution_id=world.mops.id, actor_id=None,
                                   lawful_basis="consent", purposes=["support"],
                                   institution_ids=[world.gup.id], given_on=TODAY),
            lambda: recruit(anna, db.session.get(TargetGroup, world.group_1),
                            institution_id=world.mops.id, actor_id=None),
            lambda: families.add_member(db.session.get(Family, world.family.id), anna,
                                        "spouse"),
        )
        for call in calls:
            with pytest.raises(ProcessingRestricted) as refused:
                call()
            assert str(refused.value) == str(message)
            assert isinstance(refused.value, RecordClosed) == (state == "anonymised")
            db.session.rollback()


@pytest.mark.parametrize("state", STATES)
def test_a_restricted_or_anonymised_person_cannot_join_a_family(world, state):
    change, message = STATES[state]
    change(world, world.anna)
    client = client_of(world)
    response = client.post(f"/{SLUG}/families/{world.family.id}/members",
                           data={"participant_id": world.anna.id, "relation": "spouse"})
    assert response.status_code == 422
    assert str(message) in text_of(response)
    assert count(world, FamilyMember, FamilyMember.participant_id == world.anna.id) == 0


def test_the_family_page_offers_no_add_button_for_a_restricted_person(world):
    stranger = world.f.participant(world.mops, first_name="Zofia", last_name="Nowak")
    restrict_person(world, world.anna)
    page = text_of(client_of(world).get(
        f"/{SLUG}/families/{world.family.id}/?member_q=Nowak"))
    assert "Processing restricted (GDPR art. 18): cannot join a family now." in page
    assert f'name="participant_id" value="{world.anna.id}"' not in page
    assert f'name="participant_id" value="{stranger.id}"' in page


# --- consents: withdrawal --------------------------------------------------------------------


def withdraw(w, consent):
    return client_of(w).post(f"/{SLUG}/consents/{consent.id}/withdraw",
                             data={"withdrawn_on": TODAY.isoformat()})


def withdrawn_on(w, consent):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.get(Consent, consent.id).withdrawn_on


def test_a_restricted_person_may_withdraw_a_consent_but_give_no_new_one(world):
    consent = world.f.consent(world.anna, [world.gup])
    restrict_person(world, world.anna)
    client = client_of(world)
    refused = client.post(f"/{SLUG}/consents/new?participant={world.anna.id}",
                          data=consent_data(world))
    assert refused.status_code == 422 and str(RESTRICTED_MESSAGE) in text_of(refused)
    assert withdraw(world, consent).status_code == 302
    assert withdrawn_on(world, consent) == TODAY
    assert count(world, Consent) == 1


def test_a_consent_of_an_anonymised_person_cannot_be_withdrawn(world):
    consent = world.f.consent(world.anna, [world.gup])
    anonymise_person(world, world.anna)
    form = client_of(world).get(f"/{SLUG}/consents/{consent.id}/withdraw")
    assert form.status_code == 200 and str(ANONYMISED_MESSAGE) in text_of(form)
    response = withdraw(world, consent)
    assert response.status_code == 422
    assert str(ANONYMISED_MESSAGE) in text_of(response)
    assert withdrawn_on(world, consent) is None


# --- programme paths and follow-ups ------------------------------------------------------------


def path_of(w, person, status="recruited", ended_on=None, family=None):
    with w.app.app_context(), partnership_scope(w.p.id):
        enrollment = Enrollment(
            participant_id=None if family else person.id,
            family_id=family.id if family else None, institution_id=w.mops.id,
            target_group_id=w.group_r if family else w.group_1, status=status,
            recruited_on=TODAY - timedelta(days=300), ended_on=ended_on)
        db.session.add(enrollment)
        db.session.commit()
        return SimpleNamespace(id=enrollment.id)


def status_of(w, enrollment):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.get(Enrollment, enrollment.id).status


def test_a_restricted_path_can_be_ended_but_not_moved_on(world):
    path = path_of(world, world.anna)
    restrict_person(world, world.anna)
    client = client_of(world)
    refused = client.post(f"/{SLUG}/enrollment/{path.id}/assess", follow_redirects=True)
    assert str(RESTRICTED_MESSAGE) in text_of(refused)
    assert status_of(world, path) == "recruited"
    response = client.post(f"/{SLUG}/enrollment/{path.id}/exit", data={"reason": "withdrew"})
    assert response.status_code == 302
    assert status_of(world, path) == "exited"


@pytest.mark.parametrize("state", STATES)
def test_an_eligible_path_of_a_restricted_or_anonymised_person_is_not_started(world, state):
    # An open path holds an erasure request back, so the record is anonymised directly.
    change, message = {**STATES, "anonymised": (anonymise_person, ANONYMISED_MESSAGE)}[state]
    path = path_of(world, world.anna, status="eligible")
    change(world, world.anna)
    client = client_of(world)
    refused = client.post(f"/{SLUG}/enrollment/{path.id}/start", follow_redirects=True)
    assert refused.status_code == 200 and str(message) in text_of(refused)
    assert status_of(world, path) == "eligible"


def test_a_family_path_is_not_moved_on_while_a_member_is_restricted(world):
    path = path_of(world, None, family=world.family)
    restrict_person(world, world.ewa)
    client = client_of(world)
    refused = client.post(f"/{SLUG}/enrollment/{path.id}/assess", follow_redirects=True)
    assert str(MEMBER_RESTRICTED_MESSAGE) in text_of(refused)
    assert status_of(world, path) == "recruited"
    lift_restriction_of(world, world.ewa)
    client.post(f"/{SLUG}/enrollment/{path.id}/assess")
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Enrollment, path.id).eligibility is not None


def test_a_family_with_a_restricted_member_is_not_recruited_an_anonymised_one_is(world):
    restrict_person(world, world.ewa)
    url = f"/{SLUG}/enrollment/new?family={world.family.id}"
    client = client_of(world)
    response = client.post(url, data={"target_group": str(world.group_r)})
    assert response.status_code == 422
    body = text_of(response)
    assert str(MEMBER_RESTRICTED_MESSAGE) in body and target_group_kept(body, world.group_r)
    assert count(world, Enrollment) == 0
    # An anonymised member does not stop the family: the record stays closed, the family goes on.
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.add(FamilyMember(family_id=world.family.id, participant_id=world.anna.id,
                                    relation="spouse"))
        db.session.commit()
    anonymise_person(world, world.anna)
    lift_restriction_of(world, world.ewa)
    assert client.post(url, data={"target_group": str(world.group_r)}).status_code == 302
    assert count(world, Enrollment, Enrollment.family_id == world.family.id) == 1


@pytest.mark.parametrize("state", STATES)
def test_no_follow_up_is_recorded_about_a_restricted_or_anonymised_person(world, state):
    change, message = STATES[state]
    path = path_of(world, world.anna, status="completed", ended_on=TODAY - timedelta(days=100))
    with world.app.app_context(), partnership_scope(world.p.id):
        enrollment = db.session.get(Enrollment, path.id)
        enrollment.retention_until = TODAY - timedelta(days=1)  # so erasure is carried out
        db.session.commit()
    change(world, world.anna)
    response = client_of(world).post(
        f"/{SLUG}/outcomes/follow-ups/new?enrollment={path.id}&months=3",
        data={"months": "3", "status": "employed", "checked_on": TODAY.isoformat(),
              "note": TYPED})
    assert response.status_code == 422
    body = text_of(response)
    assert str(message) in body and TYPED in body
    assert count(world, FollowUp) == 0
    with world.app.app_context(), partnership_scope(world.p.id), \
            pytest.raises(ProcessingRestricted):
        record_follow_up(db.session.get(Enrollment, path.id), months=3, status="employed",
                         checked_on=TODAY, note="")


# --- one head of household -----------------------------------------------------------------------


def heads(w):
    return count(w, FamilyMember, FamilyMember.family_id == w.family.id,
                 FamilyMember.relation == "head")


def test_a_family_has_one_head_of_household(world):
    client = client_of(world)
    url = f"/{SLUG}/families/{world.family.id}/members?member_q=Anna"
    response = client.post(url, data={"participant_id": world.anna.id, "relation": "head"})
    assert response.status_code == 422
    body = text_of(response)
    assert SECOND_HEAD in body
    # What was chosen stays: Anna is still offered, with "head" selected.
    row = body[body.index(f'name="participant_id" value="{world.anna.id}"'):]
    assert re.search(r'<option value="head" selected>', row[:row.index("</select>")])
    assert heads(world) == 1
    assert client.post(url, data={"participant_id": world.anna.id,
                                  "relation": "spouse"}).status_code == 302
    assert heads(world) == 1


def test_the_refusal_of_a_second_head_reads_in_polish(world):
    response = client_of(world, "pl").post(
        f"/{SLUG}/families/{world.family.id}/members",
        data={"participant_id": world.anna.id, "relation": "head"})
    assert response.status_code == 422
    assert "Ta rodzina ma już głowę gospodarstwa domowego" in text_of(response)


def test_the_family_page_offers_head_only_while_there_is_none(world):
    page = text_of(client_of(world).get(f"/{SLUG}/families/{world.family.id}/?member_q=Anna"))
    assert 'value="head"' not in page
    headless = world.f.family(world.mops, members=[(world.ewa, "spouse")])
    page = text_of(client_of(world).get(f"/{SLUG}/families/{headless.id}/?member_q=Anna"))
    assert 'value="head"' in page


def test_the_domain_function_refuses_a_second_head(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        with pytest.raises(families.MembershipRefused) as refused:
            families.add_member(db.session.get(Family, world.family.id),
                                db.session.get(Participant, world.anna.id), "head")
        assert str(refused.value) == str(families.SECOND_HEAD_MESSAGE)


# --- a consent submitted twice -------------------------------------------------------------------


def test_a_consent_submitted_twice_is_stored_once(world):
    assert post_consent(world).status_code == 302
    response = post_consent(world)
    assert response.status_code == 422
    body = text_of(response)
    assert DUPLICATE in body and f'value="{GIVEN_ON.isoformat()}"' in body
    assert count(world, Consent) == 1


def test_the_refusal_of_a_duplicate_consent_reads_in_polish(world):
    client = client_of(world, "pl")
    post_consent(world, client)
    assert "Ta zgoda jest już zapisana i obowiązuje" in text_of(post_consent(world, client))


def test_only_an_identical_consent_in_force_is_refused(world):
    ngo = world.f.institution(world.p, name="Fundacja Pomocna Dłoń", kind="ngo")
    assert post_consent(world).status_code == 302
    assert post_consent(world).status_code == 422
    for change in ({"purposes": ["support"]},
                   {"given_on": (GIVEN_ON - timedelta(days=1)).isoformat()},
                   {"institutions": [world.gup.id, ngo.id]}):
        assert post_consent(world, **change).status_code == 302
    assert count(world, Consent) == 4
    # Once the first is withdrawn, the same consent may be given again.
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.scalar(select(Consent).order_by(Consent.id)).withdrawn_on = TODAY
        db.session.commit()
    assert post_consent(world).status_code == 302
    assert count(world, Consent) == 5


@pytest.mark.postgres
def test_two_submits_at_once_store_one_consent(pg_app):
    """A double click sends both requests before the first has committed: the second waits on
    the person's row, then finds the first consent and is refused."""
    factory = RegistryFactory(pg_app)
    p = factory.partnership(slug=SLUG)
    mops = factory.institution(p, name="MOPS Kraków")
    gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    anna = factory.participant(mops, first_name="Anna", last_name="Nowak")
    first_flushed, first_may_commit = threading.Event(), threading.Event()
    results = {}

    def submit(name, before_commit=None):
        with pg_app.app_context(), partnership_scope(p.id):
            try:
                record_consent(db.session.get(Participant, anna.id), institution_id=mops.id,
                               actor_id=None, lawful_basis="consent", purposes=["support"],
                               institution_ids=[gup.id], given_on=GIVEN_ON)
                if before_commit:
                    before_commit()
                db.session.commit()
                results[name] = "recorded"
            except ConsentRefused:
                db.session.rollback()
                results[name] = "refused"

    def hold_until_told():
        first_flushed.set()
        first_may_commit.wait(10)

    first = threading.Thread(target=submit, args=("first", hold_until_told))
    second = threading.Thread(target=submit, args=("second",))
    first.start()
    assert first_flushed.wait(10)
    second.start()
    second.join(1)  # it waits on the first one's lock
    first_may_commit.set()
    first.join(10)
    second.join(10)
    assert results == {"first": "recorded", "second": "refused"}
    with pg_app.app_context(), partnership_scope(p.id):
        assert db.session.scalar(select(func.count()).select_from(Consent)) == 1
