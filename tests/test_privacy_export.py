"""The access export (GDPR art. 15): every person-linked table is covered by a declared source,
the export holds the person's data and nobody else's, it comes as printable HTML and as JSON,
only those who may see the person (or the partnership admin) get it, and it is audited."""

import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.notes.models import CaseNote
from mosty.outcomes.models import Outcome
from mosty.participants.models import CareRelation, Dependant
from mosty.privacy.sources import core_tables, declared_tables, plugin_tables
from mosty.services.models import ServiceDelivery
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_pesel import make_pesel

SLUG = "krakow-privacy"
ANNA_PESEL = make_pesel(date(1985, 3, 14), "female")
BARTOSZ_PESEL = make_pesel(date(1979, 11, 2), "male")


def client_of(app, user):
    client = login(app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def add(app, partnership_id, *objects):
    with app.app_context(), partnership_scope(partnership_id):
        db.session.add_all(objects)
        db.session.commit()
        return [o.id for o in objects]


@pytest.fixture
def world(app, factory):
    """Anna and Bartosz share a family, a service, referrals and notes; Bartosz's data must
    never appear in Anna's export."""
    p = factory.partnership(slug=SLUG)
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Kraków")
    w.gup = factory.institution(p, name="Grodzki Urząd Pracy", kind="labour_office")
    w.pcpr = factory.institution(p, name="PCPR Kraków", kind="pcpr")
    w.office = factory.institution(p, name="Biuro partnerstwa", kind="ngo", role="leader")
    w.mops_worker = factory.staff(w.mops, name="Maria Pracownicza")
    w.gup_worker = factory.staff(w.gup, name="Grzegorz Urzędnik")
    w.pcpr_worker = factory.staff(w.pcpr)
    w.admin = factory.staff(w.office, roles=("partnership_admin", "coordinator"))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak", pesel=ANNA_PESEL,
                                 birth_date=date(1985, 3, 14), phone="501502503",
                                 email="anna@example.pl")
    w.bartosz = factory.participant(w.mops, first_name="Bartosz", last_name="Wiśniewski",
                                    sex="male", pesel=BARTOSZ_PESEL,
                                    birth_date=date(1979, 11, 2), phone="699888777",
                                    email="bartosz@example.pl")
    w.family = factory.family(w.mops, members=[(w.anna, "spouse"), (w.bartosz, "head")],
                              name="Rodzina Wiśniewskich")
    factory.consent(w.anna, [w.gup])
    factory.consent(w.bartosz, [w.gup])
    w.service = factory.service(w.gup, name="Poradnictwo zawodowe")
    factory.referral(w.anna, w.mops, w.gup, reason="Anna szuka pracy w handlu")
    factory.referral(w.bartosz, w.mops, w.gup, reason="Bartosz ma prawo jazdy kat. C")
    add(app, p.id,
        ServiceDelivery(service_id=w.service.id, participant_id=w.anna.id,
                        delivered_on=date(2025, 2, 3), hours=Decimal("2"),
                        result="Anna: CV gotowe"),
        ServiceDelivery(service_id=w.service.id, participant_id=w.bartosz.id,
                        delivered_on=date(2025, 2, 3), result="Bartosz: rozmowa"),
        Outcome(participant_id=w.anna.id, institution_id=w.gup.id, kind="job_started",
                occurred_on=date(2025, 5, 5), employer="Sklep Pod Lipą", contract_type="employment",
                hours_per_week=40, note="umowa na rok"),
        Outcome(participant_id=w.bartosz.id, institution_id=w.gup.id, kind="job_started",
                occurred_on=date(2025, 6, 1), employer="Transbud", note="Bartosz kierowcą"),
        Enrollment(participant_id=w.anna.id, institution_id=w.mops.id,
                   recruited_on=date(2024, 2, 1), status="completed", ended_on=date(2025, 1, 31),
                   retention_until=date(2030, 1, 31)),
        CaseNote(participant_id=w.anna.id, institution_id=w.mops.id, category="employment",
                 text="Anna chce pracować na pół etatu"),
        CaseNote(participant_id=w.bartosz.id, institution_id=w.mops.id, category="health",
                 sensitive=True, text="Bartosz po operacji kręgosłupa"),
        CareRelation(carer_id=w.anna.id, hours_per_week=30,
                     dependant=Dependant(first_name="Zuzanna", birth_year=2021,
                                         dependant_type="child_under_7"),
                     note="żłobek od września"))
    return w


BARTOSZ_DATA = ("Bartosz", "Wiśniewski", BARTOSZ_PESEL, "699888777", "bartosz@example.pl",
                "Transbud", "kręgosłup")


