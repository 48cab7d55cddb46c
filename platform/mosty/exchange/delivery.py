"""Delivering outbox events to webhooks: dispatch (one delivery row per event and endpoint),
then one task per delivery that signs, posts, logs the attempt and retries with back-off.

Idempotency: a delivery row is unique per (event, endpoint), and its task carries the
idempotency key ``exchange-delivery-<uuid>``, whose receipt is committed together with the
"delivered" state. A task redelivered by the broker after a worker died finds the receipt and
does nothing. What cannot be excluded is a worker dying after the partner system answered but
before our commit; the retry then posts the same ``X-Mosty-Delivery`` id again, on which the
receiver dedupes (documented in docs/exchange.md).
"""

import http.client
import ipaddress
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta

from celery import current_task
from flask import current_app, g, has_request_context
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..db import utcnow
from ..extensions import db
from ..participants.models import Participant
from ..tasks import RETRY_BACKOFF_MAX, VISIBILITY_TIMEOUT, partnership_task, system_task
from ..tenancy import partnership_scope
from . import signatures, urls
from .models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint
from .moments import iso_moment

log = logging.getLogger(__name__)

# The actor of deliveries started by the beat sweep rather than by a person's change.
SYSTEM_ACTOR_ID = 0
# 8 attempts: back-off 30 s, 60 s, 120 s, ... capped at 10 minutes, well below the broker's
# visibility timeout, so a waiting retry is never redelivered as lost.
MAX_ATTEMPTS = 8
RETRY_BACKOFF_BASE = 30
REQUEST_TIMEOUT = 10
DISPATCH_BATCH = 500
USER_AGENT = "Mosty-Webhooks/1"


class DeliveryFailed(Exception):
    """The partner system did not take the event; the task is retried later."""


def is_restricted(participant):
    """Restriction of processing (GDPR art. 18): such people's events are held back."""
    return participant is not None and bool(participant.processing_restricted)


def _event_restricted(event):
    if event.participant_id is None:
        return False
    return is_restricted(db.session.get(Participant, event.participant_id))


def create_deliveries():
    """Turn pending events of the current partnership into delivery rows (not committed).

    Events about a restricted person stay pending (held) and are looked at again by the next
    dispatch, so lifting the restriction releases them. Returns (deliveries, whether a full
    batch was read and more events may wait).
    """
    created = []
    restricted = select(Participant.id).where(Participant.processing_restricted.is_(True))
    events = db.session.scalars(
        select(OutboxEvent).where(OutboxEvent.dispatched_at.is_(None),
                                  or_(OutboxEvent.participant_id.is_(None),
                                      OutboxEvent.participant_id.not_in(restricted)))
        .order_by(OutboxEvent.id).limit(DISPATCH_BATCH)
    ).all()
    endpoints_by_institution = {}
    for event in events:
        if event.institution_id not in endpoints_by_institution:
            endpoints_by_institution[event.institution_id] = db.session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.institution_id == event.institution_id,
                                              WebhookEndpoint.active.is_(True))
            ).all()
        for endpoint in endpoints_by_institution[event.institution_id]:
            if endpoint.wants(event.kind):
                delivery = WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id,
                                           delivery_uuid=str(uuid.uuid4()), state="pending")
                db.session.add(delivery)
                created.append(delivery)
        event.dispatched_at = utcnow()
    db.session.flush()
    return created, len(events) == DISPATCH_BATCH


def stale_deliveries():
    """Pending deliveries whose task must have been lost (older than any retry schedule)."""
    cutoff = utcnow() - timedelta(seconds=VISIBILITY_TIMEOUT * 2)
    return db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.state == "pending",
                                      WebhookDelivery.created_at < cutoff)
        .limit(DISPATCH_BATCH)
    ).all()


def idempotency_key(delivery):
    return f"exchange-delivery-{delivery.delivery_uuid}"


def resend_key(delivery):
    """The task key of a manual "send again": the first run's receipt must not swallow it, and
    two clicks before any new attempt is logged enqueue one delivery, not two."""
    last = db.session.scalar(select(DeliveryAttempt.id)
                             .where(DeliveryAttempt.delivery_id == delivery.id)
                             .order_by(DeliveryAttempt.id.desc()).limit(1))
    return f"{idempotency_key(delivery)}-after-{last or 0}"


