"""Registration status at the labour office: long-term unemployment by the statutory rule
(more than 12 months registered as unemployed within the last 24), the periods a clerk records
(register, change status, deregister, case number and benefit), who writes it (labour office
clerks only), who reads it (institutions that see the person) and who gets 404.

``labour_world`` here is shared by the activation and inbox tests.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from mosty_labour.registration.models import LabourRegistration, RegistrationPeriod
from mosty_labour.registration.rules import (
    Duration,
    calendar_duration,
    is_long_term_unemployed,
    time_registered,
    window_start,
)

SLUG = "labour-test"
D = date


def enable_labour(app, partnership_id, grants=None):
    grants = grants or {"labour_clerk": "write", "caseworker": "read", "coordinator": "read"}
    with app.app_context(), partnership_scope(partnership_id):
        db.session.add(PartnershipModule(module_key="labour", enabled=True))
        for role, access in grants.items():
            db.session.add(ModuleGrant(module_key="labour", role=role, access=access))
        db.session.commit()


def labour_world(app, factory):
    """Partnership A: the welfare centre (MOPS) registered Anna, who consented to the city
    labour office (GUP) seeing her record; the county labour office (UPPK) and an NGO have no
    consent. Staff: a GUP clerk, a GUP caseworker without the clerk role, a UPPK clerk, a
    "clerk" at MOPS (not a labour office), MOPS and NGO caseworkers. Partnership B has its own
    labour office and clerk. The labour module is on in both and granted as by default."""
    clerk_roles = ("caseworker", "labour_clerk")
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków", kind="ops")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.uppk = factory.institution(p, name="Urząd Pracy Powiatu Krakowskiego", kind="labour_office")
    w.ngo = factory.institution(p, name="Fundacja Most", kind="ngo")
    w.mops_worker = factory.staff(w.mops)
    w.mops_clerk = factory.staff(w.mops, roles=clerk_roles)
    w.gup_clerk = factory.staff(w.gup, roles=clerk_roles)
    w.gup_caseworker = factory.staff(w.gup)
    w.uppk_clerk = factory.staff(w.uppk, roles=clerk_roles)
    w.ngo_worker = factory.staff(w.ngo)
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    factory.consent(w.anna, [w.gup])
    enable_labour(app, p.id)
    b = factory.partnership(slug="labour-b")
    w.b = SimpleNamespace(partnership=b)
    w.b.office = factory.institution(b, name="PUP Białogard", kind="labour_office")
    w.b.clerk = factory.staff(w.b.office, roles=clerk_roles)
    enable_labour(app, b.id)
    return w


@pytest.fixture
def world(app, factory):
    return labour_world(app, factory)


def client_of(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def in_a(world):
    return _Scope(world.app, world.p.id)


class _Scope:
    def __init__(self, app, partnership_id):
        self.ctx = app.app_context()
        self.partnership_id = partnership_id

    def __enter__(self):
        self.ctx.push()
        self.scope = partnership_scope(self.partnership_id)
        self.scope.__enter__()
        return db.session

    def __exit__(self, *exc):
        self.scope.__exit__(*exc)
        self.ctx.pop()


def audit_entries(world):
    with in_a(world) as session:
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail,
                                institution_id=e.institution_id, actor_id=e.actor_id)
                for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def periods_of(world, participant_id):
    with in_a(world) as session:
        return [(p.status, p.registered_on, p.deregistered_on, p.deregistration_reason)
                for p in session.scalars(
                    select(RegistrationPeriod).join(LabourRegistration)
                    .where(LabourRegistration.participant_id == participant_id)
                    .order_by(RegistrationPeriod.registered_on, RegistrationPeriod.id))]


def url(world, action="", participant=None):
    participant_id = (participant or world.anna).id
    return f"/{SLUG}/labour/registration/{participant_id}/{action}"


def register(world, client=None, **data):
    client = client or client_of(world, world.gup_clerk)
    form = {"status": "unemployed", "registered_on": "2024-03-01", "case_no": "CAZ/2024/117"}
    form.update(data)
    return client.post(url(world, "register"), data=form)


# --- the statutory rule, on its edges --------------------------------------------------------


def test_exactly_twelve_months_registered_is_not_long_term():
    periods = [(D(2024, 3, 1), None)]
    assert time_registered(periods, D(2025, 3, 1)) == Duration(12, 0)
    assert not is_long_term_unemployed(periods, D(2025, 3, 1))


def test_twelve_months_and_a_day_is_long_term():
    periods = [(D(2024, 3, 1), None)]
    assert time_registered(periods, D(2025, 3, 2)) == Duration(12, 1)
    assert is_long_term_unemployed(periods, D(2025, 3, 2))


def test_months_are_calendar_months_clamped_to_the_end_of_a_shorter_month():
    assert calendar_duration(D(2024, 1, 31), D(2024, 2, 29)) == Duration(1, 0)
    assert calendar_duration(D(2024, 1, 31), D(2025, 1, 31)) == Duration(12, 0)
    assert not is_long_term_unemployed([(D(2024, 1, 31), None)], D(2025, 1, 31))
    assert is_long_term_unemployed([(D(2024, 1, 31), None)], D(2025, 2, 1))
    assert window_start(D(2024, 2, 29)) == D(2022, 2, 28)


def test_periods_with_a_gap_add_up_and_thirty_days_make_a_month():
    periods = [(D(2023, 6, 1), D(2023, 12, 1)), (D(2024, 1, 1), None)]  # 6 months, then more
    assert time_registered(periods, D(2024, 7, 1)) == Duration(12, 0)
    assert not is_long_term_unemployed(periods, D(2024, 7, 1))
    assert is_long_term_unemployed(periods, D(2024, 7, 2))
    # 6 months 20 days + 5 months 15 days = 11 months 35 days = 12 months 5 days
    uneven = [(D(2023, 5, 1), D(2023, 11, 21)), (D(2024, 1, 10), None)]
    assert time_registered(uneven, D(2024, 6, 25)) == Duration(12, 5)
    assert is_long_term_unemployed(uneven, D(2024, 6, 25))


def test_re_registration_the_day_after_deregistration_counts_both_periods_once():
    periods = [(D(2024, 1, 1), D(2024, 7, 1)), (D(2024, 7, 1), None)]
    assert time_registered(periods, D(2025, 1, 1)) == Duration(12, 0)
    assert not is_long_term_unemployed(periods, D(2025, 1, 1))
    assert is_long_term_unemployed(periods, D(2025, 1, 2))
    overlapping = [(D(2024, 1, 1), D(2024, 9, 1)), (D(2024, 6, 1), None)]
    assert time_registered(overlapping, D(2025, 1, 1)) == Duration(12, 0)


def test_only_the_last_24_months_count():
    # Registered since long ago: only the window counts, and that is more than 12 months.
    assert time_registered([(D(2019, 5, 5), None)], D(2025, 3, 10)) == Duration(24, 0)
    assert is_long_term_unemployed([(D(2019, 5, 5), None)], D(2025, 3, 10))
    # A period that ended before the window does not count at all.
    old_and_new = [(D(2020, 1, 1), D(2023, 1, 1)), (D(2024, 6, 1), None)]
    assert time_registered(old_and_new, D(2025, 3, 1)) == Duration(9, 0)
    assert not is_long_term_unemployed(old_and_new, D(2025, 3, 1))
    # A period straddling the window's start counts from the window's start.
    straddling = [(D(2022, 9, 1), D(2023, 9, 1)), (D(2024, 5, 1), None)]
    assert time_registered(straddling, D(2025, 3, 1)) == Duration(16, 0)
    assert is_long_term_unemployed(straddling, D(2025, 3, 1))


def test_a_deregistered_person_is_not_long_term_unemployed_whatever_their_past():
    periods = [(D(2023, 1, 1), D(2025, 1, 1))]
    assert time_registered(periods, D(2025, 2, 1)) == Duration(23, 0)
    assert not is_long_term_unemployed(periods, D(2025, 2, 1))
    assert not is_long_term_unemployed([], D(2025, 2, 1))


def test_an_open_period_runs_until_the_reference_day_and_future_periods_do_not_count():
    periods = [(D(2024, 1, 1), None), (D(2030, 1, 1), None)]
    assert time_registered(periods, D(2024, 4, 15)) == Duration(3, 14)


def test_internships_are_left_out_of_the_count():
    periods = [(D(2024, 1, 1), None)]
    internship = [(D(2024, 3, 1), D(2024, 6, 1))]
    assert is_long_term_unemployed(periods, D(2025, 3, 1))
    assert time_registered(periods, D(2025, 3, 1), internship) == Duration(11, 0)
    assert not is_long_term_unemployed(periods, D(2025, 3, 1), internship)


# --- the clerk records the status -------------------------------------------------------------


def test_a_labour_office_clerk_registers_a_person_and_the_write_is_audited(world):
    before = audit_entries(world)
    response = register(world)
    assert response.status_code == 302
    assert periods_of(world, world.anna.id) == [("unemployed", D(2024, 3, 1), None, "")]
    with in_a(world) as session:
        registration = session.scalar(select(LabourRegistration))
        assert (registration.institution_id, registration.case_no) == (world.gup.id,
                                                                       "CAZ/2024/117")
    (entry,) = audit_entries(world)[len(before):]
    assert (entry.action, entry.object_type, entry.institution_id, entry.actor_id) == (
        "create", "RegistrationPeriod", world.gup.id, world.gup_clerk.id)
    assert entry.detail["participant_id"] == world.anna.id
    assert "Nowak" not in str(entry.detail) and "CAZ" not in str(entry.detail)
    page = client_of(world, world.gup_clerk).get(url(world)).get_data(as_text=True)
    assert "registered unemployed" in page and "CAZ/2024/117" in page


def test_status_change_deregistration_and_re_registration_make_periods(world):
    client = client_of(world, world.gup_clerk)
    register(world, client, registered_on="2023-01-10")
    assert client.post(url(world, "status"), data={"status": "job_seeker",
                                                   "on": "2023-06-01"}).status_code == 302
    assert client.post(url(world, "deregister"), data={"reason": "employment",
                                                       "on": "2023-09-15"}).status_code == 302
    refused = register(world, client, registered_on="2023-09-01")
    assert refused.status_code == 422
    assert "cannot start before the previous one ended" in refused.get_data(as_text=True)
    assert register(world, client, registered_on="2024-02-01").status_code == 302
    assert periods_of(world, world.anna.id) == [
        ("unemployed", D(2023, 1, 10), D(2023, 6, 1), "status_changed"),
        ("job_seeker", D(2023, 6, 1), D(2023, 9, 15), "employment"),
        ("unemployed", D(2024, 2, 1), None, ""),
    ]
    actions = [(e.action, (e.detail or {}).get("to")) for e in audit_entries(world)
               if e.object_type in ("LabourRegistration", "RegistrationPeriod")]
    assert actions == [("create", None), ("transition", "job_seeker"),
                       ("transition", "deregistered"), ("create", None)]


def test_job_seeker_time_does_not_make_anyone_long_term_unemployed(world):
    from mosty_labour.registration import service

    client = client_of(world, world.gup_clerk)
    start = dates.today() - timedelta(days=500)
    register(world, client, status="job_seeker", registered_on=start.isoformat())
    with in_a(world):
        summary = service.summary(world.anna.id)
        assert (summary.status, summary.long_term) == ("job_seeker", False)
    client.post(url(world, "status"), data={"status": "unemployed",
                                            "on": (start + timedelta(days=10)).isoformat()})
    with in_a(world):
        summary = service.summary(world.anna.id)
        assert (summary.status, summary.long_term) == ("unemployed", True)
        assert summary.time_registered.months >= 15


def test_a_person_registered_at_one_office_cannot_be_registered_at_another(world):
    register(world)
    world.f.consent(world.anna, [world.uppk])
    refused = register(world, client_of(world, world.uppk_clerk), registered_on="2024-05-01")
    assert refused.status_code == 422
    assert "already registered" in refused.get_data(as_text=True)
    # ... and the other office cannot change the first office's registration either.
    response = client_of(world, world.uppk_clerk).post(
        url(world, "deregister"), data={"reason": "employment", "on": "2024-06-01"})
    assert response.status_code == 422
    assert "no registration at your office" in response.get_data(as_text=True)
    assert periods_of(world, world.anna.id) == [("unemployed", D(2024, 3, 1), None, "")]


def test_case_number_and_benefit_are_recorded(world):
    client = client_of(world, world.gup_clerk)
    register(world, client)
    response = client.post(url(world, "details"), data={
        "case_no": "CAZ/2024/999", "benefit_entitled": "y", "benefit_until": "2024-09-01"})
    assert response.status_code == 302
    with in_a(world) as session:
        registration = session.scalar(select(LabourRegistration))
        assert (registration.case_no, registration.benefit_entitled,
                registration.benefit_until) == ("CAZ/2024/999", True, D(2024, 9, 1))
    assert audit_entries(world)[-1].detail["fields"] == ["benefit_entitled", "benefit_until",
                                                         "case_no"]


@pytest.mark.parametrize("data, message", [
    ({"registered_on": "2099-01-01"}, "cannot be in the future"),
    ({"registered_on": "1.3.2024"}, "Enter a date as YYYY-MM-DD."),
    ({"status": "retired"}, "Choose one of the options offered."),
    ({"case_no": "x" * 41}, "At most 40 characters."),
])
def test_bad_input_gets_a_clear_message_and_saves_nothing(world, data, message):
    response = register(world, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert periods_of(world, world.anna.id) == []


# --- who writes, who reads, who gets 404 --------------------------------------------------------


def test_only_labour_office_clerks_write_the_status(world):
    # A caseworker of the labour office has read access to the module: the guard says 403.
    assert register(world, client_of(world, world.gup_caseworker)).status_code == 403
    # The clerk role at an institution that is not a labour office is not enough.
    assert register(world, client_of(world, world.mops_clerk)).status_code == 403
    page = client_of(world, world.mops_clerk).get(url(world)).get_data(as_text=True)
    assert "Record the registration" not in page
    assert periods_of(world, world.anna.id) == []


def test_institutions_that_see_the_person_read_the_status_on_the_participant_page(world):
    register(world)
    client = client_of(world, world.mops_worker)
    before = len(audit_entries(world))
    page = client.get(f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Labour office registration" in page and "registered unemployed" in page
    assert "Registered at the labour office: unemployed" in page  # the timeline
    assert len(audit_entries(world)) - before == 1  # the page's one read, not one per panel
    response = client.get(url(world))
    assert response.status_code == 200 and "Grodzki Urząd Pracy" in response.get_data(
        as_text=True)
    assert "Record the registration" not in response.get_data(as_text=True)
    assert audit_entries(world)[-1].action == "read"


def test_institutions_without_access_to_the_person_get_404(world):
    register(world)
    assert client_of(world, world.ngo_worker).get(url(world)).status_code == 404
    # A clerk of another labour office that has no consent: 404 for reading and writing.
    uppk = client_of(world, world.uppk_clerk)
    assert uppk.get(url(world)).status_code == 404
    before = len(audit_entries(world))
    assert uppk.post(url(world, "deregister"), data={"reason": "employment",
                                                     "on": "2024-06-01"}).status_code == 404
    assert len(audit_entries(world)) == before
    # The register of an office lists only its own files.
    assert "Nowak" not in uppk.get(f"/{SLUG}/labour/registration/").get_data(as_text=True)
    assert "Nowak" in client_of(world, world.gup_clerk).get(
        f"/{SLUG}/labour/registration/").get_data(as_text=True)


def test_another_partnership_gets_404_for_the_person_and_the_pages(world):
    client = client_of(world, world.b.clerk)
    assert client.get(url(world)).status_code == 404
    assert client.get(f"/labour-b/labour/registration/{world.anna.id}/").status_code == 404
    assert client.post(f"/labour-b/labour/registration/{world.anna.id}/register",
                       data={"status": "unemployed", "registered_on": "2024-03-01"}
                       ).status_code == 404


def test_module_switched_off_or_not_granted_answers_404(world):
    register(world)
    with in_a(world) as session:
        session.query(ModuleGrant).filter_by(role="caseworker").delete()
        session.commit()
    mops = client_of(world, world.mops_worker)
    assert mops.get(url(world)).status_code == 404
    assert "Labour office registration" not in mops.get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    with in_a(world) as session:
        session.query(PartnershipModule).filter_by(module_key="labour").update(
            {"enabled": False})
        session.commit()
    clerk = client_of(world, world.gup_clerk)
    assert clerk.get(url(world)).status_code == 404
    assert clerk.get(f"/{SLUG}/labour/registration/").status_code == 404
    assert register(world, clerk).status_code == 404


def test_the_register_lists_the_office_files_with_status_and_one_audit_entry(world):
    register(world)
    client = client_of(world, world.gup_clerk)
    before = len(audit_entries(world))
    page = client.get(f"/{SLUG}/labour/registration/").get_data(as_text=True)
    assert "Anna Nowak" in page and "CAZ/2024/117" in page
    entries = audit_entries(world)[before:]
    assert len(entries) == 1 and entries[0].detail["participant_ids"] == [world.anna.id]


def test_personal_data_and_anonymisation_keep_the_periods_and_blank_the_case_number(world):
    from mosty.participants.models import Participant
    from mosty_labour.registration import hooks

    register(world)
    with in_a(world) as session:
        anna = session.get(Participant, world.anna.id)
        (section,) = [hooks.personal_data(anna)]
        assert len(section.records) == 1
        assert "CAZ/2024/117" in section.records[0].values()
        hooks.anonymise_participant(anna)
        session.commit()
        assert session.scalar(select(LabourRegistration.case_no)) == ""
        assert session.scalar(select(func.count(RegistrationPeriod.id))) == 1


# --- import of the labour office system's export (labour.registrations) ---------------------

IMPORT_HEADER = ("PESEL;Status;Data rejestracji;Data wyrejestrowania;Przyczyna wyrejestrowania;"
                 "Numer ewidencyjny;Prawo do zasiłku;Zasiłek do")


def make_pesel(birth, serial, female=True):
    digits = f"{birth:%y%m%d}{serial:03d}{(0 if female else 1) + 2 * (serial % 4)}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return digits + str(check)


ANNA_PESEL = make_pesel(D(1985, 3, 14), 123)
STRANGER_PESEL = make_pesel(D(1979, 11, 2), 456)


@pytest.fixture
def import_world(app, factory):
    w = labour_world(app, factory)
    w.anna_with_pesel = factory.participant(w.mops, first_name="Ewa", last_name="Peselowa",
                                            pesel=ANNA_PESEL)
    factory.consent(w.anna_with_pesel, [w.gup])
    return w


def export_file(*rows):
    return ("\n".join((IMPORT_HEADER, *rows)) + "\n").encode("utf-8")


def run_import(world, client, data, commit=True):
    """Upload, confirm the recognised columns (dry run), then commit; the batch's report."""
    import io
    import re

    from mosty.imports.models import ImportBatch

    response = client.post(f"/{SLUG}/imports/", data={
        "format": "labour.registrations", "file": (io.BytesIO(data), "eksport.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-2])
    page = client.get(f"/{SLUG}/imports/{batch_id}/mapping").get_data(as_text=True)
    form = {}
    for index, body in re.findall(r'<select id="column-(\d+)" name="column-\d+">(.*?)</select>',
                                  page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[f"column-{index}"] = chosen.group(1) if chosen else ""
    assert client.post(f"/{SLUG}/imports/{batch_id}/mapping", data=form).status_code == 302
    if commit:
        assert client.post(f"/{SLUG}/imports/{batch_id}/commit").status_code == 302
    with in_a(world) as session:
        batch = session.get(ImportBatch, batch_id)
        return SimpleNamespace(state=batch.state, report=batch.report, mapping=batch.mapping)


def test_the_office_imports_registration_periods_by_pesel_and_a_second_run_changes_nothing(
        import_world):
    world = import_world
    client = client_of(world, world.gup_clerk)
    data = export_file(
        f"{ANNA_PESEL};bezrobotna;01.03.2023;15.09.2023;podjęcie zatrudnienia;CAZ/23/1;nie;",
        f"{ANNA_PESEL};Bezrobotny;2024-02-01;;;CAZ/24/7;TAK;2024-08-01",
        f"{STRANGER_PESEL};bezrobotny;2024-01-10;;;CAZ/24/9;nie;",
    )
    dry = run_import(world, client, data, commit=False)
    assert sorted(dry.mapping.values()) == sorted(
        ("pesel", "status", "registered_on", "deregistered_on", "reason", "case_no", "benefit",
         "benefit_until"))
    assert dry.report["errors"] == []
    assert dry.report["counts"]["create"] == 2 and dry.report["counts"]["skip"] == 1
    assert periods_of(world, world.anna_with_pesel.id) == []  # the dry run saved nothing
    before = len(audit_entries(world))
    committed = run_import(world, client, data)
    assert committed.state == "committed"
    assert periods_of(world, world.anna_with_pesel.id) == [
        ("unemployed", D(2023, 3, 1), D(2023, 9, 15), "employment"),
        ("unemployed", D(2024, 2, 1), None, ""),
    ]
    with in_a(world) as session:
        registration = session.scalar(select(LabourRegistration).where(
            LabourRegistration.participant_id == world.anna_with_pesel.id))
        assert (registration.institution_id, registration.case_no,
                registration.benefit_entitled, registration.benefit_until) == (
            world.gup.id, "CAZ/24/7", True, D(2024, 8, 1))
    changes = [e for e in audit_entries(world)[before:]
               if e.object_type in ("RegistrationPeriod", "LabourRegistration")]
    assert changes and all("import_id" in e.detail for e in changes)
    assert not any(ANNA_PESEL in str(e.detail) for e in audit_entries(world))
    again = run_import(world, client, data)
    assert again.report["counts"].get("create", 0) == 0, again
    assert again.report["counts"].get("merge") == 2, again
    assert len(periods_of(world, world.anna_with_pesel.id)) == 2


def test_a_later_export_closes_the_open_period(import_world):
    world = import_world
    client = client_of(world, world.gup_clerk)
    run_import(world, client, export_file(f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;"))
    later = run_import(world, client, export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-10-01;na własny wniosek;;;"))
    assert later.report["counts"]["update"] == 1
    assert periods_of(world, world.anna_with_pesel.id) == [
        ("unemployed", D(2024, 2, 1), D(2024, 10, 1), "own_request")]


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_saved(import_world):
    world = import_world
    future = (dates.today() + timedelta(days=30)).strftime("%d.%m.%Y")
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2023-03-01;2023-09-01;podjęcie zatrudnienia;;;",
        "85031412345;bezrobotny;2024-02-01;;;;;",
        f"{ANNA_PESEL};emeryt;2024-02-01;;;;;",
        f"{ANNA_PESEL};bezrobotny;2024-05-01;2024-06-01;;;;",
        f"{ANNA_PESEL};bezrobotny;{future};;;;;",
        f"{ANNA_PESEL};bezrobotny;31.02.2024;;;;może;",
    )).report
    problems = {(e["line"], e["column"]) for e in report["errors"]}
    assert problems == {(3, "PESEL"), (4, "Status"), (5, "Przyczyna wyrejestrowania"),
                        (6, "Data rejestracji"), (7, "Data rejestracji"),
                        (7, "Prawo do zasiłku")}
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_a_reason_without_the_deregistration_date_is_refused(import_world):
    # The reason was dropped in silence and the period stayed open.
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;podjęcie zatrudnienia;;;",
    )).report
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(2, "Data wyrejestrowania")]
    assert "deregistration date" in report["errors"][0]["message"]
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_overlapping_periods_in_the_export_are_refused_with_the_registration_rule(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2023-03-01;;;;;",
        f"{ANNA_PESEL};bezrobotny;2023-06-01;;;;;",
    )).report
    assert [e["line"] for e in report["errors"]] == [3]
    assert "already registered" in report["errors"][0]["message"]
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_only_a_labour_office_imports_registration_statuses(import_world):
    from mosty.imports.contract import ImportContext, ImportRow
    from mosty_labour.registration.imports import RegistrationImport

    world = import_world
    row = ImportRow(line=2, values={"pesel": ANNA_PESEL, "status": "bezrobotny",
                                    "registered_on": "2024-02-01"}, columns={})
    with in_a(world):
        outcomes = RegistrationImport()([row], ImportContext(
            partnership_id=world.p.id, institution_id=world.mops.id,
            actor_id=world.mops_clerk.id, batch_id=1, dry_run=False,
            report_progress=lambda done, total: None))
    assert outcomes[0].effect == "error"
    assert periods_of(world, world.anna_with_pesel.id) == []
    # The format is offered to members with write access to the module only.
    assert "labour.registrations" in client_of(world, world.gup_clerk).get(
        f"/{SLUG}/imports/").get_data(as_text=True)
    assert "labour.registrations" not in client_of(world, world.mops_worker).get(
        f"/{SLUG}/imports/").get_data(as_text=True)


def test_the_office_status_is_copied_to_the_registry_record_every_institution_sees(world):
    from mosty.participants.models import Participant
    from mosty_labour.registration import service

    def registry():
        with in_a(world) as session:
            p = session.get(Participant, world.anna.id)
            return (p.labour_status, p.unemployed_since, p.long_term_unemployed,
                    p.labour_office_case_no)

    client = client_of(world, world.gup_clerk)
    start = dates.today() - timedelta(days=500)
    register(world, client, registered_on=start.isoformat())
    assert registry() == ("registered_unemployed", start, True, "CAZ/2024/117")
    entry = audit_entries(world)[-1]
    # The audit entry names the registry fields it changed, never their values.
    assert {"labour_office_case_no", "long_term_unemployed"} <= set(
        entry.detail["registry_fields"])
    assert "CAZ" not in str(entry.detail)
    # Another institution that sees the person reads it on the participant page, even when
    # the labour module is not granted to its staff (no panel then, the registry fields).
    with in_a(world) as session:
        for grant in session.scalars(select(ModuleGrant).where(ModuleGrant.role == "caseworker")):
            session.delete(grant)
        session.commit()
    page = client_of(world, world.mops_worker).get(
        f"/{SLUG}/participants/{world.anna.id}/").get_data(as_text=True)
    assert "Labour office registration" not in page
    assert "registered unemployed" in page and "CAZ/2024/117" in page
    client.post(url(world, "status"), data={"status": "job_seeker",
                                            "on": dates.today().isoformat()})
    assert registry()[0] == "unregistered_unemployed" and registry()[2] is False
    client.post(url(world, "details"), data={"case_no": "CAZ/2025/5"})
    assert registry()[3] == "CAZ/2025/5"
    client.post(url(world, "deregister"), data={"reason": "employment",
                                                "on": dates.today().isoformat()})
    assert registry() == ("employed", None, False, "CAZ/2025/5")
    with in_a(world):
        assert service.summary(world.anna.id).status == "deregistered"


def test_every_route_of_the_module_is_404_when_it_is_off_or_not_granted(world):
    """Not a sample: every URL of the blueprint, with each of its methods."""
    import re

    def every_route_answers_404(client):
        rules = [r for r in world.app.url_map.iter_rules() if r.endpoint.startswith("labour.")]
        assert len(rules) > 20
        for rule in rules:
            path = re.sub(r"<(?:\w+:)?\w+>", "1",
                          rule.rule.replace("<partnership:partnership>", SLUG))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert client.open(path, method=method).status_code == 404, (method, path)

    with in_a(world) as session:
        session.query(ModuleGrant).filter_by(role="caseworker").delete()
        session.commit()
    every_route_answers_404(client_of(world, world.mops_worker))
    with in_a(world) as session:
        session.query(PartnershipModule).filter_by(module_key="labour").update(
            {"enabled": False})
        session.commit()
    every_route_answers_404(client_of(world, world.gup_clerk))


@pytest.mark.postgres
def test_two_registrations_at_once_open_one_period(pg_app):
    """A double click (or two clerks) registering the person at the same moment: the first
    holds the lock on the person until it commits; the second then finds them registered."""
    import threading

    from mosty.participants.models import Participant
    from mosty.testing.factories import RegistryFactory
    from mosty_labour.registration.transitions import RegistrationRefused, register_person

    world = labour_world(pg_app, RegistryFactory(pg_app))
    first_locked = threading.Event()
    outcomes = {}

    def clerk(index, hold):
        with pg_app.test_request_context(), partnership_scope(world.p.id):
            try:
                register_person(db.session.get(Participant, world.anna.id),
                                office_id=world.gup.id, actor_id=world.gup_clerk.id,
                                status="unemployed", registered_on=D(2024, 3, 1))
                if hold:
                    first_locked.set()
                    threading.Event().wait(0.5)  # keep the lock while the other one tries
                db.session.commit()
                outcomes[index] = "registered"
            except RegistrationRefused:
                db.session.rollback()
                outcomes[index] = "refused"
            finally:
                first_locked.set()
                db.session.remove()

    first = threading.Thread(target=clerk, args=(0, True))
    first.start()
    first_locked.wait(10)
    second = threading.Thread(target=clerk, args=(1, False))
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes == {0: "registered", 1: "refused"}
    assert periods_of(world, world.anna.id) == [("unemployed", D(2024, 3, 1), None, "")]


# --- the demo and the nightly recomputation keep the registry in step ---------------------------


def registry_of(world, participant_id, partnership_id=None):
    from mosty.participants.models import Participant

    with _Scope(world.app, partnership_id or world.p.id) as session:
        p = session.get(Participant, participant_id)
        return (p.labour_status, p.unemployed_since, p.long_term_unemployed,
                p.labour_office_case_no)


def test_the_demo_registrations_are_copied_to_the_registry_and_a_second_load_changes_nothing(
        world):
    from mosty.participants.models import Participant
    from mosty.partnerships.models import Partnership
    from mosty_labour.registration import demo
    from mosty_labour.registration.transitions import _sync_registry

    since = dates.today() - timedelta(days=500)
    # Anna's registry says registered unemployed, but not long-term and without a case number:
    # the office's file the demo creates says otherwise.
    with in_a(world) as session:
        anna = session.get(Participant, world.anna.id)
        anna.unemployed_since, anna.long_term_unemployed = since, False
        session.commit()
    working = [world.f.participant(world.mops, labour_status="employed") for _ in range(8)]
    for person in working:
        world.f.consent(person, [world.gup])

    def load():
        with in_a(world) as session:
            demo.load({SLUG: session.get(Partnership, world.p.id)})
            session.commit()

    def state():
        with in_a(world) as session:
            return ([registry_of(world, p.id) for p in [world.anna, *working]],
                    session.scalar(select(func.count(RegistrationPeriod.id))),
                    session.scalar(select(func.count(AuditEntry.id))))

    audited_before = state()[2]
    load()
    registry, periods, audited = state()
    assert registry[0] == ("registered_unemployed", since, True, registry[0][3])
    assert registry[0][3]  # the office's case number
    with in_a(world) as session:
        filed = list(session.scalars(select(LabourRegistration.participant_id)))
        assert world.anna.id in filed and len(filed) > 1  # some of the working ones too
        # Every filed person's registry already says what the office recorded.
        assert all(_sync_registry(session.get(Participant, pid)) == [] for pid in filed)
        session.rollback()
    # Creating the demo is audited once per partnership by the core, not per person.
    assert audited == audited_before
    load()
    assert state() == (registry, periods, audited)


def _stale_flag(world, partnership_id, participant_id, value):
    from mosty.participants.models import Participant

    with _Scope(world.app, partnership_id) as session:
        session.get(Participant, participant_id).long_term_unemployed = value
        session.commit()


def _register_directly(world, partnership_id, participant_id, office_id, clerk_id, on):
    from mosty.participants.models import Participant
    from mosty_labour.registration.transitions import register_person

    with world.app.test_request_context(), partnership_scope(partnership_id):
        register_person(db.session.get(Participant, participant_id), office_id=office_id,
                        actor_id=clerk_id, status="unemployed", registered_on=on)
        db.session.commit()


def _recompute_entries(world, partnership_id):
    with _Scope(world.app, partnership_id) as session:
        return [(e.object_type, e.object_id, e.detail) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update",
                                     AuditEntry.object_type == "Participant")
            .order_by(AuditEntry.id))]


