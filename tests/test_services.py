"""Services: the partnership's catalogue, kept by each institution for itself, and the deliveries
of services to participants the institution may see."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import g, render_template
from sqlalchemy import func, select

from mosty import dates
from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.services import sections
from mosty.services.models import SERVICE_KINDS, Service, ServiceDelivery
from mosty.services.service import SERVICE_KIND_LABELS
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login as sign_in
from mosty.testing.plugin import build_two_partnerships

MARKUP = "<script>alert('x')</script>"


@pytest.fixture
def world(two_partnerships):
    w = two_partnerships
    w.slug = w.a.partnership.slug
    # A caseworker of the leader too: the catalogue has two institutions to keep apart.
    w.a.leader_caseworker = w.factory.staff(w.a.leader, roles=("caseworker",))
    return w


def login(client, user):
    """Signed in, reading English (the messages asserted here are the English msgids)."""
    sign_in(client, user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def count(app, model, **where):
    with app.app_context(), system_scope("test: counting rows"):
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def audit_log(app):
    with app.app_context(), system_scope("test: reading the audit log"):
        return [SimpleNamespace(action=e.action, object_type=e.object_type,
                                object_id=e.object_id, detail=e.detail)
                for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def new_entries(app, before):
    return audit_log(app)[before:]


def deliver(factory, service, participant, on=None, hours="1"):
    with factory._in(participant.partnership_id):
        db.session.add(ServiceDelivery(service_id=service.id, participant_id=participant.id,
                                       delivered_on=on or dates.today(), hours=Decimal(hours)))
        db.session.commit()


def render_section(app, partnership, participant, institution_id):
    with app.test_request_context(), partnership_scope(partnership.id):
        g.partnership = SimpleNamespace(slug=partnership.slug, default_locale="en")
        subject = db.session.get(Participant, participant.id)
        panel = sections.deliveries_section(subject, institution_id)
        timeline = sections.delivery_events(subject, institution_id)
        return panel, render_template(panel.template, **panel.context), timeline


# --- the catalogue ------------------------------------------------------------------------------


def test_every_service_kind_has_a_translatable_label():
    assert set(SERVICE_KIND_LABELS) == set(SERVICE_KINDS)


def test_catalogue_shows_every_institutions_services_with_kind_capacity_and_resources(
        app, client, world):
    world.factory.service(world.a.leader, name="Doradztwo zawodowe", kind="advisory",
                          capacity=10)
    world.factory.service(world.a.other, name="Opieka zastępcza", kind="care_substitution")
    world.factory.service(world.b.leader, name="Usługa partnerstwa B")
    body = login(client, world.a.caseworker).get(f"/{world.slug}/services/").get_data(
        as_text=True)
    assert "Doradztwo zawodowe" in body and "Opieka zastępcza" in body
    assert "Lider a" in body and "OPS a" in body
    assert "care substitution" in body and "advisory" in body
    assert "from own resources" in body
    assert "0 of 10" in body
    assert "Usługa partnerstwa B" not in body


def test_catalogue_groups_services_under_their_institution(app, client, world):
    world.factory.service(world.a.leader, name="Szkolenie A1")
    world.factory.service(world.a.other, name="Szkolenie O1")
    world.factory.service(world.a.leader, name="Szkolenie A2")
    body = login(client, world.a.caseworker).get(f"/{world.slug}/services/").get_data(
        as_text=True)
    assert body.count('class="service-group"') == 2
    table = body[body.index('class="service-group"'):]
    assert (table.index("Lider a") < table.index("Szkolenie A1") < table.index("Szkolenie A2")
            < table.index("OPS a") < table.index("Szkolenie O1"))


def test_capacity_counts_participants_served_in_the_last_30_days(app, client, world):
    service = world.factory.service(world.a.other, name="Grupa wsparcia", capacity=5)
    anna, jan, old = (world.factory.participant(world.a.other) for _ in range(3))
    deliver(world.factory, service, anna)
    deliver(world.factory, service, anna, on=dates.today() - timedelta(days=3))
    deliver(world.factory, service, jan, on=dates.today() - timedelta(days=29))
    deliver(world.factory, service, old, on=dates.today() - timedelta(days=45))
    body = login(client, world.a.caseworker).get(f"/{world.slug}/services/").get_data(
        as_text=True)
    assert "2 of 5" in body


def test_catalogue_filters_by_kind_and_by_institution(app, client, world):
    world.factory.service(world.a.leader, name="Porada prawna", kind="legal")
    world.factory.service(world.a.other, name="Szkolenie komputerowe", kind="training")
    login(client, world.a.caseworker)
    body = client.get(f"/{world.slug}/services/?kind=legal").get_data(as_text=True)
    assert "Porada prawna" in body and "Szkolenie komputerowe" not in body
    body = client.get(f"/{world.slug}/services/?institution={world.a.other.id}").get_data(
        as_text=True)
    assert "Szkolenie komputerowe" in body and "Porada prawna" not in body


@pytest.mark.parametrize("query", ["kind=nonsense", "institution=abc", "institution=999999",
                                   "kind=" + "x" * 10_000, "page=abc"])
def test_bad_catalogue_filters_are_refused_without_an_error_page(app, client, world, query):
    world.factory.service(world.a.leader, name="Porada prawna", kind="legal")
    response = login(client, world.a.caseworker).get(f"/{world.slug}/services/?{query}")
    if query == "page=abc":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Not a valid choice" in body
    assert "Porada prawna" in body


def test_filter_by_an_institution_of_another_partnership_is_refused(app, client, world):
    world.factory.service(world.b.leader, name="Usługa partnerstwa B")
    response = login(client, world.a.caseworker).get(
        f"/{world.slug}/services/?institution={world.b.leader.id}")
    body = response.get_data(as_text=True)
    assert "Not a valid choice" in body and "Usługa partnerstwa B" not in body


def test_catalogue_is_paginated_and_sortable(make_app):
    app = make_app(MOSTY_PAGE_SIZE=2)
    world = build_two_partnerships(app)
    for name in ("Cc", "Aa", "Bb"):
        world.factory.service(world.a.other, name=name)
    client = login(app.test_client(), world.a.caseworker)
    slug = world.a.partnership.slug
    first = client.get(f"/{slug}/services/?sort=name").get_data(as_text=True)
    assert "1–2 of 3" in first and "Aa" in first and "Bb" in first and "Cc" not in first
    assert "page=2" in first
    second = client.get(f"/{slug}/services/?sort=name&page=2").get_data(as_text=True)
    assert "3–3 of 3" in second and "Cc" in second
    descending = client.get(f"/{slug}/services/?sort=-name").get_data(as_text=True)
    assert "Cc" in descending and "Aa" not in descending


def test_catalogue_hides_inactive_services_of_other_institutions_only(app, client, world):
    with world.factory._in(world.a.partnership.id):
        db.session.add_all([
            Service(institution_id=world.a.leader.id, name="Wygaszona u lidera", kind="other",
                    active=False),
            Service(institution_id=world.a.other.id, name="Wygaszona u nas", kind="other",
                    active=False),
        ])
        db.session.commit()
    body = login(client, world.a.caseworker).get(f"/{world.slug}/services/").get_data(
        as_text=True)
    assert "Wygaszona u nas" in body and "not offered now" in body
    assert "Wygaszona u lidera" not in body


def test_catalogue_is_no_personal_data_and_writes_no_audit_entry(app, client, world):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    assert client.get(f"/{world.slug}/services/").status_code == 200
    assert new_entries(app, before) == []


# --- keeping the catalogue: only one's own institution ----------------------------------------


SERVICE_FORM = {"name": "Doradztwo zawodowe", "kind": "advisory", "description": "Indywidualne",
                "capacity": "12", "location": "ul. Józefińska 14", "own_resources": "y",
                "active": "y"}


def test_member_adds_a_service_to_the_catalogue_of_their_own_institution(app, client, world):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/services/new", data=SERVICE_FORM)
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.a.partnership.id):
        service = db.session.scalar(select(Service))
        assert (service.institution_id, service.name, service.kind, service.capacity,
                service.own_resources, service.active) == (
            world.a.other.id, "Doradztwo zawodowe", "advisory", 12, True, True)
    entries = new_entries(app, before)
    assert [(e.action, e.object_type) for e in entries] == [("create", "Service")]


def test_institution_field_in_the_form_cannot_move_a_service_to_another_institution(
        app, client, world):
    login(client, world.a.caseworker)
    client.post(f"/{world.slug}/services/new",
                data={**SERVICE_FORM, "institution_id": str(world.a.leader.id)})
    assert count(app, Service, institution_id=world.a.other.id) == 1
    assert count(app, Service, institution_id=world.a.leader.id) == 0


def test_member_edits_a_service_of_their_own_institution(app, client, world):
    service = world.factory.service(world.a.other, name="Stara nazwa", capacity=3)
    login(client, world.a.caseworker)
    form = client.get(f"/{world.slug}/services/{service.id}/edit").get_data(as_text=True)
    assert "Stara nazwa" in form
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/services/{service.id}/edit",
                           data={**SERVICE_FORM, "name": "Nowa nazwa", "active": ""})
    assert response.status_code == 302
    with app.app_context(), partnership_scope(world.a.partnership.id):
        saved = db.session.get(Service, service.id)
        assert (saved.name, saved.active, saved.capacity) == ("Nowa nazwa", False, 12)
    [entry] = new_entries(app, before)
    assert entry.action == "update" and set(entry.detail["fields"]) >= {"name", "active"}


def test_services_of_another_institution_are_not_editable(app, client, world):
    service = world.factory.service(world.a.leader, name="Usługa lidera")
    login(client, world.a.caseworker)
    assert client.get(f"/{world.slug}/services/{service.id}/edit").status_code == 404
    response = client.post(f"/{world.slug}/services/{service.id}/edit",
                           data={**SERVICE_FORM, "name": "Przejęta"})
    assert response.status_code == 404
    with app.app_context(), partnership_scope(world.a.partnership.id):
        assert db.session.get(Service, service.id).name == "Usługa lidera"
    body = client.get(f"/{world.slug}/services/").get_data(as_text=True)
    assert f"/services/{service.id}/edit" not in body


def test_services_of_another_partnership_are_not_found(app, client, world):
    service = world.factory.service(world.b.other, name="Usługa B")
    login(client, world.a.caseworker)
    assert client.get(f"/{world.slug}/services/{service.id}/edit").status_code == 404
    assert client.get(f"/{world.b.partnership.slug}/services/").status_code == 404


def test_members_without_a_working_role_do_not_edit_the_catalogue(app, client, world):
    peer = world.factory.staff(world.a.other, roles=("peer_advisor",))
    login(client, peer)
    assert client.get(f"/{world.slug}/services/").status_code == 200
    assert client.get(f"/{world.slug}/services/new").status_code == 404
    assert client.post(f"/{world.slug}/services/new", data=SERVICE_FORM).status_code == 404
    assert count(app, Service) == 0


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Give the service a name."),
    ({"name": "x" * 10_000}, "Field cannot be longer than 200 characters."),
    ({"kind": "nonsense"}, "Not a valid choice"),
    ({"kind": ""}, "Not a valid choice"),
    ({"capacity": "abc"}, "Give a whole number from 1 to 100000."),
    ({"capacity": "-3"}, "Give a whole number from 1 to 100000."),
    ({"capacity": "1.5"}, "Give a whole number from 1 to 100000."),
    ({"capacity": "9" * 5000}, "Give a whole number from 1 to 100000."),
    ({"description": "x" * 10_001}, "Field cannot be longer than 5000 characters."),
    ({"location": "x" * 10_000}, "Field cannot be longer than 200 characters."),
])
def test_bad_service_input_gets_a_clear_message_and_saves_nothing(app, client, world, changes,
                                                                  message):
    login(client, world.a.caseworker)
    before = len(audit_log(app))
    response = client.post(f"/{world.slug}/services/new", data={**SERVICE_FORM, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, Service) == 0
    assert new_entries(app, before) == []


def test_markup_in_a_service_is_shown_as_text(app, client, world):
    login(client, world.a.caseworker)
    client.post(f"/{world.slug}/services/new", data={**SERVICE_FORM, "name": MARKUP,
                                                     "description": MARKUP})
    body = client.get(f"/{world.slug}/services/").get_data(as_text=True)
    assert MARKUP not in body
    assert "&lt;script&gt;" in body


# --- deliveries ---------------------------------------------------------------------------------


@pytest.fixture
def delivery_case(world):
    world.participant = world.factory.participant(world.a.other)
    world.service = world.factory.service(world.a.other, name="Doradztwo", capacity=1)
    world.url = f"/{world.slug}/services/deliveries/new?participant={world.participant.id}"
    return world


DELIVERY_FORM = {"delivered_on": dates.today().isoformat(), "hours": "1,5",
                 "result": "Plan działania ustalony"}


def test_caseworker_records_a_delivery_for_a_participant_of_their_institution(
        app, client, delivery_case):
    w = delivery_case
    login(client, w.a.caseworker)
    before = len(audit_log(app))
    response = client.post(w.url, data={**DELIVERY_FORM, "service": str(w.service.id)})
    assert response.status_code == 302
    with app.app_context(), partnership_scope(w.a.partnership.id):
        delivery = db.session.scalar(select(ServiceDelivery))
        assert (delivery.service_id, delivery.participant_id, delivery.hours, delivery.result,
                delivery.staff_id, delivery.delivered_on) == (
            w.service.id, w.participant.id, Decimal("1.5"), "Plan działania ustalony",
            w.a.caseworker.id, dates.today())
    [entry] = new_entries(app, before)
    assert (entry.action, entry.object_type) == ("create", "ServiceDelivery")
    assert entry.detail["participant_id"] == w.participant.id
    assert "Plan" not in str(entry.detail)


def test_the_delivery_form_offers_only_active_services_of_my_institution(app, client,
                                                                        delivery_case):
    w = delivery_case
    w.factory.service(w.a.leader, name="Usługa lidera")
    with w.factory._in(w.a.partnership.id):
        db.session.add(Service(institution_id=w.a.other.id, name="Wygaszona", kind="other",
                               active=False))
        db.session.commit()
    body = login(client, w.a.caseworker).get(w.url).get_data(as_text=True)
    assert "Doradztwo" in body
    assert "Usługa lidera" not in body and "Wygaszona" not in body


def test_opening_the_delivery_form_writes_one_read_entry(app, client, delivery_case):
    w = delivery_case
    login(client, w.a.caseworker)
    before = len(audit_log(app))
    assert client.get(w.url).status_code == 200
    [entry] = new_entries(app, before)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "read", "Participant", str(w.participant.id))


def test_exceeding_capacity_is_recorded_with_a_warning(app, client, delivery_case):
    w = delivery_case
    deliver(w.factory, w.service, w.factory.participant(w.a.other))
    login(client, w.a.caseworker)
    response = client.post(w.url, data={**DELIVERY_FORM, "service": str(w.service.id)},
                           follow_redirects=True)
    assert "now serves more participants than its capacity" in response.get_data(as_text=True)
    assert count(app, ServiceDelivery) == 2


def test_delivery_for_a_participant_my_institution_may_not_see_is_404(app, client, world):
    stranger = world.factory.participant(world.a.leader)
    service = world.factory.service(world.a.other)
    login(client, world.a.caseworker)
    url = f"/{world.slug}/services/deliveries/new?participant={stranger.id}"
    before = len(audit_log(app))
    assert client.get(url).status_code == 404
    response = client.post(url, data={**DELIVERY_FORM, "service": str(service.id)})
    assert response.status_code == 404
    assert count(app, ServiceDelivery) == 0
    assert new_entries(app, before) == []


def test_delivery_for_a_participant_shared_by_consent_is_allowed(app, client, world):
    shared = world.factory.participant(world.a.leader)
    world.factory.consent(shared, [world.a.other])
    service = world.factory.service(world.a.other)
    login(client, world.a.caseworker)
    response = client.post(f"/{world.slug}/services/deliveries/new?participant={shared.id}",
                           data={**DELIVERY_FORM, "service": str(service.id)})
    assert response.status_code == 302
    assert count(app, ServiceDelivery) == 1


def test_withdrawn_consent_takes_the_delivery_form_away(app, client, world):
    shared = world.factory.participant(world.a.leader)
    world.factory.consent(shared, [world.a.other], withdrawn_on=dates.today())
    world.factory.service(world.a.other)
    login(client, world.a.caseworker)
    url = f"/{world.slug}/services/deliveries/new?participant={shared.id}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["", "?participant=", "?participant=abc",
                                   "?participant=99999999", "?participant=-1"])
def test_delivery_without_a_real_participant_is_404(app, client, world, query):
    login(client, world.a.caseworker)
    assert client.get(f"/{world.slug}/services/deliveries/new{query}").status_code == 404


def test_delivery_for_a_participant_of_another_partnership_is_404(app, client, world):
    foreign = world.factory.participant(world.b.other)
    login(client, world.a.caseworker)
    url = f"/{world.slug}/services/deliveries/new?participant={foreign.id}"
    assert client.get(url).status_code == 404


def test_people_without_the_caseworker_role_do_not_record_deliveries(app, client, world):
    participant = world.factory.participant(world.a.leader)
    login(client, world.a.admin)
    url = f"/{world.slug}/services/deliveries/new?participant={participant.id}"
    assert client.get(url).status_code == 404


def test_institution_without_services_is_told_to_add_one(app, client, world):
    participant = world.factory.participant(world.a.other)
    login(client, world.a.caseworker)
    url = f"/{world.slug}/services/deliveries/new?participant={participant.id}"
    body = client.get(url).get_data(as_text=True)
    assert "Your institution offers no service yet." in body
    response = client.post(url, data={**DELIVERY_FORM, "service": "1"})
    assert response.status_code == 422
    assert count(app, ServiceDelivery) == 0


HOURS_MESSAGE = "Give the hours as a number greater than 0 and at most 24, e.g. 1.5."


@pytest.mark.parametrize("changes, message", [
    ({"hours": "abc"}, HOURS_MESSAGE),
    ({"hours": "-3"}, HOURS_MESSAGE),
    ({"hours": "0"}, HOURS_MESSAGE),
    ({"hours": "24.5"}, HOURS_MESSAGE),
    ({"hours": "1.255"}, HOURS_MESSAGE),
    ({"hours": "NaN"}, HOURS_MESSAGE),
    ({"hours": "Infinity"}, HOURS_MESSAGE),
    ({"hours": "1e400"}, HOURS_MESSAGE),
    ({"hours": ""}, HOURS_MESSAGE),
    ({"hours": "9" * 10_000}, HOURS_MESSAGE),
    ({"delivered_on": ""}, "Give a date."),
    ({"delivered_on": "2024-13-45"}, "Enter a valid date as YYYY-MM-DD."),
    ({"delivered_on": "x" * 10_000}, "Enter a valid date as YYYY-MM-DD."),
    ({"delivered_on": (dates.today() + timedelta(days=1)).isoformat()},
     "The date cannot be in the future."),
    ({"delivered_on": "1899-01-01"}, "Give a date after 1 January 2000."),
    ({"result": "x" * 10_000}, "Field cannot be longer than 2000 characters."),
    ({"service": ""}, "Choose a service."),
    ({"service": "abc"}, "Invalid Choice: could not coerce."),
    ({"service": "99999999"}, "Not a valid choice."),
])
def test_bad_delivery_input_gets_a_clear_message_and_saves_nothing(app, client, delivery_case,
                                                                   changes, message):
    w = delivery_case
    login(client, w.a.caseworker)
    before = len(audit_log(app))
    response = client.post(w.url, data={**DELIVERY_FORM, "service": str(w.service.id),
                                        **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, ServiceDelivery) == 0
    assert [e.action for e in new_entries(app, before)] == ["read"]


@pytest.mark.parametrize("owner", ["leader", "other_partnership"])
def test_a_service_of_another_institution_or_partnership_is_refused(app, client, delivery_case,
                                                                    owner):
    w = delivery_case
    institution = w.a.leader if owner == "leader" else w.b.other
    foreign = w.factory.service(institution)
    login(client, w.a.caseworker)
    response = client.post(w.url, data={**DELIVERY_FORM, "service": str(foreign.id)})
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert count(app, ServiceDelivery) == 0


# --- the participant page: section and timeline -----------------------------------------------


def test_participant_page_section_lists_deliveries_and_timeline_entries(app, client,
                                                                         delivery_case):
    w = delivery_case
    login(client, w.a.caseworker)
    client.post(w.url, data={**DELIVERY_FORM, "service": str(w.service.id),
                             "result": MARKUP})
    leader_service = w.factory.service(w.a.leader, name="Warsztaty lidera")
    deliver(w.factory, leader_service, w.participant, on=date(2024, 5, 6), hours="2")
    panel, html, timeline = render_section(app, w.a.partnership, w.participant, w.a.other.id)
    assert str(panel.title) == "Services delivered"
    assert "Doradztwo" in html and "Warsztaty lidera" in html
    assert "OPS a" in html and "Lider a" in html
    assert "1.5" in html and "&lt;script&gt;" in html and MARKUP not in html
    assert f"deliveries/new?participant={w.participant.id}" in html
    assert [(str(e.title), e.at) for e in timeline] == [
        ("Service delivered: Doradztwo", dates.today()),
        ("Service delivered: Warsztaty lidera", date(2024, 5, 6)),
    ]
    assert str(timeline[1].detail) == "Lider a, 2 h"


def test_the_participant_page_lists_the_deliveries(app, client, delivery_case):
    w = delivery_case
    login(client, w.a.caseworker)
    response = client.post(w.url, data={**DELIVERY_FORM, "service": str(w.service.id)})
    page_url = f"/{w.slug}/participants/{w.participant.id}/"
    assert response.location.endswith(page_url)
    page = client.get(page_url).get_data(as_text=True)
    assert "Services delivered" in page and "Plan działania ustalony" in page
    assert "Service delivered: Doradztwo" in page
