"""Restriction of processing (GDPR art. 18): set and lifted with a reason by the registering
institution or the partnership admin; while set the record is kept and readable, the page shows
a banner, and new referrals and notes are refused with a clear message."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.privacy.models import RestrictionChange
from mosty.privacy.restriction import (
    ProcessingRestricted,
    RestrictionRefused,
    ensure_not_restricted,
    restrict,
)
from mosty.referrals.models import Referral
from mosty.tenancy import partnership_scope
from test_privacy_export import client_of

SLUG = "krakow-restriction"
MESSAGE = "Processing of this person&#39;s data is restricted (GDPR art. 18)"


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.worker = factory.staff(w.mops, name="Maria Nowicka")
    w.gup_worker = factory.staff(w.gup)
    w.admin = factory.staff(factory.institution(p, name="Biuro", kind="ngo"),
                            roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    factory.consent(w.anna, [w.gup], purposes=("support", "referral"))
    return w


def restriction_url(w):
    return f"/{SLUG}/privacy/participants/{w.anna.id}/restriction"


def set_restriction(w, user=None, reason="Osoba kwestionuje prawidłowość danych adresowych"):
    return client_of(w.app, user or w.worker).post(restriction_url(w), data={"reason": reason})


def anna(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        participant = db.session.get(Participant, w.anna.id)
        db.session.expunge(participant)
        return participant


def test_the_registering_institution_restricts_with_a_reason_and_it_is_recorded(world):
    response = set_restriction(world)
    assert response.status_code == 302
    person = anna(world)
    assert person.processing_restricted and person.restricted_since is not None
    assert person.restriction_reason == "Osoba kwestionuje prawidłowość danych adresowych"
    assert person.restricted_by_id == world.worker.id
    with world.app.app_context(), partnership_scope(world.p.id):
        change = db.session.scalar(select(RestrictionChange))
        assert (change.restricted, change.changed_by_id, change.institution_id) == (
            True, world.worker.id, world.mops.id)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
        assert entry.detail["fields"] == ["processing_restricted"]
        assert "kwestionuje" not in str(entry.detail)


def test_the_participant_page_shows_a_banner_and_the_record_stays_readable(world):
    set_restriction(world)
    page = client_of(world.app, world.worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Processing restricted (GDPR art. 18)." in page
    assert "restriction-banner" in page
    assert "Osoba kwestionuje prawidłowość danych adresowych" in page
    assert "Anna Nowak" in page


def test_a_new_referral_of_a_restricted_person_is_refused_with_the_message(world):
    set_restriction(world)
    response = client_of(world.app, world.worker).post(
        f"/{SLUG}/referrals/new?participant={world.anna.id}",
        data={"to_institution": world.gup.id, "reason": "Doradztwo",
              "due_on": dates.today().isoformat()})
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_ensure_not_restricted_raises_with_a_polish_message(world):
    set_restriction(world)
    with world.app.test_request_context(), partnership_scope(world.p.id):
        participant = db.session.get(Participant, world.anna.id)
        with pytest.raises(ProcessingRestricted) as raised:
            ensure_not_restricted(participant)
        assert str(raised.value).startswith("Przetwarzanie danych tej osoby jest ograniczone")


def test_lifting_needs_a_reason_and_restores_use(world):
    set_restriction(world)
    client = client_of(world.app, world.worker)
    response = client.post(restriction_url(world), data={"reason": "  "})
    assert response.status_code == 422 and "Give the reason." in response.get_data(as_text=True)
    assert anna(world).processing_restricted
    response = client.post(restriction_url(world), data={"reason": "Dane poprawione"})
    assert response.status_code == 302
    person = anna(world)
    assert not person.processing_restricted and person.restriction_reason == ""
    page = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Dane poprawione" in page and "restriction lifted" in page


def test_another_institution_may_not_restrict_and_the_admin_may(world):
    assert set_restriction(world, user=world.gup_worker).status_code == 403
    assert not anna(world).processing_restricted
    assert set_restriction(world, user=world.admin).status_code == 302
    assert anna(world).processing_restricted


def test_a_restricted_person_is_no_longer_seen_through_a_consent(world):
    set_restriction(world)
    client = client_of(world.app, world.gup_worker)
    assert client.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 404


def test_restricting_twice_is_refused_in_the_domain(world):
    with world.app.test_request_context(), partnership_scope(world.p.id):
        participant = db.session.get(Participant, world.anna.id)
        restrict(participant, reason="spór", actor_id=world.worker.id,
                 institution_id=world.mops.id)
        with pytest.raises(RestrictionRefused):
            restrict(participant, reason="znowu", actor_id=world.worker.id,
                     institution_id=world.mops.id)


@pytest.mark.parametrize("reason", ["x" * 2001, "zły\x00znak"])
def test_bad_reasons_get_a_message_never_a_500(world, reason):
    response = set_restriction(world, reason=reason)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert not anna(world).processing_restricted


def test_the_restriction_form_sent_twice_does_not_undo_itself(world):
    """QA: a double click (or a page sent again) on "Restrict processing" restricted, then
    lifted the restriction, putting the person's data back into exports and the API."""
    client = client_of(world.app, world.worker)
    page = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/").get_data(as_text=True)
    assert 'name="intent" value="restrict"' in page
    form = {"reason": "Osoba kwestionuje dane", "intent": "restrict"}
    assert client.post(restriction_url(world), data=form).status_code == 302
    again = client.post(restriction_url(world), data=form, follow_redirects=True)
    assert again.status_code == 200
    assert "already restricted: nothing changed" in again.get_data(as_text=True)
    assert anna(world).processing_restricted
    with world.app.app_context(), partnership_scope(world.p.id):
        assert len(db.session.scalars(select(RestrictionChange)).all()) == 1
    # The page now offers the lifting, and that works once.
    page = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/").get_data(as_text=True)
    assert 'name="intent" value="lift"' in page
    lift = {"reason": "Dane sprawdzone", "intent": "lift"}
    assert client.post(restriction_url(world), data=lift).status_code == 302
    assert client.post(restriction_url(world), data=lift).status_code == 302
    assert not anna(world).processing_restricted
    with world.app.app_context(), partnership_scope(world.p.id):
        assert len(db.session.scalars(select(RestrictionChange)).all()) == 2