def enqueue_resend(partnership_id, actor_id, delivery_id, key):
    """After the commit of a "send again": one delivery task (in process without a broker)."""
    celery = current_app.extensions.get("celery")
    if celery is not None and celery.conf.task_always_eager:
        # The task writes with a connection of its own (SQLite allows one writer).
        db.session.close()
    try:
        with partnership_scope(partnership_id):
            deliver.apply_async(args=(partnership_id, actor_id, delivery_id),
                                kwargs={"idempotency_key": key})
    except Exception:  # noqa: BLE001 - given up again, so "send again" can be clicked again
        db.session.rollback()
        log.exception("could not start the resend of delivery %s", delivery_id)
        with partnership_scope(partnership_id):
            delivery = db.session.get(WebhookDelivery, delivery_id)
            if delivery is not None and delivery.state == "pending" and not delivery.attempts:
                delivery.state = "failed"
                db.session.commit()
        return False
    return True


@partnership_task("mosty.exchange.dispatch")
def dispatch(partnership_id, actor_id):
    """Create the deliveries of pending events and enqueue one task per delivery.

    Unlike most tasks this one commits before it returns: the delivery rows must be visible
    to the workers that pick up the enqueued tasks. Creating them is idempotent by itself
    (unique per event and endpoint), so it needs no receipt.
    """
    try:
        created, more = create_deliveries()
        # Read before the commit: afterwards nothing of this session may hold the database
        # while the (possibly in-process) delivery tasks write.
        todo = [(d.id, idempotency_key(d)) for d in created + stale_deliveries()]
        db.session.commit()
    except IntegrityError:
        # Another dispatch created the same deliveries first and enqueues them itself.
        db.session.rollback()
        return {"deliveries": 0}
    db.session.close()
    for delivery_id, key in todo:
        try:
            deliver.apply_async(args=(partnership_id, actor_id, delivery_id),
                                kwargs={"idempotency_key": key})
        except Exception:  # noqa: BLE001 - one delivery's trouble never holds up the others
            # In process the task itself ran here; with a broker the enqueue failed. Either
            # way the delivery stays pending for the beat sweep.
            db.session.rollback()
            log.exception("delivery %s of partnership %s could not be run", delivery_id,
                          partnership_id)
    if more:
        # A full batch: the rest follows in a task of its own, not in this one's transaction.
        dispatch.apply_async(args=(partnership_id, actor_id))
    return {"deliveries": len(todo)}


