"""The cross-partnership route matrix: every route of ``app.url_map`` against partnership B.

A member of partnership A asks for each partnership route with B's slug and B's objects and
must get 404 with nothing changed; a member of B asking for the same URLs gets through. A new
route cannot escape: a rule must either be under ``/<partnership>/`` or be listed below as a
global endpoint, and each of its URL arguments needs a builder in ``FOREIGN_OBJECTS``.
"""

from datetime import date
from fnmatch import fnmatchcase
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

import sample_module
from mosty import dates
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.participants.models import CareRelation, Dependant
from mosty.plugins import get_registry
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login
from mosty.testing.plugin import build_two_partnerships

# --- registries: extend these when you add routes ---------------------------------------------

# How to fill each URL argument of a partnership route with an object of partnership B.
# ``world`` is built by ``build_world`` below: ``world.a`` / ``world.b`` as in
# ``mosty.testing.plugin.build_two_partnerships`` (partnership, leader, other, admin,
# caseworker) plus the case-registry objects of ``add_registry_objects``; add the objects your
# routes need there and a builder here.
FOREIGN_OBJECTS = {
    "partnership": lambda world: world.b.partnership.slug,
    "participant_id": lambda world: world.b.participant.id,
    "family_id": lambda world: world.b.family.id,
    "consent_id": lambda world: world.b.consent.id,
    "service_id": lambda world: world.b.service.id,
    "referral_id": lambda world: world.b.referral.id,
    "relation_id": lambda world: world.b.care_relation_id,  # a participant's CareRelation
    "member_id": lambda world: world.b.family_member_id,  # a FamilyMember of the family
    "enrollment_id": lambda world: world.b.enrollment_id,
    "job_id": lambda world: world.b.job_id,  # a finished job with a result file
    "import_id": lambda world: world.b.import_id,  # an uploaded import file
    "offer_id": lambda world: world.b.labour_offer_id,  # a job offer (labour module)
    "candidate_id": lambda world: world.b.labour_candidate_id,  # a person put forward
    "activation_instrument_id": lambda world: world.b.activation_instrument_id,  # labour
    "enrolment_id": lambda world: world.b.labour_enrolment_id,  # a place on that instrument
    "instrument_id": lambda world: world.b.instrument_id,
    "administration_id": lambda world: world.b.administration_id,  # a finished one
    "round_id": lambda world: world.b.round_id,  # an instrument given to the family
    "token_id": lambda world: world.b.api_token_id,  # an institution's API token
    "webhook_id": lambda world: world.b.webhook_id,  # an institution's webhook endpoint
    "delivery_id": lambda world: world.b.webhook_delivery_id,  # a webhook's failed delivery
    "goal_id": lambda world: world.b.animator_goal_id,  # a goal of the family's work plan
    "action_id": lambda world: world.b.animator_action_id,  # an action of that goal
    "request_id": lambda world: world.b.animator_request_id,  # an information request
    "barrier_id": lambda world: world.b.animator_barrier_id,  # a barrier found in diagnosis
    "report_id": lambda world: world.b.stored_report_id,  # a stored monthly report
    "variant": lambda world: "internal",  # of a stored report's file
    "file_format": lambda world: "xlsx",  # of a stored report's file
    "recipient_id": lambda world: world.b.report_recipient_id,  # of the monthly report
}

# Query-string arguments that name objects, by endpoint (``/consents/new?participant=<id>``):
# the matrix sends B's objects there too.
FOREIGN_QUERY_ARGS = {
    "consents.new": lambda world: {"participant": world.b.participant.id},
    "labour.skills": lambda world: {"participant": world.b.participant.id},
    "labour.enrolment_new": lambda world: {"participant": world.b.participant.id},
    "enrollment.new": lambda world: {"participant": world.b.participant.id},
    "instruments.new": lambda world: {"participant": world.b.participant.id},
    "outcomes.new": lambda world: {"participant": world.b.participant.id},
    "outcomes.new_follow_up": lambda world: {"enrollment": world.b.enrollment_id},
    "referrals.new": lambda world: {"participant": world.b.participant.id},
    "services.new_delivery": lambda world: {"participant": world.b.participant.id},
}

