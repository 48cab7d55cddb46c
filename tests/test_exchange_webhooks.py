"""Webhooks: events of an institution's outbox delivered to a real local HTTP receiver, signed,
retried after failures, logged attempt by attempt, delivered once per endpoint; restricted
people's events held back; the delivery log visible to the institution's coordinator only."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from exchange_receiver import Receiver
from mosty.exchange import service as exchange_service
from mosty.exchange.delivery import MAX_ATTEMPTS, deliver, dispatch, idempotency_key
from mosty.exchange.models import DeliveryAttempt, OutboxEvent, WebhookDelivery
from mosty.exchange.outbox import publish_referral
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.referrals.models import Referral
from mosty.referrals.transitions import accept_referral, send_referral
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

SECRET_NAMES = ("Anna", "Nowak", "600100200")


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug="wymiana")
    w = SimpleNamespace(app=app, f=factory, p=p)
    w.mops = factory.institution(p, name="MOPS Wymiana", kind="ops")
    w.gup = factory.institution(p, name="GUP Wymiana", kind="labour_office")
    w.mops_worker = factory.staff(w.mops)
    w.gup_worker = factory.staff(w.gup)
    w.gup_coordinator = factory.staff(w.gup, roles=("coordinator",))
    w.mops_coordinator = factory.staff(w.mops, roles=("coordinator",))
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.anna = factory.participant(w.mops, first_name="Anna", last_name="Nowak",
                                 phone="600100200")
    factory.consent(w.anna, [w.gup])
    return w


def scoped(world):
    return world.app.app_context(), partnership_scope(world.p.id)


def add_webhook(world, institution, url, kinds=("referral.sent", "referral.answered",
                                                "status.changed")):
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        endpoint = exchange_service.create_webhook(
            institution_id=institution.id, name="System partnera", url=url,
            event_kinds=list(kinds), active=True, actor_id=world.admin.id)
        db.session.commit()
        return SimpleNamespace(id=endpoint.id, secret=endpoint.secret)


def send(world):
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        referral = send_referral(participant=db.session.get(Participant, world.anna.id),
                                 from_institution_id=world.mops.id,
                                 to_institution_id=world.gup.id, reason="Doradztwo",
                                 actor_id=world.mops_worker.id, shared_fields=["contact"])
        db.session.commit()
        return referral.id


def decline(world, referral_id):
    from mosty.referrals.models import Referral
    from mosty.referrals.transitions import decline_referral

    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        decline_referral(db.session.get(Referral, referral_id), institution_id=world.gup.id,
                         actor_id=world.gup_worker.id, reason="Brak miejsc")
        db.session.commit()


def run_dispatch(world):
    with world.app.app_context():
        return dispatch.delay(world.p.id, world.admin.id).get()


def rows(world, model, *where):
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        return db.session.scalars(select(model).where(*where).order_by(model.id)).all()


def test_a_delivery_is_retried_until_the_receiver_takes_it_signed_and_logged(world):
    with Receiver(fail_first=2) as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        referral_id = send(world)
        assert run_dispatch(world) == {"deliveries": 1}

    # Three tries of the same delivery, every one signed with the endpoint's secret.
    assert len(receiver.requests) == 3
    assert all(r["signature_ok"] for r in receiver.requests)
    ids = {r["headers"]["X-Mosty-Delivery"] for r in receiver.requests}
    assert len(ids) == 1
    assert {r["headers"]["X-Mosty-Event"] for r in receiver.requests} == {"referral.sent"}
    event = receiver.events()[-1]
    assert event["event"] == "referral.sent" and event["id"] in ids
    assert event["institution_id"] == world.gup.id
    assert event["data"]["referral_id"] == referral_id
    assert event["data"]["status"] == "sent"
    assert event["data"]["to_institution_id"] == world.gup.id
    # Ids and statuses only: no name, no phone.
    body = receiver.requests[-1]["body"].decode()
    assert not any(value in body for value in SECRET_NAMES)

    (delivery,) = rows(world, WebhookDelivery)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    attempts = rows(world, DeliveryAttempt, DeliveryAttempt.delivery_id == delivery.id)
    assert [(a.number, a.status_code) for a in attempts] == [(1, 503), (2, 503), (3, 200)]
    assert [a.error for a in attempts] == ["HTTP 503", "HTTP 503", ""]
    assert all(a.duration_ms >= 0 for a in attempts)


def test_a_signature_with_another_secret_or_a_changed_body_does_not_verify(world):
    with Receiver() as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = "whsec_not-the-right-one"
        send(world)
        run_dispatch(world)
    assert [r["signature_ok"] for r in receiver.requests] == [False]
    request = receiver.requests[0]
    receiver.secret = hook.secret
    assert receiver.verify(request["headers"], request["body"])
    assert not receiver.verify(request["headers"], request["body"].replace(b"sent", b"done"))


def test_an_event_is_delivered_once_per_endpoint_however_often_it_is_dispatched(world):
    with Receiver() as receiver, Receiver() as other:
        hook = add_webhook(world, world.gup, receiver.url)
        second = add_webhook(world, world.gup, other.url, kinds=("referral.sent",))
        receiver.secret, other.secret = hook.secret, second.secret
        send(world)
        assert run_dispatch(world) == {"deliveries": 2}
        assert run_dispatch(world) == {"deliveries": 0}
        # The broker delivering the same task again (acks_late after a lost worker).
        (delivery,) = rows(world, WebhookDelivery, WebhookDelivery.endpoint_id == hook.id)
        with world.app.app_context():
            again = deliver.delay(world.p.id, world.admin.id, delivery.id,
                                  idempotency_key=idempotency_key(delivery)).get()
    assert again == {"skipped": True}
    assert len(receiver.requests) == 1 and len(other.requests) == 1
    assert receiver.requests[0]["signature_ok"] and other.requests[0]["signature_ok"]


def test_a_receiver_that_never_answers_well_gets_a_capped_number_of_attempts(world):
    with Receiver(fail_first=100, status=500) as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        send(world)
        run_dispatch(world)
    assert len(receiver.requests) == MAX_ATTEMPTS
    (delivery,) = rows(world, WebhookDelivery)
    assert (delivery.state, delivery.attempts) == ("failed", MAX_ATTEMPTS)


def test_an_unreachable_address_is_logged_with_its_error(world):
    add_webhook(world, world.gup, "http://127.0.0.1:9/nobody-listens", kinds=("referral.sent",))
    send(world)
    run_dispatch(world)
    (delivery,) = rows(world, WebhookDelivery)
    assert delivery.state == "failed"
    attempts = rows(world, DeliveryAttempt)
    assert len(attempts) == MAX_ATTEMPTS
    assert all(a.status_code is None and a.error for a in attempts)


def test_each_institution_hears_only_its_own_outbox(world):
    with Receiver() as gup_system, Receiver() as mops_system:
        gup_hook = add_webhook(world, world.gup, gup_system.url, kinds=("referral.answered",))
        mops_hook = add_webhook(world, world.mops, mops_system.url)
        gup_system.secret, mops_system.secret = gup_hook.secret, mops_hook.secret
        referral_id = send(world)
        app_ctx, scope = scoped(world)
        with app_ctx, scope:
            accept_referral(db.session.get(Referral, referral_id), institution_id=world.gup.id,
                            actor_id=world.gup_worker.id)
            db.session.commit()
        run_dispatch(world)
    # The sender's system hears of both events; the receiver's asked for answers only.
    assert sorted(e["event"] for e in mops_system.events()) == ["referral.answered",
                                                                 "referral.sent"]
    assert [e["event"] for e in gup_system.events()] == ["referral.answered"]
    assert {e["institution_id"] for e in mops_system.events()} == {world.mops.id}
    assert gup_system.events()[0]["data"]["status"] == "accepted"


def test_a_rolled_back_change_publishes_nothing(world):
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        referral = send_referral(participant=db.session.get(Participant, world.anna.id),
                                 from_institution_id=world.mops.id,
                                 to_institution_id=world.gup.id, reason="Doradztwo",
                                 actor_id=world.mops_worker.id)
        assert referral.id is not None
        db.session.rollback()
    assert rows(world, OutboxEvent) == []


def test_a_restricted_persons_events_are_held_until_the_restriction_is_lifted(world):
    with Receiver() as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        app_ctx, scope = scoped(world)
        with app_ctx, scope:
            referral = world.f.referral(world.anna, world.mops, world.gup)
            publish_referral("referral.sent", db.session.get(Referral, referral.id))
            db.session.get(Participant, world.anna.id).processing_restricted = True
            db.session.commit()
        assert run_dispatch(world) == {"deliveries": 0}
        assert receiver.requests == []
        events = rows(world, OutboxEvent)
        assert len(events) == 2 and all(e.dispatched_at is None for e in events)
        app_ctx, scope = scoped(world)
        with app_ctx, scope:
            db.session.get(Participant, world.anna.id).processing_restricted = False
            db.session.commit()
        assert run_dispatch(world) == {"deliveries": 1}
    assert len(receiver.requests) == 1


def test_an_answer_in_the_browser_is_delivered_at_the_end_of_the_request(world):
    """Without a broker (embedded mode) the request that published the event delivers it."""
    referral_id = send(world)
    with Receiver() as receiver:
        hook = add_webhook(world, world.mops, receiver.url, kinds=("referral.answered",))
        receiver.secret = hook.secret
        client = login(world.app.test_client(), world.gup_worker)
        response = client.post(f"/wymiana/referrals/{referral_id}/decline",
                               data={"decline_reason": "Brak miejsc"})
        assert response.status_code == 302
    assert [(e["event"], e["data"]["status"]) for e in receiver.events()] == [
        ("referral.answered", "declined")]
    assert receiver.requests[0]["signature_ok"]
    assert "Brak miejsc" not in receiver.requests[0]["body"].decode()


def test_the_delivery_log_is_shown_to_the_institutions_coordinator_and_the_admin(world):
    with Receiver(fail_first=1) as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        send(world)
        run_dispatch(world)
    url = f"/wymiana/exchange/webhooks/{hook.id}/"
    for user in (world.gup_coordinator, world.admin):
        page = login(world.app.test_client(), user).get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "HTTP 503" in html and "HTTP 200" in html
        assert receiver.requests[0]["headers"]["X-Mosty-Delivery"] in html
    # The other institution's coordinator and a caseworker do not find it.
    assert login(world.app.test_client(), world.mops_coordinator).get(url).status_code == 404
    assert login(world.app.test_client(), world.gup_worker).get(url).status_code == 404


def test_outbox_events_carry_the_referral_transitions(world):
    referral_id = send(world)
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        accept_referral(db.session.get(Referral, referral_id), institution_id=world.gup.id,
                        actor_id=world.gup_worker.id)
        db.session.commit()
        kinds = db.session.execute(
            select(OutboxEvent.kind, func.count()).group_by(OutboxEvent.kind)).all()
    # Each event goes to the outboxes of both institutions.
    assert dict(kinds) == {"referral.sent": 2, "referral.answered": 2}


def test_the_person_learns_which_partner_systems_were_told_and_anonymisation_stops_sending(
        world):
    from flask_babel import force_locale

    from mosty.exchange import privacy

    with Receiver() as receiver:
        hook = add_webhook(world, world.gup, receiver.url, kinds=("referral.sent",))
        receiver.secret = hook.secret
        first = send(world)
        run_dispatch(world)
    decline(world, first)  # answered, so another referral to the office is no duplicate
    send(world)  # a second referral, not dispatched yet
    app_ctx, scope = scoped(world)
    with app_ctx, scope:
        anna = db.session.get(Participant, world.anna.id)
        (section,) = privacy.personal_data(anna)
        # Two referrals and one answer, each in the outboxes of both institutions; one delivery.
        with force_locale("en"):
            records = [{str(label): value for label, value in r.items()}
                       for r in section.records]
        assert len(records) == 6
        sent_to = [line for r in records for line in r["Sent to"]]
        assert len(sent_to) == 1 and receiver.url in sent_to[0]
        privacy.anonymise_participant(anna)
        db.session.commit()
    assert run_dispatch(world) == {"deliveries": 0}
    assert len(receiver.requests) == 1


def test_retries_back_off_exponentially_below_the_visibility_timeout(app):
    from mosty.exchange.delivery import retry_countdown
    from mosty.tasks import RETRY_BACKOFF_MAX, VISIBILITY_TIMEOUT

    with app.app_context():
        waits = [retry_countdown(n, base=30) for n in range(1, 12)]
    assert 22 <= waits[0] <= 30 and 45 <= waits[1] <= 60
    assert max(waits) <= RETRY_BACKOFF_MAX < VISIBILITY_TIMEOUT


@pytest.mark.redis
def test_with_a_broker_the_commit_enqueues_the_dispatch_with_the_actor(make_app):
    """Production path: the session's after-commit hook hands the dispatch to the broker
    (nothing is delivered in the request), naming the member who caused the event."""
    import json as json_module
    import uuid

    import redis

    from mosty.testing.factories import RegistryFactory
    from mosty.testing.services import require_redis

    redis_url = require_redis()
    app = make_app(MOSTY_REDIS_URL=redis_url, MOSTY_TASKS_EAGER=False)
    queue = f"mosty-exchange-test-{uuid.uuid4().hex[:8]}"
    app.extensions["celery"].conf.task_default_queue = queue
    f = RegistryFactory(app)
    p = f.partnership(slug="z-brokerem")
    mops, gup = f.institution(p, name="MOPS"), f.institution(p, name="GUP")
    gup_worker = f.staff(gup)
    anna = f.participant(mops)
    referral = f.referral(anna, mops, gup)
    client = login(app.test_client(), gup_worker)
    response = client.post(f"/z-brokerem/referrals/{referral.id}/decline",
                           data={"decline_reason": "Brak miejsc"})
    assert response.status_code == 302
    broker = redis.Redis.from_url(redis_url)
    try:
        messages = [json_module.loads(m) for m in broker.lrange(queue, 0, -1)]
    finally:
        broker.delete(queue)
    assert [m["headers"]["task"] for m in messages] == ["mosty.exchange.dispatch"]
    assert messages[0]["headers"]["argsrepr"] == repr((p.id, gup_worker.id))


def test_without_private_addresses_allowed_a_loopback_webhook_is_refused_unsent(make_app):
    from mosty.exchange.delivery import NOT_PUBLIC
    from mosty.testing.factories import RegistryFactory

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    f = RegistryFactory(app)
    p = f.partnership(slug="publiczne")
    w = SimpleNamespace(app=app, f=f, p=p)
    w.mops, w.gup = f.institution(p, name="MOPS"), f.institution(p, name="GUP")
    w.mops_worker, w.admin = f.staff(w.mops), f.staff(w.mops, roles=("partnership_admin",))
    w.anna = f.participant(w.mops)
    f.consent(w.anna, [w.gup])
    with Receiver() as receiver:
        add_webhook(w, w.gup, receiver.url)
        send(w)
        run_dispatch(w)
    assert receiver.requests == []
    (delivery,) = rows(w, WebhookDelivery)
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert [a.error for a in rows(w, DeliveryAttempt)] == [NOT_PUBLIC]


def test_a_redirect_is_not_followed_but_counted_as_a_failed_attempt(world):
    with Receiver(fail_first=1, status=307) as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        send(world)
        run_dispatch(world)
    assert len(receiver.requests) == 2
    assert [(a.status_code, a.error) for a in rows(world, DeliveryAttempt)] == [
        (307, "HTTP 307"), (200, "")]


def test_the_beat_sweep_dispatches_every_partnership_with_pending_events(world):
    from mosty.exchange.delivery import sweep

    schedule = world.app.extensions["celery"].conf.beat_schedule
    assert schedule["exchange-sweep-outbox"]["task"] == "mosty.exchange.sweep"
    with Receiver() as receiver:
        hook = add_webhook(world, world.gup, receiver.url, kinds=("referral.sent",))
        receiver.secret = hook.secret
        send(world)  # committed outside a request: waits in the outbox for the sweep
        assert rows(world, WebhookDelivery) == []
        with world.app.app_context():
            assert sweep.delay().get() == {"partnerships": 1}
            assert sweep.delay().get() == {"partnerships": 0}
    assert len(receiver.requests) == 1 and receiver.requests[0]["signature_ok"]


# --- one webhook's broken address or broken answer never holds up the others ----------------


class _NotHttp:
    """A partner server that answers a request with a line that is not HTTP."""

    def __init__(self):
        import socketserver
        import threading

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.recv(65536)
                self.request.sendall(b"NOT HTTP AT ALL\r\n\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def deliveries_by_endpoint(world):
    return {d.endpoint_id: d for d in rows(world, WebhookDelivery)}


def attempt_errors(world, delivery_id):
    return [a.error for a in rows(world, DeliveryAttempt,
                                  DeliveryAttempt.delivery_id == delivery_id)]


def test_a_webhook_with_a_malformed_port_fails_alone_and_the_others_are_delivered(world):
    from mosty.exchange import urls

    # Saved before addresses were checked strictly (the form refuses it now): http.client
    # raised InvalidURL, which stopped the dispatch with every delivery still waiting.
    broken = add_webhook(world, world.gup, "https://example.com:abc/")
    with Receiver() as receiver:
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        send(world)
        assert run_dispatch(world) == {"deliveries": 2}
    assert len(receiver.requests) == 1 and receiver.requests[0]["signature_ok"]
    by_endpoint = deliveries_by_endpoint(world)
    assert (by_endpoint[hook.id].state, by_endpoint[hook.id].attempts) == ("delivered", 1)
    # A malformed address does not get better by waiting: one attempt, failed, with why.
    bad = by_endpoint[broken.id]
    assert (bad.state, bad.attempts) == ("failed", 1)
    assert attempt_errors(world, bad.id) == [urls.BAD_PORT]


def test_an_answer_that_is_not_http_is_a_failed_attempt_of_that_delivery_only(world):
    with _NotHttp() as garbage, Receiver() as receiver:
        broken = add_webhook(world, world.gup, garbage.url)
        hook = add_webhook(world, world.gup, receiver.url)
        receiver.secret = hook.secret
        send(world)
        run_dispatch(world)
    assert len(receiver.requests) == 1
    by_endpoint = deliveries_by_endpoint(world)
    assert by_endpoint[hook.id].state == "delivered"
    bad = by_endpoint[broken.id]
    assert (bad.state, bad.attempts) == ("failed", MAX_ATTEMPTS)
    assert all(error.startswith("BadStatusLine") for error in attempt_errors(world, bad.id))


def test_an_error_while_building_the_request_is_logged_on_its_delivery(world, monkeypatch):
    from mosty.exchange import signatures

    with Receiver() as receiver:
        broken = add_webhook(world, world.gup, receiver.url, kinds=("referral.sent",))
        hook = add_webhook(world, world.gup, receiver.url, kinds=("referral.sent",))
        receiver.secret = hook.secret
        sign = signatures.sign

        def failing_for_one(secret, timestamp, body):
            if secret == broken.secret:
                raise RuntimeError("the signing key store is away")
            return sign(secret, timestamp, body)

        monkeypatch.setattr(signatures, "sign", failing_for_one)
        send(world)
        run_dispatch(world)
    assert len(receiver.requests) == 1 and receiver.requests[0]["signature_ok"]
    by_endpoint = deliveries_by_endpoint(world)
    assert by_endpoint[hook.id].state == "delivered"
    assert by_endpoint[broken.id].state == "failed"
    assert set(attempt_errors(world, by_endpoint[broken.id].id)) == {
        "RuntimeError: the signing key store is away"}


# --- the address is parsed strictly when it is saved -----------------------------------------


def post_webhook(app, admin, institution, url, slug="wymiana"):
    client = login(app.test_client(), admin)
    return client.post(f"/{slug}/exchange/webhooks/new", data={
        "institution": institution.id, "name": "System", "url": url,
        "event_kinds": ["referral.sent"], "active": "y"})


def saved_urls(app, partnership):
    from mosty.exchange.models import WebhookEndpoint

    with app.app_context(), partnership_scope(partnership.id):
        return db.session.scalars(select(WebhookEndpoint.url).order_by(WebhookEndpoint.id)).all()


MALFORMED_ADDRESSES = [
    ("https://example.com:abc/", "Port w adresie musi być liczbą od 1 do 65535."),
    ("https://example.com:99999/", "Port w adresie musi być liczbą od 1 do 65535."),
    ("https://example.com:0/", "Port w adresie musi być liczbą od 1 do 65535."),
    ("https://example.com:/", "Port w adresie musi być liczbą od 1 do 65535."),
    ("https://exa mple.com/", "Adres nie może zawierać spacji ani znaków sterujących."),
    ("https://example.com/\u202ehook", "Adres nie może zawierać spacji ani znaków sterujących."),
    ("https://user:pw@example.com/", "Adres nie może zawierać nazwy użytkownika ani hasła"),
    ("https://exa_mple.com/", "Nazwa serwera w adresie nie jest poprawną nazwą domeny"),
    ("https://-partner.example/", "Nazwa serwera w adresie nie jest poprawną nazwą domeny"),
    ("https://127.1/", "Nazwa serwera w adresie nie jest poprawną nazwą domeny"),
    ("https://[zz]/", "Nazwa serwera w adresie nie jest poprawną nazwą domeny"),
]
WELL_FORMED_ADDRESSES = ["https://zażółć.example/hook", "https://[2001:db8::1]:8443/mosty?x=1",
                         "https://partner.example.:443/hook", "http://127.0.0.1:9/hook"]


def test_webhook_addresses_are_parsed_strictly_when_saved(world):
    for url, message in MALFORMED_ADDRESSES:
        response = post_webhook(world.app, world.admin, world.gup, url)
        assert response.status_code == 422, url
        assert message in response.get_data(as_text=True), url
    assert saved_urls(world.app, world.p) == []
    # International names, IPv6 and, where private addresses are allowed (development, tests:
    # local receivers), plain http are fine.
    for url in WELL_FORMED_ADDRESSES:
        assert post_webhook(world.app, world.admin, world.gup, url).status_code == 200, url
    assert saved_urls(world.app, world.p) == WELL_FORMED_ADDRESSES


def test_in_production_plain_http_is_refused_on_saving(make_app):
    from mosty.testing.factories import RegistryFactory

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    f = RegistryFactory(app)
    p = f.partnership(slug="tylko-https")
    gup = f.institution(p, name="GUP")
    admin = f.staff(gup, roles=("partnership_admin",))
    response = post_webhook(app, admin, gup, "http://93.184.216.34/hook", slug="tylko-https")
    assert response.status_code == 422
    assert "zaczynający się od https://" in response.get_data(as_text=True)
    assert post_webhook(app, admin, gup, "https://93.184.216.34/hook",
                        slug="tylko-https").status_code == 200
    assert saved_urls(app, p) == ["https://93.184.216.34/hook"]
