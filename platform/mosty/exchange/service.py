"""Managing webhooks and reading their delivery log, for the exchange pages."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..partnerships.models import Institution
from . import signatures
from .models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint


def institutions(institution_ids=None):
    query = select(Institution).order_by(Institution.name)
    if institution_ids is not None:
        query = query.where(Institution.id.in_(institution_ids))
    return db.session.scalars(query).all()


def webhooks(institution_ids=None):
    query = (select(WebhookEndpoint).options(joinedload(WebhookEndpoint.institution))
             .order_by(WebhookEndpoint.institution_id, WebhookEndpoint.name))
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


def deliveries_query(endpoint_id):
    """The endpoint's deliveries, newest first (the attempts are loaded per page)."""
    return (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
            .options(joinedload(WebhookDelivery.event))
            .order_by(WebhookDelivery.id.desc()))


def attempts_of(delivery_ids):
    rows = db.session.scalars(select(DeliveryAttempt)
                              .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
                              .order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.number))
    grouped = {}
    for row in rows:
        grouped.setdefault(row.delivery_id, []).append(row)
    return grouped


def pending_events(institution_ids=None):
    query = select(OutboxEvent.id).where(OutboxEvent.dispatched_at.is_(None))
    if institution_ids is not None:
        query = query.where(OutboxEvent.institution_id.in_(institution_ids))
    return len(db.session.scalars(query).all())