def _body(delivery, event):
    return json.dumps({
        "id": delivery.delivery_uuid,
        "event": event.kind,
        "event_id": event.id,
        "created_at": iso_moment(event.created_at),
        "institution_id": event.institution_id,
        "data": event.payload,
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: never followed (it could lead the
    request to an address the checks below would have refused)."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
NOT_PUBLIC = "the address is not public (loopback, private or reserved network)"


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _public(address):
    """Global unicast, also for an IPv4 address carried inside an IPv6 one (mapped, 6to4,
    NAT64), which would otherwise pass as "global" and reach a private IPv4 network."""
    if address.version == 6:
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in _NAT64:
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return _public(inner)
    return address.is_global and not address.is_multicast


def checked_address(url):
    """(why the URL may not be called or None, the checked IP to connect to or None).

    Unless MOSTY_WEBHOOK_ALLOW_PRIVATE is on (the default outside production), webhooks reach
    public addresses only, so a webhook cannot be used to probe the servers next to Mosty. The
    address checked is the one connected to: a name that resolves to a public address now and
    to a private one a moment later (DNS rebinding) cannot slip through."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) address", None
    if current_app.config.get("MOSTY_WEBHOOK_ALLOW_PRIVATE", True):
        return None, None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError) as error:
        return str(error)[:500] or "the name does not resolve", None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not addresses:
        return "the name does not resolve", None
    if not all(_public(address) for address in addresses):
        return NOT_PUBLIC, None
    return None, str(addresses[0])


def address_refused(url):
    """Why the URL may not be called, or None (see ``checked_address``)."""
    return checked_address(url)[0]


def _pinned(connection_class, address):
    """An http.client connection class that connects to ``address`` whatever the host name
    resolves to at that moment (the Host header and TLS name stay the URL's)."""

    class Pinned(connection_class):
        def connect(self):
            create = self._create_connection

            def to_checked(host_port, *args, **kwargs):
                return create((address, host_port[1]), *args, **kwargs)

            self._create_connection = to_checked
            try:
                super().connect()
            finally:
                self._create_connection = create

    return Pinned


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, address):
        super().__init__()
        self.address = address

    def http_open(self, req):
        return self.do_open(_pinned(http.client.HTTPConnection, self.address), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, address):
        super().__init__()
        self.address = address

    def https_open(self, req):
        return self.do_open(_pinned(http.client.HTTPSConnection, self.address), req,
                            context=self._context)


def _opener(address):
    if address is None:
        return _OPENER
    # No proxy: the connection goes to the address that was checked.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects,
                                       _PinnedHTTPHandler(address), _PinnedHTTPSHandler(address))


def post(url, body, headers, timeout=REQUEST_TIMEOUT):
    """POST the body; (status code or None, error text)."""
    problem = urls.malformed(url)
    if problem:
        return None, problem
    refused, address = checked_address(url)
    if refused:
        return None, refused
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener(address).open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except urllib.error.URLError as error:
        return None, str(error.reason)[:500]
    except (OSError, ValueError, http.client.HTTPException) as error:
        # HTTPException: an answer that is no HTTP (BadStatusLine, IncompleteRead, ...).
        return None, _reason(error)


def _reason(error):
    return (f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)[:500]


def retry_countdown(attempts, base=None):
    """Seconds before the next attempt: doubling from the base, capped at RETRY_BACKOFF_MAX
    (below the broker's visibility timeout), with jitter so failed deliveries spread out."""
    if base is None:
        base = current_app.config.get("MOSTY_WEBHOOK_RETRY_SECONDS", RETRY_BACKOFF_BASE)
    countdown = min(base * 2 ** max(attempts - 1, 0), RETRY_BACKOFF_MAX)
    return countdown * (0.75 + random.random() / 4)  # noqa: S311 - jitter, not a secret


@partnership_task("mosty.exchange.deliver", max_retries=MAX_ATTEMPTS + 2)
def deliver(partnership_id, actor_id, delivery_id):
    delivery = db.session.get(WebhookDelivery, delivery_id, options=[
        joinedload(WebhookDelivery.event), joinedload(WebhookDelivery.endpoint)])
    if delivery is None or delivery.state != "pending":
        return {"state": delivery.state if delivery else "missing"}
    in_process = bool(current_task and current_task.request.is_eager)
    while True:
        state = attempt(delivery)
        if state != "pending":
            return {"state": state, "attempts": delivery.attempts}
        # The attempt stays in the log although the task fails and is retried.
        db.session.commit()
        if not in_process:
            raise current_task.retry(
                countdown=retry_countdown(delivery.attempts),
                exc=DeliveryFailed(f"attempt {delivery.attempts} failed"))
        # In process (no broker to wait on) the next attempt follows at once, as Celery's
        # own eager retries would.


def attempt(delivery):
    """One try: sign, post, log. Returns the delivery's state afterwards; "pending" means
    another attempt is due. The number of attempts is counted on the delivery itself, so it
    holds across redeliveries by the broker."""
    event, endpoint = delivery.event, delivery.endpoint
    number = delivery.attempts + 1
    if not endpoint.active or _event_restricted(event):
        reason = ("the endpoint is switched off" if not endpoint.active
                  else "held: processing of the person's data is restricted")
        delivery.state = "failed"
        db.session.add(DeliveryAttempt(delivery_id=delivery.id, number=number, error=reason))
        return delivery.state
    started = time.monotonic()
    try:
        status, error = _sign_and_post(delivery, event, endpoint)
    except Exception as unexpected:  # noqa: BLE001 - logged on this delivery, others go on
        log.exception("delivery %s: the request could not be built or sent", delivery.id)
        status, error = None, _reason(unexpected)
    duration_ms = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    delivery.attempts = number
    delivery.last_status_code = status
    db.session.add(DeliveryAttempt(delivery_id=delivery.id, number=number, status_code=status,
                                   error="" if ok else error, duration_ms=duration_ms))
    if ok:
        delivery.state = "delivered"
        delivery.delivered_at = utcnow()
    elif number >= MAX_ATTEMPTS or error == NOT_PUBLIC or error in urls.MALFORMED:
        # A refused or malformed address stays so until it is edited: retrying would only
        # fill the log (after editing, "send again" starts a new round).
        delivery.state = "failed"
    return delivery.state


def _sign_and_post(delivery, event, endpoint):
    body = _body(delivery, event)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signatures.DELIVERY_HEADER: delivery.delivery_uuid,
        signatures.EVENT_HEADER: event.kind,
        signatures.TIMESTAMP_HEADER: str(timestamp),
        signatures.SIGNATURE_HEADER: signatures.sign(endpoint.secret, timestamp, body),
    }
    timeout = current_app.config.get("MOSTY_WEBHOOK_TIMEOUT", REQUEST_TIMEOUT)
    return post(endpoint.url, body, headers, timeout=timeout)


