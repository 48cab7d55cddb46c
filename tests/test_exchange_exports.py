"""Exports of an institution's own records as jobs: CSV for Polish Excel (BOM, semicolons)
and XLSX, only the institution's own participants, referrals and deliveries, restricted people
left out, one audit entry per export, the result reached by the member who started it."""

import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.jobs.models import Job
from mosty.participants.models import Participant
from mosty.services.models import ServiceDelivery
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SLUG = "eksport"


@pytest.fixture
def world(app, factory):
    f = factory
    p = f.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=f, p=p)
    w.mops = f.institution(p, name="MOPS Eksport", kind="ops")
    w.gup = f.institution(p, name="GUP Eksport", kind="labour_office")
    w.mops_worker = f.staff(w.mops)
    w.gup_worker = f.staff(w.gup)
    w.mops_coordinator = f.staff(w.mops, roles=("coordinator",))
    w.anna = f.participant(w.mops, first_name="Anna", last_name="Żółkiewska", pesel=None)
    w.formula = f.participant(w.mops, first_name="=HYPERLINK(\"x\")", last_name="Test")
    w.piotr = f.participant(w.mops, first_name="Piotr", last_name="Zastrzeżony",
                            processing_restricted=True)
    w.jan = f.participant(w.gup, first_name="Jan", last_name="Urzędowy")
    f.consent(w.anna, [w.gup])
    f.consent(w.jan, [w.mops])
    w.sent = f.referral(w.anna, w.mops, w.gup)
    w.received = f.referral(w.jan, w.gup, w.mops)
    w.mops_advice = f.service(w.mops, name="Poradnictwo MOPS")
    w.gup_training = f.service(w.gup, name="Szkolenie GUP")
    with app.app_context(), partnership_scope(p.id):
        db.session.add_all([
            ServiceDelivery(service_id=w.mops_advice.id, participant_id=w.anna.id,
                            delivered_on=date(2026, 10, 5), hours=2),
            ServiceDelivery(service_id=w.mops_advice.id, participant_id=w.piotr.id,
                            delivered_on=date(2026, 10, 6), hours=1),
            ServiceDelivery(service_id=w.gup_training.id, participant_id=w.jan.id,
                            delivered_on=date(2026, 10, 7), hours=8),
        ])
        db.session.commit()
    return w


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def export(world, client, dataset, fmt):
    response = client.post(f"/{SLUG}/exchange/exports", data={"dataset": dataset, "format": fmt})
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    result = client.get(f"/{SLUG}/jobs/{job_id}/result")
    assert result.status_code == 200
    return job_id, result


def csv_rows(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return [line.split(";") for line in data.decode("utf-8-sig").split("\r\n") if line]


def test_participants_as_csv_are_the_institutions_own_without_restricted_people(world):
    client = client_of(world, world.mops_worker)
    job_id, result = export(world, client, "participants", "csv")
    assert result.headers["Content-Type"].startswith("text/csv")
    rows = csv_rows(result.data)
    assert rows[0][:3] == ["Number", "First name", "Last name"]
    names = [(r[1], r[2]) for r in rows[1:]]
    # Diacritics survive; GUP's Jan and the restricted Piotr are not there; a formula is text.
    assert names == [("Anna", "Żółkiewska"), ('"\'=HYPERLINK(""x"")"', "Test")]
    with world.app.app_context(), partnership_scope(world.p.id):
        job = db.session.get(Job, job_id)
        assert job.state == "done"
        assert job.summary["rows"] == 2 and job.summary["restricted_left_out"] == 1
        (entry,) = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.object_type == "Participant"))
        assert (entry.object_type, entry.actor_id, entry.institution_id) == (
            "Participant", world.mops_worker.id, world.mops.id)
        assert sorted(entry.detail["ids"]) == sorted([world.anna.id, world.formula.id])
        assert "Anna" not in str(entry.detail)


