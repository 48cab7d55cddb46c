"""Consents: the registering institution records which institutions may see a person's record
and for what; the named institutions get access at once and lose it at once on withdrawal."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.consents.models import Consent, ConsentInstitution
from mosty.extensions import db
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "krakow-test"
TODAY = dates.today()


@pytest.fixture
def world(app, factory):
    """Partnership A: MOPS registered Jan; the labour office (GUP) and an NGO are partners.
    Partnership B has its own institution and participant."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków", kind="ops")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.ngo = factory.institution(p, name="Fundacja Most", kind="ngo")
    w.mops_worker = factory.staff(w.mops, name="Ewa Doradczyni")
    w.gup_worker = factory.staff(w.gup)
    w.ngo_worker = factory.staff(w.ngo)
    w.jan = factory.participant(w.mops, first_name="Jan", last_name="Wiśniewski", sex="male")
    b = factory.partnership(slug="pomorze-test")
    w.foreign = factory.institution(b, name="PUP Białogard")
    w.foreign_person = factory.participant(w.foreign)
    return w


def client_of(world, user):
    """A signed-in browser reading English, so the messages below are the msgids."""
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def page_of(world, user, participant=None):
    participant = participant or world.jan
    return client_of(world, user).get(f"/{SLUG}/participants/{participant.id}/")