# Rules outside ``/<partnership>/`` that are global by design (fnmatch patterns on endpoints).
GLOBAL_ENDPOINTS = (
    "static",  # assets
    "auth.*",  # sign-in, sign-out, own password, language
    "partnerships.chooser",  # lists only the user's own partnerships
    "admin.*",  # the platform admin (Flask-Admin index), platform admins only
    "exchange_api.*",  # /api/v1/: the bearer token names the partnership and institution
)
# Flask-Admin names a model view's endpoint after the view, not "admin.*"; its URLs are global.
GLOBAL_RULE_PREFIXES = ("/admin/",)

# Modules mounted in the matrix app besides the installed ones (found through entry points).
EXTRA_PLUGINS = [sample_module]

METHODS = ("GET", "POST")
SLUG_ARG = "partnership"

# -----------------------------------------------------------------------------------------------


def add_registry_objects(world, side):
    """A participant of ``side`` (registered by the caseworker's institution) with a family,
    a consent, a care relation, an enrollment, a service and a referral to the leader."""
    f = world.factory
    side.participant = f.participant(side.other)
    side.family = f.family(side.other, members=[(side.participant, "head")])
    side.consent = f.consent(side.participant, [side.other, side.leader])
    side.service = f.service(side.other)
    side.referral = f.referral(side.participant, side.other, side.leader)
    add_labour_offer_objects(world, side)
    add_labour_activation_objects(world, side)
    with world.app.app_context(), partnership_scope(side.partnership.id):
        dependant = Dependant(first_name="Zosia", birth_year=2021, dependant_type="child")
        relation = CareRelation(carer_id=side.participant.id, dependant=dependant,
                                hours_per_week=20)
        enrollment = Enrollment(participant_id=side.participant.id, institution_id=side.other.id,
                                recruited_on=dates.today())
        db.session.add_all([relation, enrollment])
        db.session.commit()
        side.enrollment_id = enrollment.id
        side.care_relation_id = relation.id
        add_exchange_objects(side)
        add_job_and_import_objects(side)
        add_report_objects(side)
        side.family_member_id = db.session.scalar(
            select(FamilyMember.id).where(FamilyMember.family_id == side.family.id))
    add_instrument_objects(world, side)
    add_animator_objects(world, side)


def add_job_and_import_objects(side):
    """A finished job of the caseworker with a result file, and a file they uploaded for
    import (inside the side's partnership scope)."""
    from mosty.imports.models import ImportBatch
    from mosty.jobs.models import Job

    job = Job(institution_id=side.other.id, actor_id=side.caseworker.id, kind="import",
              title="Import", state="done", result_filename="wynik.csv",
              result_content_type="text/csv", result_data=b"a;b", result_size=3)
    batch = ImportBatch(institution_id=side.other.id, actor_id=side.caseworker.id,
                        format_key="participants", filename="lista.csv", fingerprint="0" * 64,
                        headers=["Imię", "Nazwisko"], row_count=1,
                        mapping={"0": "first_name", "1": "last_name"},
                        data="Imię;Nazwisko\nAnna;Nowak\n".encode())
    db.session.add_all([job, batch])
    db.session.commit()
    side.job_id, side.import_id = job.id, batch.id


def add_animator_objects(world, side):
    """The family on the animator's board (run by the caseworker's institution, with the
    caseworker as its animator), a work plan with a goal and an action, a barrier, and an
    information request."""
    from mosty_animator.models import Action, Barrier, Case, Goal, InfoRequest, Plan

    with world.app.app_context(), partnership_scope(side.partnership.id):
        case = Case(family_id=side.family.id, institution_id=side.other.id,
                    animator_id=side.caseworker.id, source="self", stage="enrolled",
                    lead_on=dates.today())
        goal = Goal(plan=Plan(case=case), text="Praca", participant_id=side.participant.id)
        action = Action(goal=goal, what="Kurs", who_kind="animator", due_on=dates.today())
        request = InfoRequest(institution_id=side.other.id, asked_by_id=side.caseworker.id,
                              question="Oferty pracy?", deadline=dates.today())
        barrier = Barrier(case=case, kind="transport", note="Brak autobusu",
                          recorded_on=dates.today())
        db.session.add_all([case, action, request, barrier])
        db.session.commit()
        side.animator_goal_id, side.animator_action_id = goal.id, action.id
        side.animator_request_id, side.animator_barrier_id = request.id, barrier.id