def test_the_nightly_task_recomputes_long_term_unemployment_in_every_partnership_once_a_day(
        world):
    nightly_scenario(world)


@pytest.mark.postgres
def test_the_nightly_task_works_behind_row_level_security(pg_app):
    """The fan-out reads every partnership in the system scope; each partnership task sees and
    changes only its own people, behind the walls."""
    from mosty.testing.factories import RegistryFactory

    nightly_scenario(labour_world(pg_app, RegistryFactory(pg_app)))


def nightly_scenario(world):
    from mosty_labour.registration.tasks import (
        SCHEDULER_ACTOR_ID,
        recompute_long_term,
        schedule_long_term_recompute,
    )

    today = dates.today()
    w, b = world, world.b
    # A: Anna registered 500 days ago (long-term), her flag stale; Ewa deregistered with a
    # stale flag (not registered today: not touched). B: Bogdan registered 10 days ago, his
    # flag stale the other way.
    ewa = w.f.participant(w.mops, first_name="Ewa")
    w.f.consent(ewa, [w.gup])
    bogdan = w.f.participant(b.office, first_name="Bogdan")
    _register_directly(w, w.p.id, w.anna.id, w.gup.id, w.gup_clerk.id,
                       today - timedelta(days=500))
    _register_directly(w, w.p.id, ewa.id, w.gup.id, w.gup_clerk.id,
                       today - timedelta(days=100))
    with in_a(w) as session:
        registration = session.scalar(select(LabourRegistration).where(
            LabourRegistration.participant_id == ewa.id))
        registration.periods[0].deregistered_on = today - timedelta(days=5)
        registration.periods[0].deregistration_reason = "other"
        session.commit()
    _register_directly(w, b.partnership.id, bogdan.id, b.office.id, b.clerk.id,
                       today - timedelta(days=10))
    _stale_flag(w, w.p.id, w.anna.id, False)
    _stale_flag(w, w.p.id, ewa.id, True)
    _stale_flag(w, b.partnership.id, bogdan.id, True)

    with w.app.app_context():
        result = schedule_long_term_recompute.delay().get()
    assert result["day"] == today.isoformat() and result["partnerships"] >= 2
    assert registry_of(w, w.anna.id)[2] is True
    assert registry_of(w, ewa.id)[2] is True  # deregistered: left as it was
    assert registry_of(w, bogdan.id, b.partnership.id)[2] is False
    # One audit entry per changed person, in their partnership, naming the field only.
    entries = _recompute_entries(w, w.p.id)
    assert [(t, i) for t, i, _ in entries] == [("Participant", str(w.anna.id))]
    assert entries[0][2]["fields"] == ["long_term_unemployed"]
    assert "True" not in str(entries[0][2]) and "true" not in str(entries[0][2])
    assert [(t, i) for t, i, _ in _recompute_entries(w, b.partnership.id)] == [
        ("Participant", str(bogdan.id))]
    # A's task looks at A's registered people only (Anna; not Ewa, not B's Bogdan).
    with w.app.app_context():
        assert recompute_long_term.delay(
            w.p.id, SCHEDULER_ACTOR_ID, today.isoformat(), idempotency_key="test-walls",
        ).get() == {"checked": 1, "changed": 0}

    # The same day again: the receipts keep it from running twice, even over a stale flag.
    _stale_flag(w, w.p.id, w.anna.id, False)
    with w.app.app_context():
        schedule_long_term_recompute.delay().get()
    assert registry_of(w, w.anna.id)[2] is False
    assert len(_recompute_entries(w, w.p.id)) == 1