def export_url(w, participant, kind="export"):
    return f"/{SLUG}/privacy/participants/{participant.id}/{kind}"


# --- coverage: every person-linked table has a declared source --------------------------------


def person_linked_tables():
    """Every table with a foreign key to participant.id or family_member.id, core and plugins."""
    linked = set()
    for table in db.metadata.tables.values():
        for fk in table.foreign_keys:
            if (fk.column.table.name, fk.column.name) in {("participant", "id"),
                                                          ("family_member", "id")}:
                linked.add(table.name)
    return linked


def test_every_person_linked_table_is_covered_by_a_declared_source(app):
    with app.app_context():
        linked = person_linked_tables()
        declared = declared_tables()
    assert {"participant", "care_relation", "referral", "case_note"} <= set(declared)
    uncovered = sorted(linked - set(declared))
    assert uncovered == [], (
        "tables linked to a person with no privacy source: " + ", ".join(uncovered)
        + " (core: add TABLES to the package's privacy.py; plugins: PERSONAL_TABLES)")


def test_the_enumeration_sees_the_installed_plugins_tables(app):
    # The labour plugin is installed (entry point): its person-linked tables are enumerated,
    # so the coverage test above holds it to PERSONAL_TABLES like the core.
    with app.app_context():
        linked = person_linked_tables()
        plugins = plugin_tables()
    assert any(table.startswith("labour_") for table in linked)
    assert "mosty_labour" in set(plugins.values())


def test_core_sources_declare_only_tables_that_exist(app):
    with app.app_context():
        assert set(core_tables()) <= set(db.metadata.tables)


# --- what the export holds ---------------------------------------------------------------------


def test_the_json_export_holds_the_persons_data_from_every_core_source(world):
    client = client_of(world.app, world.mops_worker)
    client.get(f"/{SLUG}/participants/{world.anna.id}/")
    response = client.get(export_url(world, world.anna, "export.json"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.get_data(as_text=True))
    sections = {s["title"]: s["records"] for s in document["sections"]}
    personal = sections["Personal data"][0]
    assert (personal["First name"], personal["PESEL"], personal["Phone"]) == (
        "Anna", ANNA_PESEL, "501502503")
    assert sections["Referrals"][0]["Reason"] == "Anna szuka pracy w handlu"
    assert sections["Services received"][0]["Result"] == "Anna: CV gotowe"
    assert sections["Outcomes"][0]["Employer"] == "Sklep Pod Lipą"
    assert sections["Programme paths"][0]["Kept until"] == "2030-01-31"
    assert sections["Case notes"][0]["Note"] == "Anna chce pracować na pół etatu"
    assert sections["Consents"][0]["Institutions it names"] == ["Grodzki Urząd Pracy"]
    care = sections["Care for dependants"][0]
    assert care["Hours of care per week"] == 30 and care["Year of birth"] == 2021
    assert [m["Relation to the head of household"] for m in sections["Family membership"]] == [
        "spouse"]
    assert document["audit"], "audit entries about the person are part of the export"


def test_the_export_holds_no_other_persons_data(world):
    client_of(world.app, world.gup_worker).get(f"/{SLUG}/participants/{world.anna.id}/")
    client = client_of(world.app, world.mops_worker)
    for kind in ("export", "export.json"):
        body = client.get(export_url(world, world.anna, kind)).get_data(as_text=True)
        assert "Anna" in body
        for value in BARTOSZ_DATA:
            assert value not in body, (kind, value)
        # The dependant, the family's name and the staff are third parties too.
        assert "Zuzanna" not in body
        assert "Wiśniewskich" not in body
        assert "Grzegorz Urzędnik" not in body


def test_the_html_export_is_printable_and_escapes_what_it_shows(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        note = CaseNote(participant_id=world.anna.id, institution_id=world.mops.id,
                        category="general", text="<script>alert(1)</script>")
        db.session.add(note)
        db.session.commit()
    body = client_of(world.app, world.mops_worker).get(
        export_url(world, world.anna)).get_data(as_text=True)
    assert "css/privacy.css" in body and "data-print" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Personal data held about you" in body


def test_a_module_answering_the_hook_appears_and_a_failing_one_is_named(world):
    from mosty.hookspecs import hookimpl
    from mosty.plugins.contributions import PersonalDataSection
    from mosty.plugins.manager import get_plugin_manager

    class Greetings:
        @hookimpl
        def mosty_personal_data(self, participant):
            return PersonalDataSection(module="greetings", title="Greetings",
                                       records=({"text": f"hello {participant.id}"},))

    class Broken:
        @hookimpl
        def mosty_personal_data(self, participant):
            raise RuntimeError("down")

    pm = get_plugin_manager(world.app)
    pm.register(Greetings(), name="greetings")
    pm.register(Broken(), name="broken")
    document = client_of(world.app, world.mops_worker).get(
        export_url(world, world.anna, "export.json")).get_json()
    assert {"module": "greetings", "title": "Greetings",
            "records": [{"text": f"hello {world.anna.id}"}]} in document["sections"]
    assert document["incomplete_modules"] == ["broken"]


# --- who may have it ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("mops_worker", 200),  # registered the person
    ("gup_worker", 200),  # sees the person through a consent
    ("admin", 200),  # the partnership admin answers requests for anyone
    ("pcpr_worker", 404),  # no access to the person
])
def test_the_export_follows_the_institution_access_rule(world, who, status):
    client = client_of(world.app, getattr(world, who))
    for kind in ("export", "export.json", "", "history"):
        assert client.get(export_url(world, world.anna, kind)).status_code == status, kind


