"""Managing webhooks and reading their delivery log, for the exchange pages."""

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .. import audit
from ..collation import by_name
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..ids import MAX_ID
from ..partnerships.models import Institution
from . import signatures
from .models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint


def institutions(institution_ids=None):
    query = select(Institution).order_by(by_name(Institution.name))
    if institution_ids is not None:
        query = query.where(Institution.id.in_(institution_ids))
    return db.session.scalars(query).all()


def webhooks(institution_ids=None):
    query = (select(WebhookEndpoint).options(joinedload(WebhookEndpoint.institution))
             .order_by(WebhookEndpoint.institution_id, by_name(WebhookEndpoint.name)))
    if institution_ids is not None:
        query = query.where(WebhookEndpoint.institution_id.in_(institution_ids))
    return db.session.scalars(query).all()


def create_webhook(*, institution_id, name, url, event_kinds, active, actor_id):
    endpoint = WebhookEndpoint(institution_id=institution_id, name=name.strip(), url=url.strip(),
                               secret=signatures.new_secret(), event_kinds=list(event_kinds),
                               active=active, created_by_id=actor_id)
    db.session.add(endpoint)
    db.session.flush()
    audit.record("create", endpoint, actor_id=actor_id,
                 detail={"institution_id": institution_id, "event_kinds": list(event_kinds)})
    return endpoint


def set_webhook_active(endpoint, active, *, actor_id):
    endpoint.active = active
    audit.record("update", endpoint, actor_id=actor_id, detail={"fields": ["active"],
                                                                "active": active})
    return endpoint


def update_webhook(endpoint, *, name, url, event_kinds, actor_id):
    """Change what a partner system receives and where; deliveries already created keep going
    to the endpoint (its new address from the next attempt on)."""
    changed = []
    for field, value in (("name", name.strip()), ("url", url.strip()),
                         ("event_kinds", list(event_kinds))):
        if getattr(endpoint, field) != value:
            setattr(endpoint, field, value)
            changed.append(field)
    if changed:
        audit.record("update", endpoint, actor_id=actor_id,
                     detail={"fields": changed, "event_kinds": list(endpoint.event_kinds)})
    return changed


def rotate_secret(endpoint, *, actor_id):
    """A new signing secret, used from the next attempt on; the old one signs nothing more."""
    endpoint.secret = signatures.new_secret()
    audit.record("update", endpoint, actor_id=actor_id, detail={"fields": ["secret"]})
    return endpoint.secret


class ResendRefused(Exception):
    """Why a delivery cannot be sent again (a Polish message for the page)."""


def resend_delivery(delivery, *, actor_id):
    """Put a delivery that has given up back in the queue: the same delivery id (the receiver's
    dedupe key) and a new round of attempts. Only a failed delivery: a delivered or waiting one
    is left alone, so sending again twice sends once."""
    if delivery.state != "failed":
        return False
    if not delivery.endpoint.active:
        raise ResendRefused(_l("The webhook is switched off: switch it on before sending again."))
    previous = delivery.attempts
    # A new round of attempts; the log keeps the earlier ones (numbered from 1 again). The
    # update claims the delivery only if it is still "failed" in the database, so of two
    # clicks at the same moment (two requests, two workers) one sends and one does nothing.
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery.id, WebhookDelivery.state == "failed")
        .values(state="pending", attempts=0)
        .execution_options(synchronize_session=False))
    db.session.refresh(delivery)  # the row as it is now, claimed by us or by the other click
    if claimed.rowcount != 1:
        return False
    audit.record("update", delivery, actor_id=actor_id,
                 detail={"action": "resend", "endpoint_id": delivery.endpoint_id,
                         "event_id": delivery.event_id, "attempts": previous})
    return True


def delivery_of(endpoint, delivery_id):
    """The endpoint's delivery with this id, or None."""
    if delivery_id > MAX_ID:
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        return None
    return delivery


def deliveries_query(endpoint_id):
    """The endpoint's deliveries, newest first (the attempts are loaded per page)."""
    return (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            .options(joinedload(WebhookDelivery.event))
            .order_by(WebhookDelivery.id.desc()))


def attempts_of(delivery_ids):
    rows = db.session.scalars(select(DeliveryAttempt)
                              .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
                              .order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.id))
    grouped = {}
    for row in rows:
        grouped.setdefault(row.delivery_id, []).append(row)
    return grouped


def pending_events(institution_ids=None):
    query = select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None))
    if institution_ids is not None:
        query = query.where(OutboxEvent.institution_id.in_(institution_ids))
    return len(db.session.scalars(query).all())
