"""Managing webhooks after creation: "send again" for a delivery that has given up (same
delivery id, never a second send of a delivered event), editing the address and the events
(the creation form's rules), rotating the signing secret (the old one stops signing at once);
each change audited, each page closed to those who may not use it."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from exchange_receiver import Receiver
from mosty.audit.models import AuditEntry
from mosty.exchange import service as exchange_service
from mosty.exchange.delivery import MAX_ATTEMPTS, dispatch
from mosty.exchange.demo import DEMO_URL, load_exchange_demo
from mosty.exchange.models import WebhookDelivery, WebhookEndpoint
from mosty.exchange.signatures import verify
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.partnerships.models import Partnership
from mosty.referrals.transitions import send_referral
from mosty.tenancy import partnership_scope, system_scope
from mosty.testing.factories import login


@pytest.fixture
def world(app, factory):
    p = factory.partnership(slug="wymiana-zmiany")
    w = SimpleNamespace(app=app, p=p)
    w.mops = factory.institution(p, name="MOPS Zmiany", kind="ops")
    w.gup = factory.institution(p, name="GUP Zmiany", kind="labour_office")
    w.mops_worker = factory.staff(w.mops)
    w.gup_worker = factory.staff(w.gup)
    w.gup_coordinator = factory.staff(w.gup, roles=("coordinator",))
    w.mops_coordinator = factory.staff(w.mops, roles=("coordinator",))
    w.admin = factory.staff(w.mops, roles=("partnership_admin",))
    w.anna = factory.participant(w.mops)
    factory.consent(w.anna, [w.gup])
    return w


def in_scope(world):
    ctx = world.app.app_context()
    ctx.push()
    scope = partnership_scope(world.p.id)
    scope.__enter__()
    return lambda: (scope.__exit__(None, None, None), ctx.pop())


def add_webhook(world, url):
    close = in_scope(world)
    try:
        endpoint = exchange_service.create_webhook(
            institution_id=world.gup.id, name="System urzędu", url=url,
            event_kinds=["referral.sent"], active=True, actor_id=world.admin.id)
        db.session.commit()
        return endpoint.id
    finally:
        close()


def send_and_dispatch(world):
    close = in_scope(world)
    try:
        send_referral(participant=db.session.get(Participant, world.anna.id),
                      from_institution_id=world.mops.id, to_institution_id=world.gup.id,
                      reason="Doradztwo", actor_id=world.mops_worker.id,
                      shared_fields=["contact"])
        db.session.commit()
    finally:
        close()
    with world.app.app_context():
        dispatch.delay(world.p.id, world.admin.id).get()


def read(world, fn):
    close = in_scope(world)
    try:
        return fn()
    finally:
        close()


def audits(world, object_type):
    return read(world, lambda: [(a.action, a.actor_id, a.detail) for a in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id))])


def the_delivery(world):
    return read(world, lambda: db.session.scalars(select(WebhookDelivery)).one())


def test_a_delivery_that_gave_up_is_sent_again_once_with_the_same_delivery_id(world):
    with Receiver(fail_first=MAX_ATTEMPTS) as receiver:
        hook_id = add_webhook(world, receiver.url)
        receiver.secret = read(world, lambda: db.session.get(WebhookEndpoint, hook_id).secret)
        send_and_dispatch(world)
        failed = the_delivery(world)
        assert (failed.state, failed.attempts) == ("failed", MAX_ATTEMPTS)
        page_url = f"/wymiana-zmiany/exchange/webhooks/{hook_id}/"
        assert "/resend" in login(world.app.test_client(), world.gup_coordinator) \
            .get(page_url).get_data(as_text=True)
        url = f"{page_url}deliveries/{failed.id}/resend"

        # Others do not find it: another institution's coordinator, a caseworker.
        assert login(world.app.test_client(), world.mops_coordinator).post(url).status_code == 404
        assert login(world.app.test_client(), world.gup_worker).post(url).status_code == 404
        assert len(receiver.requests) == MAX_ATTEMPTS

        coordinator = login(world.app.test_client(), world.gup_coordinator)
        assert coordinator.post(url).status_code == 302
        assert len(receiver.requests) == MAX_ATTEMPTS + 1
        delivered = the_delivery(world)
        assert (delivered.state, delivered.attempts) == ("delivered", 1)
        ids = {r["headers"]["X-Mosty-Delivery"] for r in receiver.requests}
        assert ids == {failed.delivery_uuid}
        assert receiver.requests[-1]["signature_ok"]

        # Sending again what has been delivered sends nothing (by the admin as well).
        assert login(world.app.test_client(), world.admin).post(url).status_code == 302
        assert coordinator.post(url).status_code == 302
        assert len(receiver.requests) == MAX_ATTEMPTS + 1
    (entry,) = audits(world, "WebhookDelivery")
    assert entry[:2] == ("update", world.gup_coordinator.id)
    assert entry[2]["action"] == "resend" and entry[2]["attempts"] == MAX_ATTEMPTS
    # The log keeps every attempt: the given-up round and the new one.
    page = coordinator.get(f"/wymiana-zmiany/exchange/webhooks/{hook_id}/")
    html = page.get_data(as_text=True)
    # Each failed attempt: "HTTP 503" as its answer and as its error.
    assert html.count("HTTP 503") == 2 * MAX_ATTEMPTS and html.count("HTTP 200") == 1


def test_a_switched_off_webhook_is_not_sent_again_and_a_foreign_delivery_is_not_found(world):
    with Receiver(fail_first=100, status=500) as receiver:
        hook_id = add_webhook(world, receiver.url)
        other_id = add_webhook(world, receiver.url + "inne")
        send_and_dispatch(world)
    failed = [d for d in read(world, lambda: db.session.scalars(select(WebhookDelivery)).all())
              if d.endpoint_id == hook_id][0]
    admin = login(world.app.test_client(), world.admin)
    # A delivery under another endpoint's URL is nobody's.
    wrong = f"/wymiana-zmiany/exchange/webhooks/{other_id}/deliveries/{failed.id}/resend"
    assert admin.post(wrong).status_code == 404
    assert admin.post(f"/wymiana-zmiany/exchange/webhooks/{hook_id}/deliveries/"
                      f"{2**40}/resend").status_code == 404
    admin.post(f"/wymiana-zmiany/exchange/webhooks/{hook_id}/active", data={"active": "0"})
    answer = admin.post(f"/wymiana-zmiany/exchange/webhooks/{hook_id}/deliveries/"
                        f"{failed.id}/resend", follow_redirects=True)
    assert answer.status_code == 200
    assert the_delivery_state(world, failed.id) == "failed"
    assert audits(world, "WebhookDelivery") == []


def the_delivery_state(world, delivery_id):
    return read(world, lambda: db.session.get(WebhookDelivery, delivery_id).state)


def test_the_admin_edits_address_and_events_with_the_creation_rules_audited(world):
    hook_id = add_webhook(world, "https://urzad.example.org/mosty")
    url = f"/wymiana-zmiany/exchange/webhooks/{hook_id}/edit"
    admin = login(world.app.test_client(), world.admin)
    form = admin.get(url)
    assert form.status_code == 200 and "https://urzad.example.org/mosty" in \
        form.get_data(as_text=True)
    # Bad input: a clear message, nothing changed, never a 500.
    for data in ({"name": "X", "url": "ftp://urzad.example.org", "event_kinds": "referral.sent"},
                 {"name": "X", "url": "https://urzad.example.org", "event_kinds": []},
                 {"name": "", "url": "https://urzad.example.org",
                  "event_kinds": "referral.sent"},
                 {"name": "X", "url": "https://" + "a" * 600, "event_kinds": "referral.sent"},
                 {"name": "X", "url": "https://urzad.example.org", "event_kinds": "nope"}):
        answer = admin.post(url, data=data)
        assert answer.status_code == 422, data
        assert 'class="error' in answer.get_data(as_text=True) or "error" in \
            answer.get_data(as_text=True)
    endpoint = read(world, lambda: db.session.get(WebhookEndpoint, hook_id))
    assert (endpoint.url, endpoint.event_kinds) == ("https://urzad.example.org/mosty",
                                                    ["referral.sent"])
    answer = admin.post(url, data={"name": "System urzędu", "url": " https://nowy.example.org/h ",
                                   "event_kinds": ["referral.answered", "status.changed"]})
    assert answer.status_code == 302
    endpoint = read(world, lambda: db.session.get(WebhookEndpoint, hook_id))
    assert (endpoint.url, endpoint.event_kinds, endpoint.institution_id) == (
        "https://nowy.example.org/h", ["referral.answered", "status.changed"], world.gup.id)
    entries = audits(world, "WebhookEndpoint")
    assert entries[-1][:2] == ("update", world.admin.id)
    assert entries[-1][2]["fields"] == ["url", "event_kinds"]
    assert "nowy.example.org" not in str(entries)  # ids and field names, not values
    # The coordinator sees the webhook but may not change it; others do not find it.
    assert login(world.app.test_client(), world.gup_coordinator).post(
        url, data={"name": "Y", "url": "https://x.example.org",
                   "event_kinds": "referral.sent"}).status_code == 403
    assert login(world.app.test_client(), world.mops_coordinator).get(url).status_code == 404
    assert login(world.app.test_client(), world.gup_worker).get(url).status_code == 404


def test_a_rotated_secret_is_shown_once_and_the_old_one_stops_signing_at_once(world):
    with Receiver() as receiver:
        hook_id = add_webhook(world, receiver.url)
        old = read(world, lambda: db.session.get(WebhookEndpoint, hook_id).secret)
        url = f"/wymiana-zmiany/exchange/webhooks/{hook_id}/secret"
        assert login(world.app.test_client(), world.gup_coordinator).post(url).status_code == 403
        assert login(world.app.test_client(), world.gup_worker).post(url).status_code == 404
        admin = login(world.app.test_client(), world.admin)
        answer = admin.post(url)
        assert answer.status_code == 200
        shown = re.search(r'id="webhook-secret"[^>]*>([^<]+)<', answer.get_data(as_text=True))
        new = shown.group(1)
        assert new != old and new == read(
            world, lambda: db.session.get(WebhookEndpoint, hook_id).secret)
        # Not on the webhook's page afterwards.
        assert new not in admin.get(f"/wymiana-zmiany/exchange/webhooks/{hook_id}/") \
            .get_data(as_text=True)
        send_and_dispatch(world)
    request = receiver.requests[-1]
    headers, body = request["headers"], request["body"]
    args = (headers["X-Mosty-Timestamp"], body, headers["X-Mosty-Signature"])
    assert verify(new, *args) and not verify(old, *args)
    (entry,) = [a for a in audits(world, "WebhookEndpoint") if a[0] == "update"]
    assert entry[:2] == ("update", world.admin.id) and entry[2] == {"fields": ["secret"]}
    assert old not in str(entry) and new not in str(entry)


def test_the_demo_webhook_is_an_inactive_example_loaded_once_per_partnership(world, factory):
    other = factory.partnership(slug="wymiana-inna")
    factory.institution(other, name="OPS Inny", kind="ops")

    def load():
        with world.app.app_context():
            with system_scope("test: the demo partnerships"):
                rows = {p.slug: p for p in db.session.scalars(select(Partnership))}
            load_exchange_demo(rows)
            db.session.commit()

    load()
    load()
    hooks = read(world, lambda: db.session.scalars(select(WebhookEndpoint)).all())
    assert [(h.institution_id, h.url, h.active) for h in hooks] == [
        (world.gup.id, DEMO_URL, False)]
    assert ".example.pl/" in DEMO_URL
    with world.app.app_context(), partnership_scope(other.id):
        assert db.session.scalars(select(WebhookEndpoint.active)).all() == [False]
    page = login(world.app.test_client(), world.admin).get("/wymiana-zmiany/exchange/")
    assert "System dziedzinowy partnera" in page.get_data(as_text=True)


def test_in_production_a_private_address_is_refused_on_adding_and_on_editing(make_app):
    from mosty.testing.factories import RegistryFactory

    app = make_app(MOSTY_WEBHOOK_ALLOW_PRIVATE=False)
    f = RegistryFactory(app)
    p = f.partnership(slug="publiczne-zmiany")
    gup = f.institution(p, name="GUP")
    admin = login(app.test_client(), f.staff(gup, roles=("partnership_admin",)))
    base = "/publiczne-zmiany/exchange/webhooks"
    kinds = {"name": "System", "event_kinds": "referral.sent"}
    answer = admin.post(f"{base}/new", data={**kinds, "institution": gup.id,
                                             "url": "http://127.0.0.1:9/hook"})
    assert answer.status_code == 422
    assert "tylko na adresy publiczne" in answer.get_data(as_text=True)
    assert admin.post(f"{base}/new", data={**kinds, "institution": gup.id, "active": "y",
                                           "url": "https://93.184.216.34/hook"}).status_code == 200
    with app.app_context(), partnership_scope(p.id):
        (hook_id,) = db.session.scalars(select(WebhookEndpoint.id)).all()
    for private in ("http://10.0.0.5/hook", "http://[::ffff:192.168.1.1]/hook"):
        assert admin.post(f"{base}/{hook_id}/edit",
                          data={**kinds, "url": private}).status_code == 422
    with app.app_context(), partnership_scope(p.id):
        assert db.session.get(WebhookEndpoint, hook_id).url == "https://93.184.216.34/hook"


def test_two_send_again_clicks_at_once_send_once(world):
    """The second of two simultaneous clicks loaded the delivery while it was still "failed";
    by the time it writes, the first has claimed it: it must not queue a second round."""
    from sqlalchemy import text

    with Receiver(fail_first=MAX_ATTEMPTS) as receiver:
        hook_id = add_webhook(world, receiver.url)
        receiver.secret = read(world, lambda: db.session.get(WebhookEndpoint, hook_id).secret)
        send_and_dispatch(world)
    delivery_id = the_delivery(world).id
    close = in_scope(world)
    try:
        late = db.session.get(WebhookDelivery, delivery_id)
        assert late.state == "failed"
        # The first click's write reaches the row; the loaded object does not know (as in
        # another request: SQL beside the ORM, so the identity map keeps "failed").
        db.session.execute(text("UPDATE exchange_delivery SET state = 'pending', attempts = 0 "
                                "WHERE id = :id"), {"id": delivery_id})
        assert late.state == "failed"  # what the second click still sees
        assert exchange_service.resend_delivery(late, actor_id=world.admin.id) is False
        assert late.state == "pending"
        db.session.commit()
    finally:
        close()
    assert audits(world, "WebhookDelivery") == []
