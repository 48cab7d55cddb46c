"""Outbox events about a person, for the access export and anonymisation (see
mosty.privacy.sources).

Events carry ids and statuses only, so what the person may learn here is *who received what
and when*: which partner systems were told of their referrals (GDPR art. 15(1)(c)).
"""

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .forms import EVENT_KIND_LABELS
from .models import OutboxEvent, WebhookDelivery

TABLES = ("exchange_event",)
MODULE = "exchange"
STATE_LABELS = {"pending": _l("waiting"), "delivered": _l("delivered"), "failed": _l("failed")}


def personal_data(participant):
    events = db.session.scalars(
        select(OutboxEvent).where(OutboxEvent.participant_id == participant.id)
        .options(joinedload(OutboxEvent.institution)).order_by(OutboxEvent.id)).all()
    if not events:
        return []
    deliveries = {}
    for delivery in db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id.in_([e.id for e in events]))
            .options(joinedload(WebhookDelivery.endpoint)).order_by(WebhookDelivery.id)):
        deliveries.setdefault(delivery.event_id, []).append(delivery)
    return [PersonalDataSection(module=MODULE, title=_l("Notices to partner systems"),
                                records=tuple({
        _l("Event"): EVENT_KIND_LABELS.get(e.kind, e.kind),
        _l("Institution"): e.institution.name,
        _l("Recorded"): e.created_at,
        _l("Sent to"): [f"{d.endpoint.name} ({d.endpoint.url}): "
                        f"{STATE_LABELS.get(d.state, d.state)}"
                        for d in deliveries.get(e.id, [])],
    } for e in events))]


def anonymise_participant(participant):
    """The events hold no names or free text; what changes is that nothing more about the
    person leaves: undispatched events are closed and waiting deliveries given up."""
    about = select(OutboxEvent.id).where(OutboxEvent.participant_id == participant.id)
    db.session.execute(update(OutboxEvent).where(OutboxEvent.participant_id == participant.id,
                                                 OutboxEvent.dispatched_at.is_(None))
                       .values(dispatched_at=utcnow()))
    db.session.execute(update(WebhookDelivery).where(WebhookDelivery.event_id.in_(about),
                                                     WebhookDelivery.state == "pending")
                       .values(state="failed"))
