# ruff: noqa: F811 - the imported fixture `world` is named as a test parameter
"""An erasure request that would erase the person's data needs an explicit confirmation naming
the person; without it nothing is recorded or erased and the form says so at the checkbox. A
request refused under the retention obligation erases nothing and needs none."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.privacy.erasure import ErasureNotConfirmed, request_erasure
from mosty.privacy.models import ErasureRequest
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_privacy_export import client_of
from test_privacy_retention import SLUG, loaded, world  # noqa: F401 - world is a fixture

LABEL = "I confirm: the data of Anna Nowak will be erased permanently; this cannot be undone."
MISSING = ("Tick the confirmation: the data of Anna Nowak will be erased permanently; this "
           "cannot be undone.")


@pytest.fixture
def anna(world):
    """A person with no programme path: no retention obligation, a request erases her data."""
    return world.f.participant(world.gops, first_name="Anna", last_name="Nowak")


def person_url(who):
    return f"/{SLUG}/privacy/participants/{who.id}/"


def post_erasure(world, who, client=None, **data):
    client = client or client_of(world.app, world.worker)
    return client.post(f"/{SLUG}/privacy/participants/{who.id}/erasure", data=data)


def erasure_field(html):
    """The HTML of the field holding the confirmation checkbox."""
    match = re.search(r'<div class="field[^"]*">(?:(?!</div>).)*name="confirm_erasure"'
                      r'(?:(?!</div>).)*</div>', html, re.S)
    return match.group(0) if match else ""


def requests_and_creations(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return (db.session.scalar(select(func.count()).select_from(ErasureRequest)),
                db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action != "read")))


def test_the_page_asks_for_a_confirmation_naming_the_person_when_the_data_would_go(
        world, anna):
    html = client_of(world.app, world.worker).get(person_url(anna)).get_data(as_text=True)
    field = erasure_field(html)
    assert LABEL in field and 'type="checkbox"' in field


def test_the_polish_page_names_the_person_in_polish(world, anna):
    client = login(world.app.test_client(), world.worker)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    html = client.get(person_url(anna)).get_data(as_text=True)
    assert ("Potwierdzam: dane osoby Anna Nowak zostaną trwale usunięte; tego nie można "
            "cofnąć.") in erasure_field(html)
    response = post_erasure(world, anna, client=client, received_on=dates.today().isoformat())
    assert response.status_code == 422
    assert ("Zaznacz potwierdzenie: dane osoby Anna Nowak zostaną trwale usunięte; tego nie "
            "można cofnąć.") in erasure_field(response.get_data(as_text=True))


def test_without_the_confirmation_nothing_is_erased_and_the_field_says_why(
        world, anna):
    before = requests_and_creations(world)
    received = (dates.today() - timedelta(days=3)).isoformat()
    response = post_erasure(world, anna, received_on=received)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = erasure_field(html)
    assert MISSING in field and "has-error" in field
    assert f'value="{received}"' in html
    person = loaded(world.app, world.p.id, Participant, anna.id)
    assert (person.first_name, person.anonymised_at) == ("Anna", None)
    assert requests_and_creations(world) == before


def test_with_the_confirmation_the_erasure_is_carried_out(world, anna):
    response = post_erasure(world, anna, received_on=dates.today().isoformat(),
                            confirm_erasure="y")
    assert response.status_code == 302
    person = loaded(world.app, world.p.id, Participant, anna.id)
    assert person.anonymised_at is not None and person.first_name == ""
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(ErasureRequest.outcome)) == "carried_out"


def test_a_request_refused_under_retention_needs_no_confirmation(world):
    html = client_of(world.app, world.worker).get(person_url(world.kept)).get_data(
        as_text=True)
    assert 'name="confirm_erasure"' not in html
    response = post_erasure(world, world.kept, received_on=dates.today().isoformat())
    assert response.status_code == 302
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(ErasureRequest.outcome)) == "refused"
    assert loaded(world.app, world.p.id, Participant, world.kept.id).first_name == "Ewa"


def test_the_erasure_rule_itself_refuses_an_unconfirmed_erasure(world, anna):
    with world.app.app_context(), partnership_scope(world.p.id):
        with pytest.raises(ErasureNotConfirmed):
            request_erasure(db.session.get(Participant, anna.id), received_on=dates.today(),
                            actor_id=world.worker.id, institution_id=world.gops.id)
        db.session.rollback()
    assert requests_and_creations(world)[0] == 0
    assert loaded(world.app, world.p.id, Participant, anna.id).anonymised_at is None
