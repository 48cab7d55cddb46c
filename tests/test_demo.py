"""`mosty demo`: both partnerships filled with a believable case registry, loaded once.

The registry demo is what people see first, so it has to hold up: valid PESELs, Polish name
forms, addresses inside each partnership's territory, every enrollment stage and referral
status, records in the inboxes and case lists of the demo logins.
"""

import re
import shutil
from collections import Counter
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.pl import pesel as stdnum_pesel

from mosty import create_app, dates
from mosty.audit.models import AuditEntry
from mosty.consents.models import Consent
from mosty.demo import load_demo
from mosty.enrollment.models import STATUSES as ENROLLMENT_STAGES
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.families.models import Family
from mosty.outcomes.models import FollowUp, Outcome
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.participants.pesel import pesel_problems
from mosty.partnerships.models import Institution, Partnership, TerritoryUnit
from mosty.plugins.manager import demo_loaders
from mosty.referrals.models import STATUSES as REFERRAL_STATUSES
from mosty.referrals.models import Referral
from mosty.services.models import Service, ServiceDelivery
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.plugin import BASE_CONFIG

REGISTRY_MODELS = (Participant, Dependant, CareRelation, Family, Consent, Service,
                   ServiceDelivery, Referral, Enrollment, Outcome, FollowUp, AuditEntry)
PASSWORD = "demo-test-password"