def test_a_person_of_another_partnership_is_404(world, factory):
    other = factory.partnership(slug="pomorze-privacy")
    stranger = factory.participant(factory.institution(other, name="GOPS Bobolice"))
    client = client_of(world.app, world.admin)
    assert client.get(export_url(world, stranger, "export.json")).status_code == 404


def test_each_export_is_audited_once_with_ids_only(world):
    client = client_of(world.app, world.gup_worker)
    client.get(export_url(world, world.anna, "export.json"))
    with world.app.app_context(), partnership_scope(world.p.id):
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert [(e.object_type, e.object_id, e.institution_id, e.detail["format"])
                for e in entries] == [("Participant", str(world.anna.id), world.gup.id, "json")]
        assert "Anna" not in json.dumps(entries[0].detail)


def test_the_exports_audit_section_lists_reads_by_institution(world):
    client = client_of(world.app, world.gup_worker)
    client.get(f"/{SLUG}/participants/{world.anna.id}/")
    document = client_of(world.app, world.mops_worker).get(
        export_url(world, world.anna, "export.json")).get_json()
    reads = [e for e in document["audit"] if e["What was done"] == "read"]
    assert {"Record": "Participant", "Institution": "Grodzki Urząd Pracy"}.items() <= reads[
        -1].items()


def test_family_membership_shows_this_persons_role_only(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        members = db.session.scalars(select(FamilyMember).where(
            FamilyMember.family_id == world.family.id)).all()
        assert len(members) == 2
    document = client_of(world.app, world.mops_worker).get(
        export_url(world, world.anna, "export.json")).get_json()
    family = next(s for s in document["sections"] if s["title"] == "Family membership")
    assert family["records"] == [{"Family number": world.family.id,
                                  "Relation to the head of household": "spouse"}]


# --- finding the person -------------------------------------------------------------------------


def test_the_admin_finds_anyone_from_the_menu_and_the_search_is_audited(world):
    client = client_of(world.app, world.admin)
    dashboard = client.get(f"/{SLUG}/").get_data(as_text=True)
    assert f"/{SLUG}/privacy/" in dashboard
    page = client.get(f"/{SLUG}/privacy/?q=nowak").get_data(as_text=True)
    assert f"/{SLUG}/privacy/participants/{world.anna.id}/" in page
    assert "Bartosz" not in page
    by_pesel = client.get(f"/{SLUG}/privacy/?q={BARTOSZ_PESEL[:6]}").get_data(as_text=True)
    assert f"/{SLUG}/privacy/participants/{world.bartosz.id}/" in by_pesel
    with world.app.app_context(), partnership_scope(world.p.id):
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.detail["ids"]) == ("read", [world.bartosz.id])


def test_a_caseworker_finds_only_the_people_their_institution_sees(world):
    page = client_of(world.app, world.pcpr_worker).get(
        f"/{SLUG}/privacy/?q=nowak").get_data(as_text=True)
    assert "Nobody found." in page


@pytest.mark.parametrize("q", ["x" * 101, "zły\x01znak"])
def test_a_bad_search_gets_a_message(world, q):
    response = client_of(world.app, world.admin).get(f"/{SLUG}/privacy/", query_string={"q": q})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)


def test_members_without_case_access_or_admin_role_get_404(world, factory):
    advisor = factory.staff(world.pcpr, roles=("peer_advisor",))
    client = client_of(world.app, advisor)
    assert client.get(f"/{SLUG}/privacy/").status_code == 404
    assert client.get(export_url(world, world.anna, "export.json")).status_code == 404