def test_times_are_local_and_the_content_type_names_its_charset_once(world):
    # The export said 17:08 where the page said 18:08 (SQLite hands UTC back without its
    # zone), and the header read "text/csv; charset=utf-8; charset=utf-8".
    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.get(Participant, world.anna.id).created_at = datetime(2026, 7, 1, 10, 0,
                                                                         tzinfo=UTC)
        db.session.get(Participant, world.formula.id).created_at = datetime(2026, 1, 15, 23, 30,
                                                                            tzinfo=UTC)
        db.session.commit()
    _job_id, result = export(world, client_of(world, world.mops_worker), "participants", "csv")
    assert result.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(result.data)
    registered = {row[2]: row[rows[0].index("Registered")] for row in rows[1:]}
    # Summer time (UTC+2) and winter time (UTC+1), the day after in Poland.
    assert registered == {"Żółkiewska": "2026-07-01 12:00", "Test": "2026-01-16 00:30"}


def test_referrals_sent_and_received_as_xlsx(world):
    client = client_of(world, world.mops_worker)
    _job, result = export(world, client, "referrals_sent", "xlsx")
    sheet = load_workbook(io.BytesIO(result.data)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Number", "Participant number", "Participant")
    assert [(row[0], row[2], row[4]) for row in values[1:]] == [
        (world.sent.id, "Anna Żółkiewska", "GUP Eksport")]
    _job, result = export(world, client, "referrals_received", "xlsx")
    values = list(load_workbook(io.BytesIO(result.data)).active.values)
    assert [(row[0], row[3]) for row in values[1:]] == [(world.received.id, "GUP Eksport")]


def test_deliveries_are_those_of_the_institutions_services(world):
    client = client_of(world, world.gup_worker)
    _job, result = export(world, client, "deliveries", "csv")
    rows = csv_rows(result.data)
    assert [(r[2], r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Jan Urzędowy", "Szkolenie GUP", "2026-10-07", "8")]


def test_deliveries_of_a_person_the_institution_no_longer_sees_are_left_out(world):
    """GUP delivered training to Anna (MOPS's participant) while her consent named it; once
    the consent is withdrawn her page is 404 to GUP, and so is her line in GUP's export."""
    from mosty import dates
    from mosty.consents.models import Consent

    with world.app.app_context(), partnership_scope(world.p.id):
        db.session.add(ServiceDelivery(service_id=world.gup_training.id,
                                       participant_id=world.anna.id,
                                       delivered_on=date(2026, 10, 8), hours=4))
        db.session.commit()
    client = client_of(world, world.gup_worker)
    _job, result = export(world, client, "deliveries", "csv")
    assert "Anna Żółkiewska" in result.data.decode("utf-8-sig")

    with world.app.app_context(), partnership_scope(world.p.id):
        for consent in db.session.scalars(select(Consent).where(
                Consent.participant_id == world.anna.id)):
            consent.withdrawn_on = dates.today()
        # The referral MOPS sent was never accepted: it gives GUP no access either.
        db.session.commit()
    assert client.get(f"/{SLUG}/participants/{world.anna.id}/").status_code == 404
    _job, result = export(world, client, "deliveries", "csv")
    rows = csv_rows(result.data)
    assert [(r[2], r[4]) for r in rows[1:]] == [("Jan Urzędowy", "2026-10-07")]


def test_another_institution_cannot_download_the_export(world):
    job_id, _result = export(world, client_of(world, world.mops_worker), "participants", "xlsx")
    other = client_of(world, world.gup_worker)
    assert other.get(f"/{SLUG}/jobs/{job_id}/result").status_code == 404


def test_bad_choices_are_refused_with_a_message_and_start_nothing(world):
    client = client_of(world, world.mops_worker)
    response = client.post(f"/{SLUG}/exchange/exports",
                           data={"dataset": "everything", "format": "csv"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True) or \
        'class="error"' in response.get_data(as_text=True)
    response = client.post(f"/{SLUG}/exchange/exports",
                           data={"dataset": "participants", "format": "pdf"})
    assert response.status_code == 422
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalars(select(Job)).all() == []


def test_only_members_working_with_cases_export(world):
    coordinator = client_of(world, world.mops_coordinator)
    assert coordinator.get(f"/{SLUG}/exchange/exports").status_code == 404
    assert coordinator.post(f"/{SLUG}/exchange/exports",
                            data={"dataset": "participants", "format": "csv"}).status_code == 404