def test_time_alone_makes_a_registered_person_long_term_unemployed_overnight(world):
    from mosty_labour.registration.tasks import SCHEDULER_ACTOR_ID, recompute_long_term

    today = dates.today()
    _register_directly(world, world.p.id, world.anna.id, world.gup.id, world.gup_clerk.id,
                       today - timedelta(days=300))
    assert registry_of(world, world.anna.id)[2] is False

    def night(day):
        with world.app.app_context():
            return recompute_long_term.delay(
                world.p.id, SCHEDULER_ACTOR_ID, day.isoformat(),
                idempotency_key=f"test-long-term:{day.isoformat()}").get()

    # Still within 12 months on that night: nothing changes, nothing is audited.
    assert night(today + timedelta(days=30)) == {"checked": 1, "changed": 0}
    assert night(today + timedelta(days=100)) == {"checked": 1, "changed": 1}
    assert registry_of(world, world.anna.id)[2] is True
    assert night(today + timedelta(days=101)) == {"checked": 1, "changed": 0}
    assert len(_recompute_entries(world, world.p.id)) == 1


def test_the_nightly_task_is_on_the_beat_schedule_and_a_plugin_cannot_replace_core_entries(app):
    from celery.schedules import crontab

    from mosty import tasks
    from mosty_labour.registration.tasks import SCHEDULE_TASK

    schedule = tasks.beat_schedule()
    assert schedule["labour-long-term-unemployment"]["task"] == SCHEDULE_TASK
    assert app.extensions["celery"].conf.beat_schedule["labour-long-term-unemployment"][
        "task"] == SCHEDULE_TASK
    assert SCHEDULE_TASK in app.extensions["celery"].tasks
    core = schedule["deactivate-dormant-accounts"]
    tasks.add_beat_entry("deactivate-dormant-accounts", "plugin.other", crontab())
    try:
        assert tasks.beat_schedule()["deactivate-dormant-accounts"] == core
    finally:
        tasks._EXTRA_BEAT_ENTRIES.pop("deactivate-dormant-accounts")