@system_task("mosty.exchange.sweep",
             reason="beat fan-out: partnerships with undelivered outbox events")
def sweep():
    """Every minute: dispatch for each partnership that has undelivered events."""
    pending = select(OutboxEvent.partnership_id).where(OutboxEvent.dispatched_at.is_(None))
    stale = select(WebhookDelivery.partnership_id).where(
        WebhookDelivery.state == "pending",
        WebhookDelivery.created_at < utcnow() - timedelta(seconds=VISIBILITY_TIMEOUT * 2))
    partnership_ids = sorted(set(db.session.scalars(pending.distinct()))
                             | set(db.session.scalars(stale.distinct())))
    # Only read here: end the transaction before the dispatches (in process, they write).
    db.session.close()
    for partnership_id in partnership_ids:
        dispatch.apply_async(args=(partnership_id, SYSTEM_ACTOR_ID))
    return {"partnerships": len(partnership_ids)}


def _actor_id():
    """Who caused the events, read without SQL (this runs right after a commit)."""
    if has_request_context():
        token_user = g.get("api_token_user_id")
        if token_user:
            return token_user
        user = g.get("_login_user")  # Flask-Login's cache of the signed-in user
        state = sa_inspect(user, raiseerr=False) if user is not None else None
        if state is not None and state.identity:
            return state.identity[0]
    return SYSTEM_ACTOR_ID


def on_events_committed(partnership_ids):
    """After a commit that published events: dispatch now (broker) or at the request's end."""
    celery = current_app.extensions.get("celery")
    if celery is None:
        return
    actor_id = _actor_id()
    if celery.conf.task_always_eager:
        # A task run here would use the session that is just finishing its commit.
        if has_request_context():
            g.setdefault("exchange_dispatch", set()).update(partnership_ids)
        return
    for partnership_id in partnership_ids:
        try:
            dispatch.apply_async(args=(partnership_id, actor_id))
        except Exception:  # noqa: BLE001 - the commit stands; the beat sweep dispatches later
            log.exception("could not enqueue the outbox dispatch of partnership %s",
                          partnership_id)


def dispatch_at_request_end(response):
    """Embedded mode (tasks in process): deliver the request's events after its response."""
    partnership_ids = g.pop("exchange_dispatch", None)
    if not partnership_ids:
        return response
    actor_id = _actor_id()
    # The view has committed its work; release its connection before the task takes one
    # (SQLite allows one writer, and the task runs in an app context of its own).
    db.session.close()
    for partnership_id in sorted(partnership_ids):
        try:
            with partnership_scope(partnership_id):
                dispatch.delay(partnership_id, actor_id)
        except Exception:  # noqa: BLE001 - delivery problems never spoil the user's answer
            db.session.rollback()
            log.exception("webhook dispatch failed for partnership %s", partnership_id)
    return response