def consents(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [SimpleNamespace(id=c.id, lawful_basis=c.lawful_basis, purposes=c.purposes,
                                given_on=c.given_on, withdrawn_on=c.withdrawn_on,
                                recorded_by_id=c.recorded_by_id, institution_id=c.institution_id,
                                named=sorted(link.institution_id for link in c.shared_with))
                for c in db.session.scalars(select(Consent).order_by(Consent.id))]


def consent_links(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return db.session.scalar(select(func.count()).select_from(ConsentInstitution))


def audit_entries(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def new_entries(world, before):
    return audit_entries(world)[len(before):]


def consent_form(world, **overrides):
    data = {"lawful_basis": "consent", "purposes": ["support", "contact"],
            "institutions": [world.gup.id], "given_on": TODAY.isoformat()}
    data.update(overrides)
    return data


def record(world, client=None, participant=None, **overrides):
    client = client or client_of(world, world.mops_worker)
    participant = participant or world.jan
    return client.post(f"/{SLUG}/consents/new?participant={participant.id}",
                       data=consent_form(world, **overrides))


def withdraw_url(consent_id):
    return f"/{SLUG}/consents/{consent_id}/withdraw"


# --- recording ------------------------------------------------------------------------------


def test_the_consent_form_offers_the_other_institutions_of_the_partnership(world):
    response = client_of(world, world.mops_worker).get(
        f"/{SLUG}/consents/new?participant={world.jan.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jan Wiśniewski" in body
    assert "Grodzki Urząd Pracy" in body and "Fundacja Most" in body
    assert "PUP Białogard" not in body
    choices = re.search(r'<ul class="checks" id="institutions">.*?</ul>', body, re.S).group(0)
    assert "Grodzki Urząd Pracy" in choices and "MOPS Kraków" not in choices
    for purpose in ("support", "referral", "reporting", "contact"):
        assert f'value="{purpose}"' in body
    assert TODAY.isoformat() in body


def test_recording_a_consent_gives_the_named_institution_the_record_at_once(world):
    assert page_of(world, world.gup_worker).status_code == 404
    before = audit_entries(world)
    response = record(world, purposes=["support", "referral"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{SLUG}/participants/{world.jan.id}/")
    [consent] = consents(world)
    assert consent.purposes == ["support", "referral"]
    assert consent.named == [world.gup.id]
    assert consent.recorded_by_id == world.mops_worker.id
    assert consent.institution_id == world.mops.id
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "Consent",
                                                                  str(consent.id))
    assert entry.detail["institution_ids"] == [world.gup.id]
    assert "Wiśniewski" not in str(entry.detail)

    assert page_of(world, world.gup_worker).status_code == 200
    assert page_of(world, world.ngo_worker).status_code == 404


def test_a_consent_for_referrals_only_does_not_open_the_record(world):
    assert record(world, purposes=["referral"]).status_code == 302
    assert page_of(world, world.gup_worker).status_code == 404


def test_a_consent_given_in_the_past_counts_from_that_date(world):
    assert record(world, given_on="2023-05-04").status_code == 302
    assert consents(world)[0].given_on == date(2023, 5, 4)
    assert page_of(world, world.gup_worker).status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("purposes", [], "Choose at least one purpose."),
    ("purposes", "marketing", "Choose one of the options offered."),
    ("institutions", [], "Choose at least one institution."),
    ("institutions", "FOREIGN", "Choose one of the options offered."),
    ("institutions", "OWN", "Choose one of the options offered."),
    ("institutions", "abc", "Choose one of the options offered."),
    ("institutions", "999999", "Choose one of the options offered."),
    ("lawful_basis", "because", "Choose one of the options offered."),
    ("lawful_basis", "<script>alert(1)</script>", "Choose one of the options offered."),
    ("given_on", "2024-13-01", "Enter a date as YYYY-MM-DD."),
    ("given_on", "x" * 10_000, "Enter a date as YYYY-MM-DD."),
    ("given_on", "", "Enter a date as YYYY-MM-DD."),
    ("given_on", (TODAY + timedelta(days=1)).isoformat(), "The date cannot be in the future."),
])
def test_bad_input_on_the_consent_form_gets_a_message_and_saves_nothing(world, field, value,
                                                                         message):
    if value in ("FOREIGN", "OWN"):
        value = world.foreign.id if value == "FOREIGN" else world.mops.id
    before = audit_entries(world)
    response = record(world, **{field: value})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "<script>alert(1)</script>" not in body
    assert consents(world) == [] and consent_links(world) == 0
    assert [e.action for e in new_entries(world, before)] == ["read"]
    assert page_of(world, world.gup_worker).status_code == 404


def test_only_the_registering_institution_records_consents(world):
    world.f.consent(world.jan, [world.gup], purposes=("support",))
    gup = client_of(world, world.gup_worker)
    assert gup.get(f"/{SLUG}/consents/new?participant={world.jan.id}").status_code == 403
    assert record(world, client=gup, institutions=[world.ngo.id]).status_code == 403
    assert len(consents(world)) == 1


def test_an_institution_that_cannot_see_the_person_gets_404_on_the_consent_form(world):
    ngo = client_of(world, world.ngo_worker)
    assert ngo.get(f"/{SLUG}/consents/new?participant={world.jan.id}").status_code == 404
    assert record(world, client=ngo).status_code == 404
    assert consents(world) == []


@pytest.mark.parametrize("query", ["?participant=abc", "?participant=999999",
                                   "?participant=-1", "?participant=FOREIGN"])
def test_the_consent_form_of_an_unknown_or_foreign_person_is_404(world, query):
    query = query.replace("FOREIGN", str(world.foreign_person.id))
    response = client_of(world, world.mops_worker).get(f"/{SLUG}/consents/new{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["", "?participant="])
def test_the_consent_form_without_a_person_sends_me_to_the_participants(world, query):
    response = client_of(world, world.mops_worker).get(f"/{SLUG}/consents/new{query}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{SLUG}/participants/")
    assert consents(world) == []


def test_people_without_a_case_role_cannot_record_consents(world):
    admin = world.f.staff(world.mops, roles=("partnership_admin",))
    assert client_of(world, admin).get(
        f"/{SLUG}/consents/new?participant={world.jan.id}").status_code == 404


# --- withdrawing ----------------------------------------------------------------------------


def test_withdrawing_a_consent_ends_the_named_institutions_access_at_once(world):
    consent = world.f.consent(world.jan, [world.gup, world.ngo], purposes=("support",))
    assert page_of(world, world.gup_worker).status_code == 200
    assert page_of(world, world.ngo_worker).status_code == 200
    mops = client_of(world, world.mops_worker)
    assert mops.get(withdraw_url(consent.id)).status_code == 200

    before = audit_entries(world)
    response = mops.post(withdraw_url(consent.id), data={"withdrawn_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert consents(world)[0].withdrawn_on == TODAY
    [entry] = new_entries(world, before)
    assert (entry.action, entry.object_type, entry.detail["fields"]) == (
        "update", "Consent", ["withdrawn_on"])

    assert page_of(world, world.gup_worker).status_code == 404
    assert page_of(world, world.ngo_worker).status_code == 404
    assert page_of(world, world.mops_worker).status_code == 200


def test_the_withdrawal_page_names_the_institutions_that_lose_access(world):
    consent = world.f.consent(world.jan, [world.gup], recorded_by=world.mops_worker)
    body = client_of(world, world.mops_worker).get(withdraw_url(consent.id)).get_data(
        as_text=True)
    assert "Grodzki Urząd Pracy" in body and "Ewa Doradczyni" in body


@pytest.mark.parametrize("value, message", [
    ("", "Enter a date as YYYY-MM-DD."),
    ("wczoraj", "Enter a date as YYYY-MM-DD."),
    ((TODAY + timedelta(days=3)).isoformat(), "The date cannot be in the future."),
    ("2023-12-31", "A consent cannot be withdrawn before it was given."),
])
def test_bad_input_on_the_withdrawal_gets_a_message_and_keeps_the_consent(world, value, message):
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    response = client_of(world, world.mops_worker).post(withdraw_url(consent.id),
                                                        data={"withdrawn_on": value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert consents(world)[0].withdrawn_on is None
    assert page_of(world, world.gup_worker).status_code == 200


def test_a_withdrawn_consent_cannot_be_withdrawn_again(world):
    consent = world.f.consent(world.jan, [world.gup], withdrawn_on=TODAY - timedelta(days=5))
    response = client_of(world, world.mops_worker).post(withdraw_url(consent.id),
                                                        data={"withdrawn_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "This consent has already been withdrawn." in response.get_data(as_text=True)
    assert consents(world)[0].withdrawn_on == TODAY - timedelta(days=5)


def test_only_the_registering_institution_withdraws_a_consent(world):
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    gup = client_of(world, world.gup_worker)
    assert gup.get(withdraw_url(consent.id)).status_code == 403
    assert gup.post(withdraw_url(consent.id),
                    data={"withdrawn_on": TODAY.isoformat()}).status_code == 403
    ngo = client_of(world, world.ngo_worker)
    assert ngo.post(withdraw_url(consent.id),
                    data={"withdrawn_on": TODAY.isoformat()}).status_code == 404
    assert consents(world)[0].withdrawn_on is None


def test_a_consent_of_partnership_b_is_404_under_my_own_slug(world):
    foreign = world.f.consent(world.foreign_person, [world.foreign])
    mops = client_of(world, world.mops_worker)
    assert mops.get(withdraw_url(foreign.id)).status_code == 404
    assert mops.post(withdraw_url(foreign.id),
                     data={"withdrawn_on": TODAY.isoformat()}).status_code == 404


# --- the participant page section -----------------------------------------------------------


def test_the_participant_page_lists_consents_with_actions_for_the_registering_institution(world):
    active = world.f.consent(world.jan, [world.gup], purposes=("support", "referral"),
                             recorded_by=world.mops_worker)
    withdrawn = world.f.consent(world.jan, [world.ngo], purposes=("contact",),
                                withdrawn_on=date(2024, 3, 1))
    body = page_of(world, world.mops_worker).get_data(as_text=True)
    assert "Consents and sharing" in body
    assert "active" in body and "withdrawn" in body
    assert "Grodzki Urząd Pracy" in body and "Fundacja Most" in body
    assert "Ewa Doradczyni" in body
    assert withdraw_url(active.id) in body
    assert withdraw_url(withdrawn.id) not in body
    assert f"/{SLUG}/consents/new?participant={world.jan.id}" in body
    assert "Consent given" in body and "Consent withdrawn" in body  # timeline


def test_a_named_institution_sees_the_consents_but_not_the_actions(world):
    consent = world.f.consent(world.jan, [world.gup], purposes=("support",))
    body = page_of(world, world.gup_worker).get_data(as_text=True)
    assert "Consents and sharing" in body
    assert withdraw_url(consent.id) not in body
    assert "/consents/new" not in body
