"""Review fixes of the exchange: programme-path status changes reach the outboxes of the
institutions that may see the person (ids and statuses only, restricted people held), and the
JSON API answers unknown addresses, non-numeric ids and wrong methods in JSON, in Polish."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.enrollment import transitions as enrollment_transitions
from mosty.enrollment.models import Enrollment
from mosty.exchange import service as exchange_service
from mosty.exchange import tokens
from mosty.exchange.delivery import create_deliveries
from mosty.exchange.models import OutboxEvent
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug="sciezka")
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Ścieżka", kind="ops")
    w.gup = factory.institution(p, name="GUP Ścieżka", kind="labour_office")
    w.ngo = factory.institution(p, name="Fundacja Ścieżka", kind="ngo")
    w.worker = factory.staff(w.mops)
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak")
    factory.consent(w.anna, [w.gup])
    return w


def _enrol(world, participant_id, restricted=False):
    with world.app.app_context(), partnership_scope(world.p.id):
        person = db.session.get(Participant, participant_id)
        person.processing_restricted = restricted
        enrollment = enrollment_transitions.recruit(
            institution_id=world.mops.id, actor_id=world.worker.id, participant=person)
        enrollment.status = "eligible"
        db.session.commit()
        enrollment_transitions.start(enrollment, world.worker.id)
        db.session.commit()
        return enrollment.id


def _events(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        return [SimpleNamespace(kind=e.kind, institution_id=e.institution_id,
                                subject_type=e.subject_type, subject_id=e.subject_id,
                                participant_id=e.participant_id, payload=e.payload)
                for e in db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]


def test_a_programme_path_step_publishes_status_changed_to_who_may_see_the_person(world):
    enrollment_id = _enrol(world, world.anna.id)
    events = _events(world)
    # The registering institution and the one with a consent; the NGO sees nothing.
    assert sorted(e.institution_id for e in events) == sorted([world.mops.id, world.gup.id])
    assert {e.kind for e in events} == {"status.changed"}
    event = events[0]
    assert (event.subject_type, event.subject_id, event.participant_id) == (
        "Enrollment", enrollment_id, world.anna.id)
    assert event.payload["previous_status"] == "eligible"
    assert event.payload["status"] == "active"
    assert event.payload["enrollment_id"] == enrollment_id
    assert "Anna" not in str(event.payload) and "Nowak" not in str(event.payload)


def test_a_refused_step_publishes_nothing(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        enrollment = enrollment_transitions.recruit(
            institution_id=world.mops.id, actor_id=world.worker.id,
            participant=db.session.get(Participant, world.anna.id))
        with pytest.raises(enrollment_transitions.TransitionRefused):
            enrollment_transitions.complete(enrollment, world.worker.id)
        db.session.commit()
    assert _events(world) == []


def test_a_restricted_persons_status_change_stays_with_the_registering_institution_held(world):
    _enrol(world, world.anna.id, restricted=True)
    events = _events(world)
    assert [e.institution_id for e in events] == [world.mops.id]
    with world.app.app_context(), partnership_scope(world.p.id):
        exchange_service.create_webhook(
            institution_id=world.mops.id, name="System", url="http://example.org/hook",
            event_kinds=["status.changed"], active=True, actor_id=world.admin.id)
        created, _more = create_deliveries()
        assert created == []
        db.session.rollback()


def test_a_family_path_step_reaches_the_familys_institution(world):
    family = world.f.family(world.mops, members=[(world.anna, "applicant")])
    with world.app.app_context(), partnership_scope(world.p.id):
        enrollment = Enrollment(family_id=family.id, institution_id=world.mops.id,
                                status="recruited", recruited_on=dates.today())
        db.session.add(enrollment)
        db.session.flush()
        enrollment_transitions.exit_programme(enrollment, "moved_away", world.worker.id)
        db.session.commit()
    events = _events(world)
    assert world.mops.id in {e.institution_id for e in events}
    assert world.ngo.id not in {e.institution_id for e in events}
    assert all(e.participant_id is None and e.payload["family_id"] == family.id
               and "moved_away" not in str(e.payload) for e in events)


@pytest.fixture
def api(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        _token, plaintext = tokens.create_token(institution_id=world.gup.id, name="System",
                                                actor_id=world.admin.id,
                                                partnership_id=world.p.id)
        db.session.commit()
    client = world.app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plaintext}"
    return client


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/v1/nothing-here", 404),
    ("get", "/api/v1/referrals/abc", 404),
    ("get", "/api/v1/referrals/-1", 404),
    ("delete", "/api/v1/referrals/1", 405),
    ("get", "/api/v1/referrals/1/answer", 405),
    ("put", "/api/v1/referrals", 405),
])
def test_api_routing_errors_are_json_in_polish(api, method, path, status):
    response = getattr(api, method)(path)
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert body["status"] == status
    assert body["error"] in ("Nie znaleziono.", "Ten adres nie przyjmuje tej metody.")


# --- webhook addresses: the address checked is the address connected to -----------------------

PUBLIC_IP = "93.184.216.34"


def _resolving(monkeypatch, answers):
    """getaddrinfo answers the given addresses in turn (the last one from then on)."""
    import socket

    calls = []

    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "127.0.0.1":  # the test's own receiver, connected to by number
            return real(host, port, *args, **kwargs)
        address = answers[min(len(calls), len(answers) - 1)]
        calls.append(host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return calls


def test_a_name_rebound_to_loopback_after_the_check_is_not_reached(make_app, monkeypatch):
    import socket

    from mosty.exchange.delivery import post

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    # Public when checked, loopback for anyone who resolves the name again.
    _resolving(monkeypatch, [PUBLIC_IP, "127.0.0.1"])
    connected = []

    def no_network(address, *args, **kwargs):
        connected.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", no_network)
    with app.app_context():
        status, error = post("http://rebind.example.org/hook", b"{}", {})
    assert status is None and "no network" in error
    assert connected == [(PUBLIC_IP, 80)]


def test_the_pinned_connection_delivers_with_the_urls_host_name(make_app, monkeypatch):
    import socket

    from exchange_receiver import Receiver
    from mosty.exchange.delivery import post

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    _resolving(monkeypatch, [PUBLIC_IP])
    real = socket.create_connection
    connected = []
    with Receiver() as receiver:
        port = receiver.server.server_address[1]

        def to_receiver(address, *args, **kwargs):
            connected.append(address)
            return real(("127.0.0.1", port), *args, **kwargs)

        monkeypatch.setattr(socket, "create_connection", to_receiver)
        with app.app_context():
            status, error = post(f"http://partner.example.org:{port}/hook", b"{}",
                                 {"Content-Type": "application/json"})
    assert (status, error) == (200, "")
    assert connected == [(PUBLIC_IP, port)]
    assert receiver.requests[0]["headers"]["Host"] == f"partner.example.org:{port}"


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1",
                                     "10.1.2.3", "169.254.169.254"])
def test_private_addresses_inside_ipv6_are_refused(make_app, monkeypatch, address):
    from mosty.exchange.delivery import NOT_PUBLIC, post

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    _resolving(monkeypatch, [address])
    with app.app_context():
        assert post("https://partner.example.org/hook", b"{}", {}) == (None, NOT_PUBLIC)


@pytest.mark.parametrize("header", ["Bearer mosty_2147483648_abc", "Bearer mosty_99999999999_x",
                                    "Bearer mosty_\u00b2_abc",
                                    "Bearer mosty__abc", "Basic abc", "Bearer "])
def test_a_malformed_or_out_of_range_token_is_401_json(app, header):
    response = app.test_client().get("/api/v1/referrals", headers={"Authorization": header})
    assert response.status_code == 401 and response.get_json()["status"] == 401


def test_a_huge_or_malformed_body_is_refused_in_json(api):
    huge = api.post("/api/v1/referrals/1/answer", data=b'{"action": "' + b"a" * 200_000 + b'"}',
                    content_type="application/json")
    assert huge.status_code == 413
    assert huge.get_json() == {"error": "Żądanie jest zbyt duże.", "status": 413}
    broken = api.post("/api/v1/referrals/1/answer", data=b'{"action": ',
                      content_type="application/json")
    assert broken.status_code == 400 and broken.is_json


@pytest.mark.parametrize("query", ["page=\u00b2", "per_page=\u00b3", "page=0", "page=1e3"])
def test_a_page_number_that_is_no_whole_number_is_a_400_in_json(api, query):
    response = api.get(f"/api/v1/referrals?{query}")
    assert response.status_code == 400 and response.get_json()["field"] in ("page", "per_page")