# --- review fixes: the benefit's end, the reasons' wordings, errors under their column -------


def test_the_import_takes_a_benefit_end_in_the_future(import_world):
    world = import_world
    ahead = dates.today() + timedelta(days=120)
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;tak;{ahead:%d.%m.%Y}")).report
    assert report["errors"] == []
    with in_a(world) as session:
        registration = session.scalar(select(LabourRegistration).where(
            LabourRegistration.participant_id == world.anna_with_pesel.id))
        assert (registration.benefit_entitled, registration.benefit_until) == (True, ahead)


def test_the_import_refuses_a_benefit_end_that_is_a_slip_of_the_keyboard(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;tak;0001-01-01",
        f"{STRANGER_PESEL};bezrobotny;2024-02-01;;;;tak;2099-01-01",
        f"{ANNA_PESEL};bezrobotny;1989-12-31;1990-02-01;inne;;;",
    )).report
    assert {(e["line"], e["column"]) for e in report["errors"]} == {
        (2, "Zasiłek do"), (3, "Zasiłek do"), (4, "Data rejestracji")}
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_the_import_recognises_the_usual_wordings_of_each_reason(import_world):
    """Polish inflects: "praca", "pracy", "pracę"; and work is named in other reasons too."""
    world = import_world
    wordings = [
        ("Podjęcie pracy", "employment"),
        ("podjęcie innej pracy zarobkowej", "employment"),
        ("Podjął pracę za granicą", "employment"),
        ("Niestawiennictwo w urzędzie pracy", "no_show"),
        ("nie stawił się w wyznaczonym terminie", "no_show"),
        ("Odmowa przyjęcia propozycji odpowiedniej pracy", "refused_offer"),
        ("Dobrowolna rezygnacja ze statusu bezrobotnego", "own_request"),
        ("Podjęcie pozarolniczej działalności", "business"),
        ("Nabycie prawa do świadczenia przedemerytalnego", "pension"),
        ("Nabycie prawa do renty", "pension"),
        ("Podjęcie nauki w formie stacjonarnej", "education"),
        ("Inna przyczyna", "other"),
    ]
    start = D(2010, 1, 1)
    rows = []
    for n, (wording, _reason) in enumerate(wordings):
        registered, deregistered = start + timedelta(days=60 * n), start + timedelta(days=60 * n + 30)
        rows.append(f"{ANNA_PESEL};bezrobotny;{registered};{deregistered};{wording};;;")
    report = run_import(world, client_of(world, world.gup_clerk), export_file(*rows)).report
    assert report["errors"] == []
    assert [p[3] for p in periods_of(world, world.anna_with_pesel.id)] == [
        reason for _wording, reason in wordings]


