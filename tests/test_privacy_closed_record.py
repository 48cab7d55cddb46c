"""An anonymised record is closed: it stays readable, but the participant form, care relations,
notes, instrument administrations and referrals refuse it with a clear message (never a 500);
and the privacy index audits one entry per request, whatever lists it shows."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration
from mosty.notes.models import CaseNote
from mosty.participants.models import CareRelation, Participant
from mosty.privacy.erasure import request_erasure
from mosty.privacy.restriction import (
    ANONYMISED_MESSAGE,
    ProcessingRestricted,
    RecordClosed,
    ensure_not_restricted,
    ensure_record_open,
)
from mosty.privacy.retention import anonymise
from mosty.referrals.models import Referral
from mosty.referrals.transitions import ReferralRefused, send_referral
from mosty.tenancy import partnership_scope
from test_privacy_export import client_of

SLUG = "zamkniete-rekordy"
CLOSED = "This person&#39;s record has been anonymised and is closed"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Koszalin")
    w.pup = factory.institution(p, name="PUP Koszalin", kind="labour_office")
    w.worker = factory.staff(w.mops)
    w.admin = factory.staff(factory.institution(p, name="Biuro", kind="ngo"),
                            roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Zamknięta")
    w.ewa = factory.participant(w.mops, first_name="Ewa", last_name="Otwarta")
    factory.consent(w.anna, [w.pup], purposes=("support", "referral"))
    return w


def anonymise_anna(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        assert anonymise(db.session.get(Participant, w.anna.id), actor_id=w.worker.id,
                         reason="erasure")
        db.session.commit()


def count(w, model, *where):
    with w.app.app_context(), partnership_scope(w.p.id):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_guard_refuses_an_anonymised_record_with_its_own_message(world):
    anonymise_anna(world)
    with world.app.app_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        with pytest.raises(RecordClosed) as closed:
            ensure_record_open(anna)
        assert str(closed.value) == str(ANONYMISED_MESSAGE)
        # Every existing check of the restriction refuses a closed record too.
        with pytest.raises(ProcessingRestricted):
            ensure_not_restricted(anna)
        ensure_record_open(db.session.get(Participant, world.ewa.id))


def test_the_participant_form_refuses_a_closed_record_and_nothing_changes(world):
    anonymise_anna(world)
    updates = count(world, AuditEntry, AuditEntry.action == "update")
    client = client_of(world.app, world.worker)
    url = f"/{SLUG}/participants/{world.anna.id}/edit"
    form = client.get(url)
    assert form.status_code == 409 and CLOSED in form.get_data(as_text=True)
    response = client.post(url, data={"first_name": "Anna", "last_name": "Nowak",
                                      "sex": "female", "birth_date": "1980-01-01"})
    assert response.status_code == 409 and CLOSED in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        assert (anna.first_name, anna.last_name) == ("", "")
    assert count(world, AuditEntry, AuditEntry.action == "update") == updates
    # Reading stays: the page opens, without the edit button.
    page = client.get(f"/{SLUG}/participants/{world.anna.id}/")
    assert page.status_code == 200
    assert f"/{SLUG}/participants/{world.anna.id}/edit" not in page.get_data(as_text=True)
    open_page = client.get(f"/{SLUG}/participants/{world.ewa.id}/").get_data(as_text=True)
    assert f"/{SLUG}/participants/{world.ewa.id}/edit" in open_page


def test_no_dependant_can_be_added_to_a_closed_record(world):
    anonymise_anna(world)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/participants/{world.anna.id}/care",
        data={"first_name": "Stefania", "birth_year": "1938",
              "dependant_type": "ill_or_elderly", "hours_per_week": "10"})
    assert response.status_code == 409 and CLOSED in response.get_data(as_text=True)
    assert count(world, CareRelation) == 0


def test_no_note_can_be_added_about_an_anonymised_person(world):
    anonymise_anna(world)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/notes/participants/{world.anna.id}/new",
        data={"category": "general", "text": "Rozmowa"})
    assert response.status_code == 422 and CLOSED in response.get_data(as_text=True)
    assert count(world, CaseNote) == 0


def test_no_referral_can_be_sent_about_an_anonymised_person(world):
    anonymise_anna(world)
    with (world.app.app_context(), partnership_scope(world.p.id),
          pytest.raises(ReferralRefused, match=str(ANONYMISED_MESSAGE))):
        send_referral(participant=db.session.get(Participant, world.anna.id),
                      from_institution_id=world.mops.id, to_institution_id=world.pup.id,
                      reason="Doradztwo", actor_id=world.worker.id)
    assert count(world, Referral) == 0


def test_no_instrument_can_be_given_to_an_anonymised_person(world):
    version = InstrumentFactory(world.app).definition(world.p.id)
    anonymise_anna(world)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/instruments/new?participant={world.anna.id}",
        data={"instrument": version.instrument_id})
    assert response.status_code == 422
    assert "anonymised and is closed" in response.get_data(as_text=True)
    assert count(world, Administration) == 0
    page = client_of(world.app, world.worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert f"/{SLUG}/instruments/new?participant={world.anna.id}" not in page


def test_the_privacy_page_of_an_anonymised_person_stays_readable(world):
    anonymise_anna(world)
    response = client_of(world.app, world.admin).get(
        f"/{SLUG}/privacy/participants/{world.anna.id}/")
    assert response.status_code == 200


# --- the privacy index: one audit entry per request ---------------------------------------------


def test_a_search_with_erasure_requests_listed_writes_one_audit_entry(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        request_erasure(db.session.get(Participant, world.ewa.id), received_on=dates.today(),
                        actor_id=world.worker.id, institution_id=world.mops.id,
                        confirmed=True)
        db.session.commit()
        before = db.session.scalar(select(func.max(AuditEntry.id)))
    page = client_of(world.app, world.admin).get(f"/{SLUG}/privacy/?q=anna")
    assert page.status_code == 200
    with world.app.app_context(), partnership_scope(world.p.id):
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert len(entries) == 1
    (entry,) = entries
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "Participant", "")
    assert entry.detail["search_ids"] == [world.anna.id]
    assert entry.detail["erasure_request_ids"] == [world.ewa.id]
    assert sorted(entry.detail["ids"]) == sorted([world.anna.id, world.ewa.id])
    # Only ids, never what was typed or shown.
    assert "anna" not in str(entry.detail).lower()


def test_the_index_without_search_audits_the_listed_requests_once(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        request_erasure(db.session.get(Participant, world.ewa.id), received_on=dates.today(),
                        actor_id=world.worker.id, institution_id=world.mops.id,
                        confirmed=True)
        db.session.commit()
        before = db.session.scalar(select(func.max(AuditEntry.id)))
    client_of(world.app, world.worker).get(f"/{SLUG}/privacy/")
    with world.app.app_context(), partnership_scope(world.p.id):
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [(e.action, e.detail["ids"]) for e in entries] == [("read", [world.ewa.id])]
    assert "search" not in entries[0].detail


def test_the_index_naming_nobody_audits_nothing(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    client_of(world.app, world.worker).get(f"/{SLUG}/privacy/")
    assert count(world, AuditEntry) == before


def test_a_caseworker_of_the_admins_institution_does_not_see_whom_the_admin_recorded(
        world, factory):
    office = factory.institution(world.p, name="Biuro partnerstwa", kind="ngo")
    admin = factory.staff(office, roles=("partnership_admin",))
    colleague = factory.staff(office)
    # The admin records a request about a person registered by another institution.
    with world.app.app_context(), partnership_scope(world.p.id):
        request_erasure(db.session.get(Participant, world.ewa.id), received_on=dates.today(),
                        actor_id=admin.id, institution_id=office.id, confirmed=True)
        db.session.commit()
        before = db.session.scalar(select(func.max(AuditEntry.id)))
    link = f"/{SLUG}/privacy/participants/{world.ewa.id}/"
    page = client_of(world.app, colleague).get(f"/{SLUG}/privacy/").get_data(as_text=True)
    assert link not in page and "No erasure requests recorded." in page
    assert link in client_of(world.app, admin).get(f"/{SLUG}/privacy/").get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    # The colleague's page named nobody; the admin's named Ewa.
    assert [e.detail["ids"] for e in entries] == [[world.ewa.id]]


def test_names_in_the_privacy_pages_are_escaped(world, factory):
    mallory = factory.staff(world.mops, name='<script>alert("x")</script>')
    client = client_of(world.app, mallory)
    assert client.post(f"/{SLUG}/privacy/participants/{world.anna.id}/restriction",
                       data={"reason": '<img src=x onerror="alert(1)">'}).status_code == 302
    page = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/").get_data(as_text=True)
    assert "<script>alert" not in page and '<img src=x' not in page
    assert "&lt;script&gt;alert" in page
    export = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/export")
    assert '<img src=x' not in export.get_data(as_text=True)


@pytest.mark.parametrize("action, data", [
    ("restriction", {"reason": "Kwestionuje dane"}),
    ("erasure", {"received_on": dates.today().isoformat()}),
])
def test_restriction_and_erasure_of_a_closed_record_are_refused_with_the_message(
        world, action, data):
    from mosty.privacy.models import ErasureRequest, RestrictionChange

    anonymise_anna(world)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/privacy/participants/{world.anna.id}/{action}", data=data)
    assert response.status_code == 422
    assert CLOSED in response.get_data(as_text=True)
    assert count(world, RestrictionChange) == 0 and count(world, ErasureRequest) == 0
