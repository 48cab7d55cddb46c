"""The audit log page names what the labour office module writes, in Polish: registration
statuses and deregistration reasons, the nightly recomputation's reason, the fields copied to
the registry, activation instruments' kinds, fields and enrolment statuses, and the inbox's
list (QA: "z: unemployed do: job_seeker", "powód: employment", "lista: labour_inbox",
"pola zaktualizowane w rejestrze: labour_status" on a Polish page). The entries are written by
the module's real transitions and pages, then the page is read as the partnership's
administrator."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.testing.factories import login
from mosty_labour.activation.models import ActivationInstrument, InstrumentEnrolment
from test_labour_registration import (
    SLUG,
    _stale_flag,
    audit_entries,
    client_of,
    in_a,
    labour_world,
    register,
    url,
)

TODAY = dates.today()
DETAIL = re.compile(r'<div><span class="muted">(.*?):</span> (.*?)</div>')
# A code as modules write them: an identifier with an underscore (``job_seeker``).
IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# The codes the labour module writes into its entries' details.
CODES = ("unemployed", "job_seeker", "deregistered", "employment", "status_changed",
         "long_term_recomputed", "long_term_unemployed", "labour_status", "registry_fields",
         "case_no", "benefit_entitled", "benefit_until", "internship", "enrolled", "completed",
         "labour_inbox", "first_name", "last_name", "starts_on", "capacity", "referral_id")


@pytest.fixture
def world(app, factory):
    w = labour_world(app, factory)
    w.admin = factory.staff(w.mops, roles=("partnership_admin", "coordinator"))
    w.referral = factory.referral(w.anna, w.mops, w.gup, reason="Powrót na rynek pracy")
    return w


def write_the_labour_entries(world):
    """What a labour office's clerk does in a year, and the nightly task."""
    from mosty_labour.registration.tasks import SCHEDULER_ACTOR_ID, recompute_long_term

    clerk = client_of(world, world.gup_clerk)
    # Registration: unemployed → job seeker → deregistered (took up work) → registered again.
    assert register(world, clerk, registered_on="2023-01-10").status_code == 302
    assert clerk.post(url(world, "status"), data={"status": "job_seeker",
                                                  "on": "2023-06-01"}).status_code == 302
    assert clerk.post(url(world, "deregister"), data={"reason": "employment",
                                                      "on": "2023-09-15"}).status_code == 302
    assert register(world, clerk, registered_on="2024-02-01").status_code == 302
    assert clerk.post(url(world, "details"), data={
        "case_no": "CAZ/2024/999", "benefit_entitled": "y",
        "benefit_until": "2024-09-01"}).status_code == 302
    # The nightly task finds Anna's long-term flag stale (registered since February 2024).
    _stale_flag(world, world.p.id, world.anna.id, False)
    with world.app.app_context():
        assert recompute_long_term.delay(
            world.p.id, SCHEDULER_ACTOR_ID, TODAY.isoformat(),
            idempotency_key="test-audit-labels").get() == {"checked": 1, "changed": 1}
    # Activation: an internship added and changed, Anna enrolled and completing it.
    assert clerk.post(f"/{SLUG}/labour/instruments/new", data={
        "kind": "internship", "title": "Staż w administracji", "locality": "Kraków",
        "teryt": "1261011", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat(), "capacity": "5",
        "description": ""}).status_code == 302
    with in_a(world) as session:
        instrument_id = session.scalar(select(ActivationInstrument.id))
    assert clerk.post(f"/{SLUG}/labour/instruments/{instrument_id}/edit", data={
        "kind": "internship", "title": "Staż w urzędzie gminy", "locality": "Kraków",
        "teryt": "1261011", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat(), "capacity": "6",
        "description": ""}).status_code == 302
    # The enrolment form reads the person's name (the "fields" of a reading of a person).
    assert clerk.get(f"/{SLUG}/labour/enrolments/new?participant={world.anna.id}"
                     ).status_code == 200
    assert clerk.post(f"/{SLUG}/labour/enrolments/new?participant={world.anna.id}", data={
        "instrument": instrument_id, "enrolled_on": TODAY.isoformat()}).status_code == 302
    with in_a(world) as session:
        enrolment_id = session.scalar(select(InstrumentEnrolment.id))
    assert clerk.post(f"/{SLUG}/labour/enrolments/{enrolment_id}/complete", data={
        "ended_on": TODAY.isoformat(), "note": "Zaświadczenie"}).status_code == 302
    # The inbox's list of referrals.
    assert clerk.get(f"/{SLUG}/labour/inbox/").status_code == 200


def audit_details(world):
    """Every (key, value) of the entries' details on the log's pages, as shown in Polish."""
    client = login(world.app.test_client(), world.admin)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    shown = []
    for page in range(1, 20):
        response = client.get(f"/{SLUG}/audit/?page={page}")
        if response.status_code != 200:  # past the last page: sent back to it
            break
        html = response.get_data(as_text=True)
        shown += [(html_lib.unescape(k), html_lib.unescape(v)) for k, v in DETAIL.findall(html)]
        if f"page={page + 1}" not in html:
            break
    return shown


def test_the_labour_modules_entries_are_shown_with_polish_labels(world):
    write_the_labour_entries(world)
    written = {(e.object_type, e.action) for e in audit_entries(world)}
    assert {("RegistrationPeriod", "create"), ("LabourRegistration", "transition"),
            ("LabourRegistration", "update"), ("Participant", "update"),
            ("ActivationInstrument", "create"), ("ActivationInstrument", "update"),
            ("InstrumentEnrolment", "create"), ("InstrumentEnrolment", "transition"),
            ("Referral", "read")} <= written
    recorded = {(k, str(v)) for e in audit_entries(world) for k, v in (e.detail or {}).items()}
    # The codes this test is about are really written.
    for key, value in (("to", "job_seeker"), ("reason", "employment"),
                       ("reason", "long_term_recomputed"), ("box", "labour_inbox"),
                       ("to", "completed"), ("kind", "internship")):
        assert (key, value) in recorded, (key, value)
    assert any(k == "registry_fields" and "labour_status" in v for k, v in recorded)

    shown = audit_details(world)
    text = "\n".join(f"{k}: {v}" for k, v in shown)
    for key, value in shown:
        for code in CODES:
            assert not re.search(rf"\b{code}\b", key), (code, key, value)
            assert not re.search(rf"\b{code}\b", value), (code, key, value)
        assert not IDENTIFIER.search(key) and not IDENTIFIER.search(value), (key, value)
    for label in (
            "status: bezrobotny",                       # a period's status
            "z: bezrobotny", "do: poszukujący pracy",   # a change of status
            "do: wyrejestrowany",
            "powód: podjęcie zatrudnienia lub innej pracy zarobkowej",
            "powód: ponowne nocne wyliczenie długotrwałego bezrobocia",
            "pola: Długotrwale bezrobotny",             # the task's entry about the person
            "pola zaktualizowane w rejestrze: ",         # the registry's fields by their names
            "Status na rynku pracy",
            "Numer sprawy w urzędzie pracy",            # the office's file, by its form's names
            "rodzaj: staż",                             # the instrument's kind and fields
            "Tytuł", "Liczba miejsc",
            "z: w trakcie", "do: zakończono",           # an enrolment completed
            "skierowanie (numer): —",
            "lista: otrzymane w urzędzie pracy",        # the inbox's list
            "pola: Imię, Nazwisko",                     # the enrolment form's reading
    ):
        assert label in text, label