def test_a_refused_row_is_reported_under_the_column_the_refusal_concerns(import_world):
    world = import_world
    ended = dates.today() - timedelta(days=7)
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2019-01-02;;;PUP-2;;{ended}")).report
    [error] = report["errors"]
    assert (error["line"], error["column"]) == (2, "Zasiłek do")
    assert "entitlement to benefit" in error["message"]
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_registration_dates_and_the_benefit_end_are_bounded_in_the_forms(world):
    client = client_of(world, world.gup_clerk)
    early = register(world, client, registered_on="0001-01-01")
    assert early.status_code == 422
    assert "The date cannot be before Jan 1, 1990." in early.get_data(as_text=True)
    assert periods_of(world, world.anna.id) == []
    assert register(world, client).status_code == 302
    for typed, message in (("0001-01-01", "The date cannot be before Jan 1, 1990."),
                           ("2099-01-01", "The date cannot be after")):
        response = client.post(url(world, "details"), data={
            "case_no": "CAZ/1", "benefit_entitled": "y", "benefit_until": typed})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html and typed in html  # the form comes back as typed
    ahead = dates.today() + timedelta(days=200)
    assert client.post(url(world, "details"), data={
        "case_no": "CAZ/1", "benefit_entitled": "y",
        "benefit_until": ahead.isoformat()}).status_code == 302
    with in_a(world) as session:
        assert session.scalar(select(LabourRegistration.benefit_until)) == ahead