def add_exchange_objects(side):
    """An API token and a webhook of the side's welfare centre (inside the partnership scope)."""
    from mosty.exchange import service as exchange_service
    from mosty.exchange import tokens

    token, _plaintext = tokens.create_token(institution_id=side.other.id, name="System OPS",
                                            actor_id=side.admin.id,
                                            partnership_id=side.partnership.id)
    webhook = exchange_service.create_webhook(
        institution_id=side.other.id, name="System OPS", url="http://127.0.0.1:9/hook",
        event_kinds=["referral.sent"], active=True, actor_id=side.admin.id)
    from mosty.exchange.models import OutboxEvent, WebhookDelivery

    event = OutboxEvent(institution_id=side.other.id, kind="referral.sent",
                        subject_type="referral", subject_id=side.referral.id, payload={})
    db.session.add(event)
    db.session.flush()
    delivery = WebhookDelivery(event_id=event.id, endpoint_id=webhook.id,
                               delivery_uuid=f"00000000-0000-4000-8000-{side.other.id:012d}",
                               state="failed", attempts=8)
    db.session.add(delivery)
    db.session.commit()
    side.api_token_id, side.webhook_id = token.id, webhook.id
    side.webhook_delivery_id = delivery.id


def add_report_objects(side):
    """A stored monthly report with one file, and a recipient of the monthly report."""
    from mosty.reports.models import ReportRecipient, StoredReport, StoredReportFile

    stored = StoredReport(kind="monthly", period_start=date(2026, 10, 1),
                          period_end=date(2026, 10, 31))
    stored.files.append(StoredReportFile(variant="internal", format="xlsx",
                                         filename="raport.xlsx", content=b"PK", size=2))
    recipient = ReportRecipient(email=f"rada@{side.partnership.slug}.example")
    db.session.add_all([stored, recipient])
    db.session.commit()
    side.stored_report_id, side.report_recipient_id = stored.id, recipient.id


def add_instrument_objects(world, side):
    """The family motivation test, a finished administration of the participant and a
    family round with a draft."""
    from mosty.instruments.factories import InstrumentFactory

    instruments = InstrumentFactory(world.app)
    version = instruments.definition(side.partnership.id)
    side.instrument_id = version.instrument_id
    side.administration_id = instruments.administration(version, side.participant,
                                                        side.other).id
    side.round_id = instruments.family_round(version, side.family, side.other,
                                             [side.participant]).id


def add_labour_offer_objects(world, side):
    """A job offer of the labour module and the participant put forward for it."""
    from mosty.db import utcnow
    from mosty_labour.offers.models import Candidate, JobOffer

    with world.app.app_context(), partnership_scope(side.partnership.id):
        offer = JobOffer(institution_id=side.other.id, employer_name="Piekarnia",
                         position="Sprzedawca", commune_teryt="1261011", hours_per_week=40,
                         contract_type="employment", posted_on=dates.today())
        candidate = Candidate(offer=offer, participant_id=side.participant.id,
                              institution_id=side.other.id, referred_at=utcnow())
        db.session.add(candidate)
        db.session.commit()
        side.labour_offer_id, side.labour_candidate_id = offer.id, candidate.id


def add_labour_activation_objects(world, side):
    """An activation instrument of the labour module with the participant enrolled on it."""
    from mosty_labour.activation.models import ActivationInstrument, InstrumentEnrolment

    with world.app.app_context(), partnership_scope(side.partnership.id):
        instrument = ActivationInstrument(
            institution_id=side.other.id, kind="training", title="Kurs", locality="Kraków",
            starts_on=dates.today(), capacity=5, places_taken=1)
        enrolment = InstrumentEnrolment(instrument=instrument,
                                        participant_id=side.participant.id,
                                        enrolled_on=dates.today())
        db.session.add(enrolment)
        db.session.commit()
        side.activation_instrument_id, side.labour_enrolment_id = instrument.id, enrolment.id


