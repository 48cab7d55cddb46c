"""Retention, anonymisation and erasure: the nightly task anonymises people whose every
programme path has passed its retention date (per partnership, idempotent), the reports count
the same before and after, and an erasure request is refused with the legal reason while
retention applies and carried out when it does not."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.enrollment.service import default_retention
from mosty.extensions import db
from mosty.families.models import Family
from mosty.notes.models import CaseNote
from mosty.outcomes.models import FollowUp, Outcome
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.privacy.models import ErasureRequest, Rectification
from mosty.privacy.retention import retention_status
from mosty.privacy.tasks import anonymise_after_retention
from mosty.referrals.models import Referral
from mosty.services.models import ServiceDelivery
from mosty.tenancy import partnership_scope
from test_pesel import make_pesel
from test_privacy_export import add, client_of

SLUG = "pomorze-retention"
LONG_AGO = date(2015, 6, 30)


@pytest.fixture
def world(app, factory):
    """Five people of a rural partnership: three whose paths ended long ago (one of them
    through a family path), one still under retention and one still on the programme."""
    p = factory.partnership(slug=SLUG, territory=(("3201", "powiat białogardzki"),
                                                  ("3215", "powiat szczecinecki")))
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.gops = factory.institution(p, name="GOPS Białogard", teryt="3201022")
    w.pup = factory.institution(p, name="PUP Białogard", kind="labour_office",
                                teryt="3201011")
    w.worker = factory.staff(w.gops)
    w.pup_worker = factory.staff(w.pup)
    w.admin = factory.staff(factory.institution(p, name="Stowarzyszenie", kind="ngo"),
                            roles=("partnership_admin",))
    w.service = factory.service(w.pup, name="Szkolenie operatora wózka")
    (w.group,) = add(app, p.id, TargetGroup(code="G1", name="Rodziny popegeerowskie"))

    def person(first, last, sex, born, teryt, **fields):
        return factory.participant(
            w.gops, first_name=first, last_name=last, sex=sex, birth_date=born,
            pesel=make_pesel(born, sex), phone="600" + born.strftime("%y%m%d"),
            email=f"{first.lower()}@example.pl", registered_teryt=teryt,
            registered_locality="Karlino", actual_teryt=teryt, actual_locality="Karlino",
            registered_area="rural", labour_office_case_no="PUP/1/2014", **fields)

    w.old_1 = person("Henryk", "Kowalczyk", "male", date(1960, 8, 17), "3201044")
    w.old_2 = person("Danuta", "Kowalczyk", "female", date(1964, 12, 1), "3201044")
    w.old_3 = person("Marek", "Zając", "male", date(1990, 2, 10), "3215011")
    w.kept = person("Ewa", "Lis", "female", date(1988, 4, 4), "3215011")
    w.active = person("Piotr", "Lis", "male", date(1999, 9, 9), "3201044")
    w.family = factory.family(w.gops, members=[(w.old_1, "head"), (w.old_2, "spouse")],
                              name="Rodzina Kowalczyków", locality="Karlino")
    today = dates.today()
    ended = dict(status="completed", started_on=date(2014, 1, 10), ended_on=LONG_AGO,
                 retention_until=LONG_AGO + timedelta(days=5 * 365), target_group_id=w.group)
    add(app, p.id,
        Enrollment(family_id=w.family.id, institution_id=w.gops.id,
                   recruited_on=date(2013, 11, 1), **ended),
        Enrollment(participant_id=w.old_3.id, institution_id=w.gops.id,
                   recruited_on=date(2013, 11, 1), **ended),
        Enrollment(participant_id=w.kept.id, institution_id=w.gops.id, target_group_id=w.group,
                   recruited_on=date(2019, 1, 1), status="exited", exit_reason="found_work",
                   ended_on=today - timedelta(days=200),
                   retention_until=today + timedelta(days=1500)),
        Enrollment(participant_id=w.active.id, institution_id=w.gops.id,
                   target_group_id=w.group, recruited_on=today - timedelta(days=30),
                   status="active"))
    for who in (w.old_1, w.old_3, w.kept):
        factory.referral(who, w.gops, w.pup, status="completed", reason=f"{who.full_name} PUP")
        add(app, p.id,
            ServiceDelivery(service_id=w.service.id, participant_id=who.id,
                            delivered_on=date(2014, 5, 5), hours=Decimal("16"),
                            result=f"{who.full_name} ukończył"),
            Outcome(participant_id=who.id, institution_id=w.pup.id, kind="job_started",
                    occurred_on=date(2014, 12, 1), employer="Ferma Karlino",
                    contract_type="employment", hours_per_week=40, note="ma pracę"),
            CaseNote(participant_id=who.id, institution_id=w.gops.id, category="health",
                     sensitive=True, text=f"{who.full_name}: cukrzyca"))
    with app.app_context(), partnership_scope(p.id):
        enrollment_id = db.session.scalar(select(Enrollment.id).where(
            Enrollment.participant_id == w.old_3.id))
        db.session.add_all([
            FollowUp(enrollment_id=enrollment_id, months=3, status="employed",
                     checked_on=date(2015, 9, 30), note="Marek pracuje na fermie"),
            CareRelation(carer_id=w.old_2.id, hours_per_week=20, note="opiekuje się matką",
                         dependant=Dependant(first_name="Stefania", birth_year=1938,
                                             dependant_type="ill_or_elderly"))])
        db.session.commit()
    return w


def statistics(app, partnership_id):
    """What the partnership's reports count: people by sex, age band (from the year of birth),
    county and target group; services, referrals, outcomes and follow-ups."""
    with app.app_context(), partnership_scope(partnership_id):
        people = db.session.scalars(select(Participant)).all()
        year = dates.today().year
        rows = lambda *columns: Counter(db.session.execute(select(*columns)).all())  # noqa: E731
        return {
            "people": len(people),
            "sex": Counter(p.sex for p in people),
            "age_band": Counter((year - p.birth_date.year) // 10 for p in people),
            "county": Counter(p.registered_teryt[:4] for p in people),
            "area": Counter(p.registered_area for p in people),
            "labour_status": Counter(p.labour_status for p in people),
            "disability": Counter(p.disability_level for p in people),
            "target_group": rows(Enrollment.target_group_id, Enrollment.status,
                                 Enrollment.exit_reason),
            "services": rows(ServiceDelivery.service_id, ServiceDelivery.delivered_on,
                             ServiceDelivery.hours),
            "referrals": rows(Referral.from_institution_id, Referral.to_institution_id,
                              Referral.status),
            "outcomes": rows(Outcome.kind, Outcome.contract_type, Outcome.hours_per_week,
                             Outcome.occurred_on),
            "follow_ups": rows(FollowUp.months, FollowUp.status),
            "notes": rows(CaseNote.category, CaseNote.sensitive),
            "families": db.session.scalar(select(func.count()).select_from(Family)),
        }


def loaded(app, partnership_id, model, object_id):
    with app.app_context(), partnership_scope(partnership_id):
        obj = db.session.get(model, object_id)
        db.session.expunge(obj)
        return obj


def run_nightly_task(app, today=None):
    with app.app_context():
        return anonymise_after_retention.delay(today).get()


# --- the nightly task -------------------------------------------------------------------------


def test_the_nightly_task_anonymises_exactly_the_people_past_retention(world):
    run_nightly_task(world.app)
    anonymised = {who.id for who in (world.old_1, world.old_2, world.old_3, world.kept,
                                     world.active)
                  if loaded(world.app, world.p.id, Participant, who.id).anonymised_at}
    assert anonymised == {world.old_1.id, world.old_2.id, world.old_3.id}


def test_anonymisation_blanks_identity_contact_and_free_text_but_keeps_the_facts(world):
    run_nightly_task(world.app)
    marek = loaded(world.app, world.p.id, Participant, world.old_3.id)
    assert (marek.first_name, marek.last_name, marek.pesel, marek.phone, marek.email,
            marek.labour_office_case_no, marek.registered_locality) == (
        "", "", None, "", "", "", "")
    assert (marek.sex, marek.birth_date.year, marek.registered_teryt, marek.labour_status) == (
        "male", 1990, "3215", "registered_unemployed")
    assert marek.full_name == f"#{marek.id}"
    with world.app.app_context(), partnership_scope(world.p.id):
        referral = db.session.scalar(select(Referral).where(
            Referral.participant_id == world.old_3.id))
        assert (referral.reason, referral.status) == ("", "completed")
        outcome = db.session.scalar(select(Outcome).where(Outcome.participant_id == marek.id))
        assert (outcome.employer, outcome.note, outcome.kind) == ("", "", "job_started")
        assert db.session.scalar(select(FollowUp.note)) == ""
        assert db.session.scalar(select(CaseNote.text).where(
            CaseNote.participant_id == marek.id)) == ""
        delivery = db.session.scalar(select(ServiceDelivery).where(
            ServiceDelivery.participant_id == marek.id))
        assert (delivery.result, delivery.hours) == ("", Decimal("16"))
        relation = db.session.scalar(select(CareRelation))
        assert (relation.note, relation.dependant.first_name, relation.hours_per_week) == (
            "", "", 20)
        family = db.session.get(Family, world.family.id)
        assert (family.name, family.locality) == (f"#{family.id}", "")
        # The person kept under retention keeps everything.
        ewa = db.session.get(Participant, world.kept.id)
        assert (ewa.first_name, ewa.anonymised_at) == ("Ewa", None)
        # No history of the old values is left behind by the anonymisation itself.
        assert db.session.scalar(select(func.count()).select_from(Rectification)) == 0
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.detail["anonymised"].as_string() == "retention")).all()
        assert sorted(int(e.object_id) for e in entries) == sorted(
            [world.old_1.id, world.old_2.id, world.old_3.id])
        assert {e.actor_id for e in entries} == {None}


def test_statistics_are_equal_before_and_after_anonymisation(world):
    before = statistics(world.app, world.p.id)
    run_nightly_task(world.app)
    after = statistics(world.app, world.p.id)
    assert after == before
    assert before["people"] == 5 and before["outcomes"]


def test_the_task_is_idempotent_and_keeps_partnerships_apart(world, factory):
    other = factory.partnership(slug="inne-partnerstwo")
    other_ops = factory.institution(other, name="OPS Inny")
    stranger = factory.participant(other_ops, first_name="Zofia")
    add(world.app, other.id, Enrollment(participant_id=stranger.id, institution_id=other_ops.id,
                                        recruited_on=LONG_AGO, status="completed",
                                        ended_on=LONG_AGO, retention_until=LONG_AGO))
    run_nightly_task(world.app)
    first = statistics(world.app, world.p.id)
    assert run_nightly_task(world.app) == {"partnerships": 2}
    assert statistics(world.app, world.p.id) == first
    assert loaded(world.app, other.id, Participant, stranger.id).anonymised_at is not None
    with world.app.app_context(), partnership_scope(world.p.id):
        count = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.detail["anonymised"].as_string() == "retention"))
    assert count == 3


def test_a_person_without_any_programme_path_is_not_anonymised_by_the_schedule(world):
    loner = world.f.participant(world.gops, first_name="Jadwiga")
    run_nightly_task(world.app)
    assert loaded(world.app, world.p.id, Participant, loner.id).first_name == "Jadwiga"


def test_the_beat_schedule_runs_the_retention_task_every_night(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    entry = next(e for e in schedule.values()
                 if e["task"] == "mosty.privacy.anonymise_after_retention")
    assert entry["schedule"].hour == {2}


def test_the_default_retention_follows_the_configured_years(make_app):
    app = make_app(MOSTY_RETENTION_YEARS=10)
    with app.app_context():
        assert default_retention(date(2024, 2, 29)) == date(2034, 2, 28)


# --- erasure on request -----------------------------------------------------------------------


def erasure(world, who, user=None, received_on=None):
    """Record a request as the page does, the erasure confirmed (a refusal ignores it)."""
    client = client_of(world.app, user or world.worker)
    return client, client.post(f"/{SLUG}/privacy/participants/{who.id}/erasure",
                               data={"received_on": (received_on or dates.today()).isoformat(),
                                     "confirm_erasure": "y"})


def test_erasure_is_refused_with_the_legal_reason_while_retention_applies(world):
    client, response = erasure(world, world.kept)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    until = dates.today() + timedelta(days=1500)
    assert "Erasure refused for now (GDPR art. 17(3)(b))" in page
    assert "art. 82 of Regulation (EU) 2021/1060" in page
    assert until.strftime("%Y") in page
    ewa = loaded(world.app, world.p.id, Participant, world.kept.id)
    assert (ewa.first_name, ewa.anonymised_at) == ("Ewa", None)
    with world.app.app_context(), partnership_scope(world.p.id):
        request = db.session.scalar(select(ErasureRequest))
        assert (request.outcome, request.retention_until) == ("refused", until)


def test_erasure_of_a_person_still_on_the_programme_names_the_open_path(world):
    client, response = erasure(world, world.active)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "programme path has not ended" in page and "for 5 years after the path ends" in page
    assert loaded(world.app, world.p.id, Participant, world.active.id).anonymised_at is None


def test_erasure_is_carried_out_when_no_retention_applies(world):
    loner = world.f.participant(world.gops, first_name="Jadwiga", last_name="Bez Ścieżki")
    client, response = erasure(world, loner)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Erasure carried out" in page
    assert "Jadwiga" not in page
    person = loaded(world.app, world.p.id, Participant, loner.id)
    assert person.anonymised_at is not None and person.first_name == ""
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(ErasureRequest.outcome)) == "carried_out"
        actions = [(e.action, e.object_type, e.detail.get("outcome") or e.detail.get(
            "anonymised")) for e in db.session.scalars(select(AuditEntry).where(
                AuditEntry.action != "read").order_by(AuditEntry.id))]
        assert ("create", "ErasureRequest", "carried_out") in actions
        assert ("update", "Participant", "erasure") in actions


def test_erasure_after_the_retention_date_is_carried_out(world):
    _, response = erasure(world, world.old_3)
    assert response.status_code == 302
    assert loaded(world.app, world.p.id, Participant, world.old_3.id).anonymised_at


def test_only_the_registering_institution_or_the_admin_decides_on_erasure(world):
    world.f.consent(world.kept, [world.pup])
    _, response = erasure(world, world.kept, user=world.pup_worker)
    assert response.status_code == 403
    _, response = erasure(world, world.kept, user=world.admin)
    assert response.status_code == 302


@pytest.mark.parametrize("received_on", ["", "jutro", "2999-01-01", "2024-13-45"])
def test_a_bad_request_date_gets_a_message_and_records_nothing(world, received_on):
    client = client_of(world.app, world.worker)
    response = client.post(f"/{SLUG}/privacy/participants/{world.kept.id}/erasure",
                           data={"received_on": received_on})
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    with world.app.app_context(), partnership_scope(world.p.id):
        assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


def test_retention_status_reads_own_and_family_paths(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        henryk = db.session.get(Participant, world.old_1.id)
        status = retention_status(henryk)
        assert (status.applies, status.paths, status.open) == (False, 1, False)
        ewa = db.session.get(Participant, world.kept.id)
        assert retention_status(ewa).applies


# --- on PostgreSQL, behind row-level security ---------------------------------------------------


@pytest.mark.postgres
def test_the_nightly_run_and_the_export_work_behind_row_level_security(pg_app):
    from mosty.testing.factories import RegistryFactory

    f = RegistryFactory(pg_app)
    runs = []
    for slug in ("pg-a", "pg-b"):
        p = f.partnership(slug=slug)
        ops = f.institution(p, name=f"OPS {slug}")
        worker = f.staff(ops)
        gone = f.participant(ops, first_name="Helena", last_name="Dawna")
        kept = f.participant(ops, first_name="Irena", last_name="Obecna")
        add(pg_app, p.id,
            Enrollment(participant_id=gone.id, institution_id=ops.id, recruited_on=LONG_AGO,
                       status="completed", ended_on=LONG_AGO, retention_until=LONG_AGO),
            Enrollment(participant_id=kept.id, institution_id=ops.id, recruited_on=LONG_AGO,
                       status="active"))
        runs.append((p, worker, gone, kept))
    client = client_of(pg_app, runs[0][1])
    client.get(f"/pg-a/participants/{runs[0][2].id}/")
    exported = client.get(f"/pg-a/privacy/participants/{runs[0][2].id}/export.json").get_json()
    assert any(e["What was done"] == "read" for e in exported["audit"])
    with pg_app.app_context():
        assert anonymise_after_retention.delay().get() == {"partnerships": 2}
    for p, _worker, gone, kept in runs:
        assert loaded(pg_app, p.id, Participant, gone.id).first_name == ""
        assert loaded(pg_app, p.id, Participant, kept.id).first_name == "Irena"


def test_the_admin_sees_how_many_people_tonights_run_will_anonymise(world):
    page = client_of(world.app, world.admin).get(f"/{SLUG}/privacy/").get_data(as_text=True)
    assert "3 people are past the retention period" in page
    run_nightly_task(world.app)
    page = client_of(world.app, world.admin).get(f"/{SLUG}/privacy/").get_data(as_text=True)
    assert "0 people are past the retention period" in page