# --- second review: the benefit belongs to its period -------------------------------------------


def test_the_import_refuses_a_benefit_that_runs_past_the_deregistration_or_before_the_registration(
        import_world):
    """QA: a closed period with a benefit end in the future was accepted. The benefit stops
    with the deregistration, so a closed period's benefit has ended by then; it never ends
    before the registration; and "nie" with an end date is a contradiction. Each error under
    "Zasiłek do", the value refused."""
    world = import_world
    ahead = dates.today() + timedelta(days=90)
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;;tak;{ahead:%d.%m.%Y}",
        f"{ANNA_PESEL};bezrobotny;2024-09-01;2024-12-02;inne;;tak;2024-12-03",
        f"{ANNA_PESEL};bezrobotny;2025-01-02;2025-03-01;inne;;tak;2024-12-31",
        f"{ANNA_PESEL};bezrobotny;2025-04-01;;;;nie;2025-06-30",
    )).report
    errors = {(e["line"], e["column"]): e["message"] for e in report["errors"]}
    assert set(errors) == {(2, "Zasiłek do"), (3, "Zasiłek do"), (4, "Zasiłek do"),
                           (5, "Zasiłek do")}
    # The days in the starter's language and date format (English here).
    assert "Jun 3, 2024" in errors[(2, "Zasiłek do")]
    assert "Dec 2, 2024" in errors[(3, "Zasiłek do")]
    assert "Jan 2, 2025" in errors[(4, "Zasiłek do")]
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_the_import_takes_a_benefit_that_ended_with_the_period(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;CAZ/1;tak;2024-06-03",
    )).report
    assert report["errors"] == []
    with in_a(world) as session:
        registration = session.scalar(select(LabourRegistration).where(
            LabourRegistration.participant_id == world.anna_with_pesel.id))
        assert (registration.benefit_entitled, registration.benefit_until) == (
            True, D(2024, 6, 3))
    assert periods_of(world, world.anna_with_pesel.id) == [
        ("unemployed", D(2024, 2, 1), D(2024, 6, 3), "employment")]


