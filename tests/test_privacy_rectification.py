"""Rectification with history (GDPR art. 16): a change through the participant form keeps the
old and the new value, who and when, shown on the history page; the audit log keeps the field
names only."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.privacy.models import Rectification
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_participants import anna_again
from test_pesel import make_pesel
from test_privacy_export import client_of

SLUG = "krakow-rectification"
ANNA_PESEL = make_pesel(date(1985, 3, 14), "female")


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.worker = factory.staff(w.mops, name="Maria Nowicka")
    w.pcpr_worker = factory.staff(factory.institution(p, name="PCPR", kind="pcpr"))
    w.anna = factory.participant(
        w.mops, first_name="Anna", last_name="Nowak", pesel=ANNA_PESEL,
        birth_date=date(1985, 3, 14), phone="+48 600 100 200", email="beata@example.pl",
        registered_teryt="1206052", registered_locality="Wieliczka", registered_area="urban",
        actual_teryt="1206052", actual_locality="Wieliczka", actual_area="urban",
        education="vocational", labour_status="registered_unemployed",
        unemployed_since=date(2022, 5, 1), long_term_unemployed=True,
        disability_level="light", labour_office_case_no="GUP/123/2022",
        social_assistance_case_no="MOPS-77")
    return w


def changes(w):
    with w.app.app_context(), partnership_scope(w.p.id):
        return [(c.field, c.old_value, c.new_value, c.changed_by_id, c.institution_id)
                for c in db.session.scalars(select(Rectification).order_by(Rectification.id))]


def test_an_edit_keeps_old_and_new_values_with_who_changed_them(world):
    client = client_of(world.app, world.worker)
    response = client.post(f"/{SLUG}/participants/{world.anna.id}/edit",
                           data=anna_again(last_name="Nowak-Lis", phone="+48 601 000 111"))
    assert response.status_code == 302
    assert sorted(changes(world)) == [
        ("last_name", "Nowak", "Nowak-Lis", world.worker.id, world.mops.id),
        ("phone", "+48 600 100 200", "+48 601 000 111", world.worker.id, world.mops.id),
    ]
    with world.app.app_context(), partnership_scope(world.p.id):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
        assert entry.detail == {"fields": ["last_name", "phone"]}


def test_the_history_page_shows_the_changes_newest_first(world):
    client = client_of(world.app, world.worker)
    client.post(f"/{SLUG}/participants/{world.anna.id}/edit", data=anna_again(last_name="Lis"))
    client.post(f"/{SLUG}/participants/{world.anna.id}/edit",
                data=anna_again(last_name="Lis", education="higher"))
    page = client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/history").get_data(
        as_text=True)
    assert page.index("Education") < page.index("Last name")
    assert "Nowak" in page and "Lis" in page and "Maria Nowicka" in page


def test_saving_without_changes_writes_no_history(world):
    client = client_of(world.app, world.worker)
    client.post(f"/{SLUG}/participants/{world.anna.id}/edit", data=anna_again())
    assert changes(world) == []


def test_a_change_outside_the_form_is_recorded_too(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Participant, world.anna.id).email = "anna@example.pl"
        db.session.commit()
    assert changes(world) == [("email", "beata@example.pl", "anna@example.pl", None, None)]


def test_an_institution_without_access_gets_404_on_the_history(world):
    client = client_of(world.app, world.pcpr_worker)
    assert client.get(f"/{SLUG}/privacy/participants/{world.anna.id}/history").status_code == 404


def test_the_history_shows_values_as_the_participant_page_does(world):
    # It showed the stored codes ("vocational", "registered_unemployed"), ISO dates and "—"
    # for a field first filled in or cleared.
    with world.app.app_context(), partnership_scope(world.p.id):
        anna = db.session.get(Participant, world.anna.id)
        anna.education, anna.labour_status = "higher", "employed"
        anna.contract_type = "fixed_term"
        anna.unemployed_since, anna.long_term_unemployed = None, False
        anna.email = ""
        db.session.commit()
    url = f"/{SLUG}/privacy/participants/{world.anna.id}/history"
    page = login(world.app.test_client(), world.worker).get(url).get_data(as_text=True)
    for label in ("zasadnicze zawodowe", "wyższe", "zarejestrowany jako bezrobotny",
                  "umowa na czas określony", "nie podano", "beata@example.pl", "tak", "nie"):
        assert label in page, label
    for code in ("vocational", "registered_unemployed", "fixed_term", "2022-05-01"):
        assert code not in page, code
    assert '<td class="prewrap">—</td>' not in page
    assert "01.05.2022" in page or "1 maj 2022" in page
    page = client_of(world.app, world.worker).get(url).get_data(as_text=True)
    assert "basic vocational" in page and "fixed-term contract" in page
    assert "not given" in page and "May 1, 2022" in page


def test_the_access_export_shows_the_history_with_labels(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Participant, world.anna.id).education = "higher"
        db.session.commit()
        from mosty.privacy.history import personal_data

        section = personal_data(db.session.get(Participant, world.anna.id))[0]
        record = section.records[0]
        assert [str(v) for v in record.values()][:3] == [
            "Wykształcenie", "zasadnicze zawodowe", "wyższe"]