@contextmanager
def cheap_passwords():
    """Argon2 costs half a second per demo login; these tests are about the registry."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mosty.auth.models.hash_password", lambda password: f"plain:{password}")
        patch.setattr("mosty.auth.models.verify_password",
                      lambda stored, password: stored == f"plain:{password}")
        patch.setattr("mosty.auth.models.needs_rehash", lambda stored: False)
        yield


def _demo_app(path):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       "MOSTY_MIGRATION_DATABASE_URL": f"sqlite:///{path}"})


@contextmanager
def loaded_demo(sqlite_template, tmp_path_factory, name, with_modules=False):
    """An app on a copy of the migrated template database with the demo loaded (the modules'
    demo data too, ``with_modules``): for a module-scoped fixture of read-mostly tests."""
    path = tmp_path_factory.mktemp(name) / "demo.sqlite"
    shutil.copyfile(sqlite_template, path)
    app = _demo_app(path)
    with app.app_context(), cheap_passwords():
        load_demo(password=PASSWORD,
                  **({"extra_loaders": demo_loaders(app)} if with_modules else {}))
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def demo_app(sqlite_template, tmp_path_factory):
    """One database with the demo loaded, shared by the read-only tests of this module."""
    with loaded_demo(sqlite_template, tmp_path_factory, "demo") as app:
        yield app


@pytest.fixture
def in_partnership(demo_app):
    """``in_partnership(slug)``: a context working for that demo partnership."""
    contexts = []

    def enter(slug):
        ctx = demo_app.app_context()
        ctx.push()
        with system_scope("test: find the demo partnership"):
            pid = db.session.scalar(select(Partnership.id).where(Partnership.slug == slug))
        scope = partnership_scope(pid)
        scope.__enter__()
        contexts.append((ctx, scope))
        return pid

    yield enter
    for ctx, scope in reversed(contexts):
        scope.__exit__(None, None, None)
        ctx.pop()


def counts(app):
    with app.app_context(), system_scope("test: count the demo"):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in REGISTRY_MODELS}


def institution(name_part):
    return db.session.scalar(select(Institution).where(Institution.name.contains(name_part)))


# --- loading -----------------------------------------------------------------------------------

def test_a_few_hundred_participants_in_both_partnerships(in_partnership):
    in_partnership("krakow")
    krakow = db.session.scalar(select(func.count(Participant.id)))
    in_partnership("pomorze")
    pomorze = db.session.scalar(select(func.count(Participant.id)))
    families = db.session.scalar(select(func.count(Family.id)))
    assert 130 <= krakow <= 180
    assert 50 <= families <= 70 and pomorze >= 2 * families
    assert krakow + pomorze >= 300


def test_loading_the_demo_again_adds_nothing(demo_app):
    before = counts(demo_app)
    with demo_app.app_context(), cheap_passwords():
        load_demo(password=PASSWORD)
    assert counts(demo_app) == before


def test_the_demo_is_the_same_every_time_it_is_loaded(demo_app, sqlite_template, tmp_path):
    path = tmp_path / "again.sqlite"
    shutil.copyfile(sqlite_template, path)
    again = _demo_app(path)

    def people(app):
        with app.app_context(), system_scope("test: compare two demos"):
            return db.session.execute(select(
                Participant.first_name, Participant.last_name, Participant.pesel,
                Participant.registered_locality, Participant.labour_status,
            ).order_by(Participant.id)).all()

    with again.app_context(), cheap_passwords():
        load_demo(password=PASSWORD)
    try:
        assert people(again) == people(demo_app)
    finally:
        with again.app_context():
            db.engine.dispose()


def test_creating_the_demo_is_audited_once_per_partnership_without_people(in_partnership):
    for slug in ("krakow", "pomorze"):
        in_partnership(slug)
        entries = db.session.scalars(select(AuditEntry)).all()
        assert [(e.action, e.object_type, e.actor_id) for e in entries] == [
            ("create", "DemoData", None)]
        detail = entries[0].detail
        assert detail["participants"] == db.session.scalar(select(func.count(Participant.id)))
        assert all(isinstance(value, int) for value in detail.values())


# --- people --------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_every_pesel_is_valid_and_matches_birth_date_and_sex(in_partnership, slug):
    in_partnership(slug)
    people = db.session.scalars(select(Participant)).all()
    with_pesel = [p for p in people if p.pesel]
    assert len(with_pesel) > 0.9 * len(people)
    for p in with_pesel:
        assert stdnum_pesel.is_valid(p.pesel), p.pesel
        assert pesel_problems(p.pesel, p.birth_date, p.sex) == [], (p.pesel, p.birth_date, p.sex)
    assert len({p.pesel for p in with_pesel}) == len(with_pesel)


@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_names_contacts_and_case_numbers_look_real(in_partnership, slug):
    in_partnership(slug)
    for p in db.session.scalars(select(Participant)):
        if p.sex == "female":
            assert not re.search(r"(ski|cki|dzki)$", p.last_name), p.full_name
        else:
            assert not re.search(r"(ska|cka|dzka)$", p.last_name), p.full_name
        assert p.phone == "" or re.fullmatch(r"\+48 6\d\d \d{3} \d{3}", p.phone), p.phone
        assert p.email == "" or p.email.endswith("@example.pl"), p.email
        assert p.social_assistance_case_no.startswith("DEMO-")
        if p.labour_status == "registered_unemployed":
            assert p.unemployed_since is not None and p.labour_office_case_no
            assert (p.unemployed_since - p.birth_date).days >= 18 * 365
            assert p.long_term_unemployed == ((dates.today() - p.unemployed_since).days > 365)


@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_every_address_is_inside_the_partnerships_territory(in_partnership, slug):
    in_partnership(slug)
    territory = tuple(db.session.scalars(select(TerritoryUnit.teryt)))
    for p in db.session.scalars(select(Participant)):
        assert p.registered_teryt.startswith(territory), (p.registered_teryt, p.full_name)
        assert p.actual_teryt.startswith(territory), (p.actual_teryt, p.full_name)
        assert len(p.registered_teryt) == 7 and p.registered_locality
    for family in db.session.scalars(select(Family)):
        assert family.teryt.startswith(territory) and family.locality


def test_krakow_serves_carers_of_small_children_disabled_and_elderly_relatives(in_partnership):
    in_partnership("krakow")
    kinds = Counter(db.session.scalars(select(Dependant.dependant_type)))
    assert set(kinds) == {"child_under_7", "child_with_disability", "adult_with_disability",
                          "ill_or_elderly"}
    carers = db.session.scalar(select(func.count(func.distinct(CareRelation.carer_id))))
    assert carers >= 120
    localities = set(db.session.scalars(select(Participant.registered_locality)))
    assert "Kraków" in localities and len(localities) > 10


def test_pomorze_serves_rural_families_of_two_to_six_across_generations(in_partnership):
    in_partnership("pomorze")
    families = db.session.scalars(select(Family)).all()
    assert all(2 <= len(f.members) <= 6 for f in families)
    assert sum(f.area == "rural" for f in families) > 0.9 * len(families)
    assert sum(len({m.generation for m in f.members}) >= 3 for f in families) >= 10
    several_unemployed = [f for f in families
                          if sum(m.participant.is_unemployed for m in f.members) >= 2]
    assert len(several_unemployed) > len(families) / 2
    for family in families:
        surnames = {m.participant.last_name for m in family.members}
        assert family.name.startswith("Rodzina ")
        assert len(surnames) <= 3  # the male and female forms, and someone who married in
    assert {"3201", "3203", "3216", "3218"} == {f.teryt[:4] for f in families}


# --- the programme ---------------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_enrollments_in_every_stage_with_readable_verdicts(in_partnership, slug):
    in_partnership(slug)
    enrollments = db.session.scalars(select(Enrollment)).all()
    assert set(ENROLLMENT_STAGES) <= {e.status for e in enrollments}
    assert any(e.eligibility["eligible"] is False for e in enrollments)
    for e in enrollments:
        assert e.target_group is not None
        # The verdict recorded at recruitment, with reasons a person can read.
        assert e.eligibility["reasons"] and all(r["text"] for r in e.eligibility["reasons"])
        assert e.eligibility["evaluated_on"] == e.recruited_on.isoformat()
        if e.status in ("eligible", "active", "completed"):
            assert e.eligibility["eligible"] is True
        if e.exit_reason == "not_eligible":
            assert e.eligibility["eligible"] is False
        if e.status in ("completed", "exited"):
            assert e.recruited_on <= e.ended_on <= dates.today()
            assert e.retention_until.year == e.ended_on.year + 5
        else:
            assert e.ended_on is None and e.retention_until is None
        if e.started_on:
            assert e.recruited_on <= e.eligible_on <= e.started_on <= dates.today()


def test_pomorze_enrolls_whole_families_krakow_enrolls_carers(in_partnership):
    in_partnership("krakow")
    assert db.session.scalar(select(func.count()).where(Enrollment.family_id.is_not(None))) == 0
    in_partnership("pomorze")
    assert db.session.scalar(select(func.count()).where(Enrollment.participant_id.is_not(None))) == 0


@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_referrals_in_every_status_some_overdue_all_covered_by_consent(in_partnership, slug):
    in_partnership(slug)
    referrals = db.session.scalars(select(Referral)).all()
    assert set(REFERRAL_STATUSES) <= {r.status for r in referrals}
    assert any(r.is_overdue() for r in referrals)
    assert any(r.status == "sent" and not r.is_overdue() for r in referrals)
    for r in referrals:
        assert r.from_institution_id == r.participant.institution_id
        sent_on = r.sent_at.date()
        consents = db.session.scalars(select(Consent).where(
            Consent.participant_id == r.participant_id)).all()
        assert any(c.given_on <= sent_on and (c.withdrawn_on is None or c.withdrawn_on > sent_on)
                   and r.to_institution_id in {s.institution_id for s in c.shared_with}
                   and "referral" in c.purposes for c in consents), r.id
        if r.status == "declined":
            assert r.decline_reason
        if r.status == "completed":
            assert r.completed_at and r.answered_at


@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_consents_name_two_to_four_institutions_and_a_few_are_withdrawn(in_partnership, slug):
    in_partnership(slug)
    consents = db.session.scalars(select(Consent)).all()
    adults = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.birth_date <= date(dates.today().year - 18, 1, 1)))
    assert len(consents) > 0.75 * adults
    assert all(2 <= len(c.shared_with) <= 4 for c in consents)
    withdrawn = [c for c in consents if c.withdrawn_on]
    assert 0 < len(withdrawn) < 0.15 * len(consents)
    assert all(c.given_on < c.withdrawn_on <= dates.today() for c in withdrawn)


@pytest.mark.parametrize("slug", ["krakow", "pomorze"])
def test_services_deliveries_outcomes_and_follow_ups(in_partnership, slug):
    in_partnership(slug)
    kinds = set(db.session.scalars(select(Service.kind)))
    assert {"advisory", "training", "placement"} <= kinds
    two_years_ago = dates.today().replace(year=dates.today().year - 2)
    days = db.session.scalars(select(ServiceDelivery.delivered_on)).all()
    assert len(days) > 300 and all(two_years_ago <= d <= dates.today() for d in days)
    outcomes = Counter(db.session.scalars(select(Outcome.kind)))
    assert outcomes["job_started"] > 0 and outcomes["training_completed"] > 0
    employers = set(db.session.scalars(select(Outcome.employer).where(
        Outcome.kind == "job_started")))
    assert employers & {"Adecco Poland Sp. z o.o.",
                        "Gospodarstwo Rolne i Przetwórstwo „Drawa” Sp. z o.o."}
    assert {f.months for f in db.session.scalars(select(FollowUp))} == {3, 6}


# --- the demo logins have something to work with -----------------------------------------------

def test_krakow_welfare_centre_owns_many_and_labour_office_has_an_inbox(in_partnership):
    in_partnership("krakow")
    mops, gup = institution("Miejski Ośrodek Pomocy"), institution("Grodzki Urząd Pracy")
    owned = db.session.scalar(select(func.count(Participant.id)).where(
        Participant.institution_id == mops.id))
    inbox = Counter(db.session.scalars(select(Referral.status).where(
        Referral.to_institution_id == gup.id)))
    assert owned >= 50
    assert inbox["sent"] >= 3 and inbox["accepted"] >= 1


def test_pomorze_animators_ngo_owns_families_and_pup_bialogard_has_referrals(in_partnership):
    in_partnership("pomorze")
    ngo, pup = institution("Pomorskie Mosty"), institution("Urząd Pracy w Białogardzie")
    assert db.session.scalar(select(func.count(Family.id)).where(
        Family.institution_id == ngo.id)) >= 25
    inbox = Counter(db.session.scalars(select(Referral.status).where(
        Referral.to_institution_id == pup.id)))
    assert inbox["sent"] >= 3 and sum(inbox.values()) >= 10


@pytest.mark.postgres
def test_the_demo_loads_on_postgresql_behind_row_level_security(pg_app):
    """Inserted as the runtime role, partnership by partnership; loading again adds nothing."""
    with pg_app.app_context(), cheap_passwords():
        load_demo(password=PASSWORD)
    first = counts(pg_app)
    assert first["Participant"] >= 300 and first["Referral"] > 100
    with pg_app.app_context(), cheap_passwords():
        load_demo(password=PASSWORD)
    assert counts(pg_app) == first