def test_a_closed_registration_takes_no_benefit_end_after_its_deregistration(world):
    client = client_of(world, world.gup_clerk)
    assert register(world, client, registered_on="2024-03-01").status_code == 302
    assert client.post(url(world, "deregister"), data={
        "reason": "employment", "on": "2024-09-02"}).status_code == 302
    ahead = (dates.today() + timedelta(days=60)).isoformat()
    response = client.post(url(world, "details"), data={
        "case_no": "CAZ/1", "benefit_entitled": "y", "benefit_until": ahead})
    assert response.status_code == 422
    assert ("The benefit stops with the deregistration: it cannot end after 2024-09-02."
            in response.get_data(as_text=True))
    with in_a(world) as session:
        assert session.scalar(select(LabourRegistration.benefit_until)) is None
    assert client.post(url(world, "details"), data={
        "case_no": "CAZ/1", "benefit_entitled": "y",
        "benefit_until": "2024-08-31"}).status_code == 302
    with in_a(world) as session:
        assert session.scalar(select(LabourRegistration.benefit_until)) == D(2024, 8, 31)


def test_podjecie_pracy_is_offered_and_ends_the_registration_as_employed(world):
    """The "took up work" reason: in the deregistration form (in Polish) and, once chosen,
    the registry says employed."""
    from mosty.participants.models import Participant

    client = login(world.app.test_client(), world.gup_clerk)  # in Polish
    assert register(world, client, registered_on="2024-03-01").status_code == 302
    page = client.get(url(world)).get_data(as_text=True)
    assert 'value="employment"' in page
    assert "podjęcie zatrudnienia lub innej pracy zarobkowej" in page
    assert 'value="status_changed"' not in page
    assert client.post(url(world, "deregister"), data={
        "reason": "employment", "on": "2024-09-02"}).status_code == 302
    assert periods_of(world, world.anna.id) == [
        ("unemployed", D(2024, 3, 1), D(2024, 9, 2), "employment")]
    with in_a(world) as session:
        assert session.get(Participant, world.anna.id).labour_status == "employed"