def build_world(app):
    """Partnerships A and B with registry objects; every module switched on and granted."""
    world = build_two_partnerships(app)
    world.app = app
    for side in (world.a, world.b):
        add_registry_objects(world, side)
    modules = list(get_registry(app).modules)
    for side in (world.a, world.b):
        with app.app_context(), partnership_scope(side.partnership.id):
            for key in modules:
                db.session.add(PartnershipModule(module_key=key, enabled=True))
                for role in ("partnership_admin", "coordinator", "caseworker"):
                    db.session.add(ModuleGrant(module_key=key, role=role, access="write"))
            db.session.commit()
    return world


@pytest.fixture
def matrix_app(request, make_app):
    backend = request.param
    return make_app(backend=backend, MOSTY_EXTRA_PLUGINS=EXTRA_PLUGINS)


both_backends = pytest.mark.parametrize(
    "matrix_app",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def world(matrix_app):
    return build_world(matrix_app)


def is_partnership_route(rule):
    return SLUG_ARG in rule.arguments


def url_arguments(rule):
    """The placeholders of the rule's URL (values fixed by ``defaults`` need no builder)."""
    return set(rule.arguments) - set(rule.defaults or {})


def is_global(rule):
    return (any(fnmatchcase(rule.endpoint, pattern) for pattern in GLOBAL_ENDPOINTS)
            or rule.rule.startswith(GLOBAL_RULE_PREFIXES))


def partnership_routes(app):
    return sorted((r for r in app.url_map.iter_rules() if is_partnership_route(r)),
                  key=lambda r: (r.rule, r.endpoint))


def url_of(rule, world, overrides=None):
    missing = url_arguments(rule) - set(FOREIGN_OBJECTS)
    assert not missing, (f"add builders for {sorted(missing)} of {rule.rule} to FOREIGN_OBJECTS "
                         "in tests/test_isolation_matrix.py")
    values = {arg: FOREIGN_OBJECTS[arg](world) for arg in url_arguments(rule)}
    values.update(overrides or {})
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"{rule.rule} could not be built from {values}"
    query = FOREIGN_QUERY_ARGS.get(rule.endpoint)
    return built[1] + ("?" + urlencode(query(world)) if query else "")


def names_objects(rule):
    """Whether the rule takes objects besides the partnership, in its path or its query."""
    return bool(url_arguments(rule) - {SLUG_ARG}) or rule.endpoint in FOREIGN_QUERY_ARGS


def every_row(app):
    """``{table: sorted rows}`` of every table, read in the system scope: comparing two of
    these finds inserted, deleted and updated rows alike."""
    with app.app_context(), system_scope("test: reading every table's rows"):
        return {name: sorted(tuple(map(repr, row)) for row in db.session.execute(select(table)))
                for name, table in db.metadata.tables.items()}


def changed_tables(before, after):
    return sorted(
        f"{name} ({len(before[name])} -> {len(after[name])} rows)"
        for name in before if before[name] != after[name]
    )


def secrets_of_b(world):
    return (world.b.partnership.name, "Lider b", "OPS b", world.b.participant.full_name,
            world.b.family.name, world.b.service.name)


class Matrix:
    """Asks for URLs as one member and notes every answer that is not a 404 showing nothing
    of B and changing no row (each request is compared with the database as the previous
    one left it)."""

    def __init__(self, world, member):
        self.world = world
        self.client = login(world.app.test_client(), member)
        self.rows = every_row(world.app)
        self.failures = []
        self.checked = 0

    def check(self, method, url, rule):
        response = (self.client.get(url) if method == "GET"
                    else self.client.post(url, data={}))
        after = every_row(self.world.app)
        changed = changed_tables(self.rows, after)
        self.rows = after
        self.checked += 1
        where = f"{method} {url} ({rule.endpoint})"
        if response.status_code != 404:
            self.failures.append(f"{where}: {response.status_code}")
        body = response.get_data(as_text=True)
        if any(secret in body for secret in secrets_of_b(self.world)):
            self.failures.append(f"{where}: shows data of B")
        if changed:
            self.failures.append(f"{where}: rows changed in {', '.join(changed)}")


# --- the matrix covers every route ------------------------------------------------------------


@both_backends
def test_every_route_is_partnership_scoped_or_an_allowed_global_endpoint(matrix_app):
    escaped = [f"{rule.rule} ({rule.endpoint})" for rule in matrix_app.url_map.iter_rules()
               if not is_partnership_route(rule) and not is_global(rule)]
    assert not escaped, (
        "these routes are neither under /<partnership>/ nor listed as global in "
        "GLOBAL_ENDPOINTS of tests/test_isolation_matrix.py: " + ", ".join(escaped)
        + ". Mount them under /<partnership>/, or, if they are global by design, add them to "
        "the allow-list."
    )


@both_backends
def test_every_argument_of_a_partnership_route_has_a_foreign_object_builder(matrix_app):
    missing = sorted(
        f"<{arg}> in {rule.rule} ({rule.endpoint})"
        for rule in partnership_routes(matrix_app)
        for arg in url_arguments(rule)
        if arg not in FOREIGN_OBJECTS
    )
    assert not missing, (
        "no builder of a foreign object for: " + ", ".join(missing) + ". Add one to "
        "FOREIGN_OBJECTS at the top of tests/test_isolation_matrix.py (it receives the world "
        "and returns the URL value of an object of partnership B), so the matrix can try the "
        "route against another partnership's data."
    )


@both_backends
def test_the_matrix_sees_the_core_and_module_routes(matrix_app):
    endpoints = {rule.endpoint for rule in partnership_routes(matrix_app)}
    assert {"partnerships.dashboard", "sample.index", "sample.new", "sample.add_note"} <= endpoints


# --- a member of A against partnership B ------------------------------------------------------


@both_backends
@pytest.mark.parametrize("persona", ["admin", "caseworker"])
def test_member_of_a_gets_404_on_every_route_of_partnership_b_and_changes_nothing(world,
                                                                                 persona):
    app = world.app
    matrix = Matrix(world, getattr(world.a, persona))
    for rule in partnership_routes(app):
        url = url_of(rule, world)
        for method in METHODS:
            if method in rule.methods:
                matrix.check(method, url, rule)
    assert matrix.checked >= len(partnership_routes(app))
    assert not matrix.failures, ("partnership B leaks to a member of A:\n"
                                 + "\n".join(matrix.failures))


@both_backends
@pytest.mark.parametrize("persona", ["admin", "caseworker"])
def test_member_of_a_gets_404_for_objects_of_b_under_their_own_slug(world, persona):
    """Own partnership in the URL, B's objects in the other arguments: still 404."""
    app = world.app
    rules = [r for r in partnership_routes(app) if names_objects(r)]
    if not rules:
        pytest.skip("no partnership route takes an object argument yet")
    matrix = Matrix(world, getattr(world.a, persona))
    for rule in rules:
        url = url_of(rule, world, {SLUG_ARG: world.a.partnership.slug})
        for method in METHODS:
            if method in rule.methods:
                matrix.check(method, url, rule)
    assert not matrix.failures, ("objects of B reachable from A's own slug:\n"
                                 + "\n".join(matrix.failures))


# --- sanity: the same URLs work for a member of B ---------------------------------------------


@both_backends
def test_member_of_b_reaches_every_get_route_of_partnership_b(world):
    """B's caseworker registered B's case objects; admin-only pages are B's admin's."""
    app = world.app
    clients = [login(app.test_client(), world.b.caseworker),
               login(app.test_client(), world.b.admin)]
    failures = []
    for rule in partnership_routes(app):
        if "GET" not in rule.methods:
            continue
        url = url_of(rule, world)
        statuses = []
        for client in clients:
            statuses.append(client.get(url).status_code)
            if statuses[-1] != 404:
                break
        if statuses[-1] == 404 or statuses[-1] >= 500:
            failures.append(f"GET {url} ({rule.endpoint}): {statuses}")
    assert not failures, (
        "the matrix's URLs do not work even for a member of B, so its 404s prove nothing:\n"
        + "\n".join(failures)
    )
