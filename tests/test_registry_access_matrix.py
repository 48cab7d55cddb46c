"""Institution access inside one partnership, route by route.

Five institutions look at one participant, their family, their programme path and a referral
about them: the one that registered the person (owner), one named in an active consent
(consented), one that accepted a referral without a consent (referred), one with no link
(other) and one whose consent was withdrawn (withdrawn). Every case route of ``app.url_map``
must be in the matrix below, so a new route cannot escape it; every request that reads
personal data writes exactly one audit entry, and a refused one writes none.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.consents.models import Consent
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.instruments.factories import InstrumentFactory
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.referrals.models import Referral
from mosty.services.models import ServiceDelivery
from mosty.tenancy import partnership_scope

OWNER, CONSENTED, REFERRED, OTHER, WITHDRAWN = (
    "owner", "consented", "referred", "other", "withdrawn")
ROLES = (OWNER, CONSENTED, REFERRED, OTHER, WITHDRAWN)

# Who sees the participant (and so their family and programme path).
SEES = {OWNER: 200, CONSENTED: 200, REFERRED: 200, OTHER: 404, WITHDRAWN: 404}
# Only the registering institution acts; institutions that see the record learn "not allowed".
OWNER_ACTS = {OWNER: 200, CONSENTED: 403, REFERRED: 403, OTHER: 404, WITHDRAWN: 404}
# Only the institution running the programme path takes its steps; for others it is not there.
OWNER_ONLY = {OWNER: 200, CONSENTED: 404, REFERRED: 404, OTHER: 404, WITHDRAWN: 404}
# A referral is seen by its sender (the owner) and its receiver only.
PARTIES = {OWNER: 200, CONSENTED: 404, REFERRED: 200, OTHER: 404, WITHDRAWN: 404}

# Module pages about a family: no module is switched on in this matrix's partnership, so every
# institution gets 404 (who sees what inside the animator module: tests/test_animator_*.py).
MODULE_OFF = {OWNER: 404, CONSENTED: 404, REFERRED: 404, OTHER: 404, WITHDRAWN: 404}

# (endpoint, query argument naming the case object, or "" for a path argument) -> expected
GET_MATRIX = {
    ("animator.family", ""): MODULE_OFF,
    ("animator.plan", ""): MODULE_OFF,
    ("animator.plan_print", ""): MODULE_OFF,
    ("animator.new_agreement", ""): MODULE_OFF,
    ("animator.advisor_card", ""): MODULE_OFF,
    ("animator.diagnosis", ""): MODULE_OFF,
    ("animator.motivation", ""): MODULE_OFF,
    # The labour module's institution rules: tests/test_labour_registration.py and friends.
    ("labour.registration_detail", ""): MODULE_OFF,
    ("labour.inbox_detail", ""): MODULE_OFF,
    ("labour.enrolment_new", "participant"): MODULE_OFF,
    ("participants.detail", ""): SEES,
    ("participants.edit", ""): OWNER_ACTS,
    ("families.detail", ""): SEES,
    ("referrals.detail", ""): PARTIES,
    ("enrollment.detail", ""): SEES,
    ("consents.withdraw", ""): OWNER_ACTS,
    ("consents.new", "participant"): OWNER_ACTS,
    ("enrollment.new", "participant"): SEES,
    ("enrollment.new", "family"): SEES,
    ("outcomes.new", "participant"): SEES,
    ("referrals.new", "participant"): SEES,
    ("services.new_delivery", "participant"): SEES,
    ("outcomes.new_follow_up", "enrollment"): OWNER_ONLY,
    ("instruments.new", "participant"): SEES,
    ("instruments.new", "family"): SEES,
    ("instruments.administration", ""): SEES,  # a finished one (a draft: its institution)
    ("instruments.family_round", ""): SEES,
    # Data-protection pages (the partnership admin's access: tests/test_privacy_export.py).
    ("privacy.person", ""): SEES,
    ("privacy.export_html", ""): SEES,
    ("privacy.export_json", ""): SEES,
    ("privacy.history", ""): SEES,
    ("notes.new", ""): SEES,
}
# Lists of people: one audit entry naming the ids shown, whoever looks.
PERSONAL_LISTS = ("participants.index", "families.index", "referrals.inbox",
                  "outcomes.follow_ups", "audit.index")
# Pages of the partnership that show no one's personal data by id.
NOT_PERSONAL = ("partnerships.dashboard", "services.index", "services.new", "services.edit",
                "families.new", "participants.new")

# Path arguments that name a case object, and the fixture record they take.
CASE_ARGS = ("participant_id", "family_id", "referral_id", "enrollment_id", "consent_id")
ARGS = {"participant_id": "participant", "family_id": "family", "referral_id": "referral",
        "enrollment_id": "enrollment", "consent_id": "consent", "relation_id": "care_relation",
        "member_id": "member", "service_id": "service",
        "administration_id": "administration", "round_id": "family_round"}
QUERY_ARGS = {"participant": "participant", "family": "family", "enrollment": "enrollment"}
CORE = ("participants", "families", "consents", "referrals", "services", "enrollment",
        "outcomes", "audit", "partnerships")


@pytest.fixture
def case(app, factory):
    f = factory
    p = f.partnership(slug="matryca", territory=(("1261", "Kraków"), ("1206", "powiat")))
    institutions = {
        OWNER: f.institution(p, name="MOPS Matryca", kind="ops"),
        CONSENTED: f.institution(p, name="GUP Matryca", kind="labour_office"),
        REFERRED: f.institution(p, name="Fundacja Matryca", kind="ngo"),
        OTHER: f.institution(p, name="PCPR Matryca", kind="pcpr"),
        WITHDRAWN: f.institution(p, name="Adecco Matryca", kind="employer"),
    }
    staff = {role: f.staff(inst, roles=("caseworker",)) for role, inst in institutions.items()}
    person = f.participant(institutions[OWNER], first_name="Zdzisława",
                           last_name="Matrycowa")
    family = f.family(institutions[OWNER], members=[(person, "head")], name="Rodzina Matryców")
    consent = f.consent(person, [institutions[CONSENTED]])
    f.consent(person, [institutions[WITHDRAWN]], withdrawn_on=date(2024, 6, 1))
    referral = f.referral(person, institutions[OWNER], institutions[REFERRED], status="accepted")
    service = f.service(institutions[OWNER])
    with app.app_context(), partnership_scope(p.id):
        dependant = Dependant(first_name="Stefan", birth_year=1940,
                              dependant_type="ill_or_elderly")
        relation = CareRelation(carer_id=person.id, dependant=dependant, hours_per_week=20)
        enrollment = Enrollment(participant_id=person.id, institution_id=institutions[OWNER].id,
                                status="active", recruited_on=date(2025, 1, 10),
                                eligible_on=date(2025, 1, 15), started_on=date(2025, 2, 1))
        db.session.add_all([relation, enrollment])
        db.session.commit()
        member_id = db.session.scalar(select(FamilyMember.id).where(
            FamilyMember.family_id == family.id))
        ids = SimpleNamespace(participant=person.id, family=family.id, referral=referral.id,
                              enrollment=enrollment.id, consent=consent.id,
                              care_relation=relation.id, member=member_id, service=service.id)
    instruments = InstrumentFactory(app)
    version = instruments.definition(p.id)
    ids.administration = instruments.administration(version, person, institutions[OWNER]).id
    ids.family_round = instruments.family_round(version, family, institutions[OWNER]).id
    return SimpleNamespace(partnership=p, institutions=institutions, staff=staff, ids=ids,
                           person=person)


def audit_entries(app, case):
    with app.app_context(), partnership_scope(case.partnership.id):
        return db.session.scalar(select(func.count(AuditEntry.id)))


def last_entry(app, case):
    with app.app_context(), partnership_scope(case.partnership.id):
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        return SimpleNamespace(action=entry.action, actor_id=entry.actor_id,
                               institution_id=entry.institution_id,
                               object_type=entry.object_type, detail=entry.detail)


def case_rules(app, methods):
    """Rules of ``app.url_map`` under /<partnership>/ that accept one of ``methods``."""
    return [r for r in app.url_map.iter_rules()
            if "partnership" in r.arguments and r.methods & set(methods)]


def build(app, case, rule, query=""):
    values = {"partnership": case.partnership.slug}
    for argument in rule.arguments - {"partnership"} - set(rule.defaults or {}):
        assert argument in ARGS, f"{rule.rule}: give the matrix a record for <{argument}>"
        values[argument] = getattr(case.ids, ARGS[argument])
    url = app.url_map.bind("localhost").build(rule.endpoint, values)
    if query:
        url += f"?{query}={getattr(case.ids, QUERY_ARGS[query])}"
    return url


def rule_of(app, endpoint):
    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    return rule


# --- the matrix covers every route --------------------------------------------------------------

def test_every_route_about_a_person_family_or_referral_is_in_the_matrix(app):
    in_matrix = {endpoint for endpoint, _query in GET_MATRIX}
    for rule in case_rules(app, ("GET",)):
        names_a_case = bool(rule.arguments & set(CASE_ARGS))
        core = rule.endpoint.split(".")[0] in CORE
        if names_a_case:
            assert (rule.endpoint, "") in GET_MATRIX, (
                f"{rule.rule} names a case object: add it to GET_MATRIX")
        elif core:
            assert rule.endpoint in in_matrix | set(PERSONAL_LISTS) | set(NOT_PERSONAL), (
                f"{rule.rule}: classify it (GET_MATRIX with its ?query=, PERSONAL_LISTS or "
                "NOT_PERSONAL)")
    for endpoint, _query in GET_MATRIX:
        assert endpoint in app.view_functions, f"{endpoint} is in the matrix but not in the app"


# --- GET: who sees what, and one audit entry per read ---------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_case_pages_answer_each_institution_as_the_rules_say(app, client, case, login_as, role):
    login_as(client, case.staff[role])
    problems = []
    for (endpoint, query), expected_by_role in GET_MATRIX.items():
        expected = expected_by_role[role]
        before = audit_entries(app, case)
        response = client.get(build(app, case, rule_of(app, endpoint), query))
        written = audit_entries(app, case) - before
        where = f"{endpoint}{'?' + query if query else ''} as {role}"
        if response.status_code != expected:
            problems.append(f"{where}: {response.status_code}, expected {expected}")
        elif expected == 200:
            entry = last_entry(app, case)
            if written != 1:
                problems.append(f"{where}: {written} audit entries for one read")
            elif (entry.actor_id, entry.institution_id) != (
                    case.staff[role].id, case.institutions[role].id):
                problems.append(f"{where}: audit entry names the wrong actor or institution")
            elif case.person.full_name in str(entry.detail):
                problems.append(f"{where}: personal values in the audit entry")
        else:
            if written:
                problems.append(f"{where}: a refused request wrote {written} audit entries")
            if "Matrycowa" in response.get_data(as_text=True):
                problems.append(f"{where}: the refusal page names the person")
    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_the_person_only_to_institutions_that_may_see_them(app, client, case,
                                                                      login_as, role):
    login_as(client, case.staff[role])
    person_link = f"/matryca/participants/{case.ids.participant}/"
    family_link = f"/matryca/families/{case.ids.family}/"
    referral_link = f"/matryca/referrals/{case.ids.referral}/"
    sees = SEES[role] == 200
    for url, link in (("/matryca/participants/", person_link),
                      ("/matryca/participants/?q=Matrycowa", person_link),
                      ("/matryca/families/", family_link)):
        before = audit_entries(app, case)
        html = client.get(url).get_data(as_text=True)
        assert (link in html) is sees, (url, role)
        assert audit_entries(app, case) - before == 1, url
    outbox = client.get("/matryca/referrals/?box=outbox").get_data(as_text=True)
    inbox = client.get("/matryca/referrals/?box=inbox").get_data(as_text=True)
    assert (referral_link in outbox) is (role == OWNER)
    assert (referral_link in inbox) is (role == REFERRED)


@pytest.mark.parametrize("role", ROLES)
def test_every_personal_list_writes_exactly_one_entry(app, client, case, login_as, role):
    login_as(client, case.staff[role])
    for endpoint in PERSONAL_LISTS:
        if endpoint == "audit.index":
            continue  # partnership admins only: tests/test_audit_log.py
        before = audit_entries(app, case)
        response = client.get(build(app, case, rule_of(app, endpoint)))
        assert response.status_code == 200, endpoint
        assert audit_entries(app, case) - before == 1, endpoint
        assert last_entry(app, case).action == "read"


@pytest.mark.parametrize("role", ROLES)
def test_starting_a_registration_from_a_family_shows_it_only_to_its_institution(
        app, client, case, login_as, role):
    login_as(client, case.staff[role])
    before = audit_entries(app, case)
    response = client.get(f"/matryca/participants/new?family={case.ids.family}&relation=child")
    assert response.status_code == 200
    shows = "Rodzina Matryców" in response.get_data(as_text=True)
    assert shows is (role == OWNER)
    assert audit_entries(app, case) - before == (1 if role == OWNER else 0)


# --- POST: institutions without access change nothing --------------------------------------------

def _rows(app, case):
    models = (Participant, CareRelation, Consent, Referral, Enrollment, FamilyMember,
              ServiceDelivery, AuditEntry)
    with app.app_context(), partnership_scope(case.partnership.id):
        rows = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
                for m in models}
        rows["referral_status"] = db.session.scalar(
            select(Referral.status).where(Referral.id == case.ids.referral))
        rows["enrollment_status"] = db.session.scalar(
            select(Enrollment.status).where(Enrollment.id == case.ids.enrollment))
        rows["participant"] = db.session.execute(select(
            Participant.first_name, Participant.last_name, Participant.updated_at,
        ).where(Participant.id == case.ids.participant)).one()
        return rows


def post_routes(app):
    """(rule, query) of every write that names a case object, in the path or the query."""
    routes = []
    for rule in case_rules(app, ("POST",)):
        if rule.arguments & set(CASE_ARGS):
            routes.append((rule, ""))
        for endpoint, query in GET_MATRIX:
            if query and endpoint == rule.endpoint:
                routes.append((rule, query))
    return routes


@pytest.mark.parametrize("role", [OTHER, WITHDRAWN])
def test_institutions_without_access_get_404_on_every_write_and_nothing_changes(
        app, client, case, login_as, role):
    routes = post_routes(app)
    assert len(routes) >= 15
    login_as(client, case.staff[role])
    before = _rows(app, case)
    form = {"first_name": "Zmieniona", "last_name": "Nazwa", "reason": "withdrew",
            "decline_reason": "nie", "result": "x", "hours_per_week": "10",
            "withdrawn_on": dates.today().isoformat()}
    for rule, query in routes:
        response = client.post(build(app, case, rule, query), data=form)
        assert response.status_code == 404, (rule.rule, query, role)
    assert _rows(app, case) == before
