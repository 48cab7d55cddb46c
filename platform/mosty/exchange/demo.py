"""Demo webhooks: in each demo partnership one switched-off webhook of the labour office for an
example partner system, so the exchange pages show what a configured endpoint looks like.

Its address is under ``example.pl`` (reserved for examples, never a real system) and it is
switched off, so the demo never sends anything anywhere.
"""

from sqlalchemy import select

from ..extensions import db
from ..partnerships.models import Institution
from ..tenancy import partnership_scope
from . import signatures
from .models import EVENT_KINDS, WebhookEndpoint

DEMO_NAME = "System dziedzinowy partnera (przykład)"
DEMO_URL = "https://system-partnera.example.pl/mosty/zdarzenia"


def load_exchange_demo(partnerships):
    """Once per partnership: nothing is added when the example webhook is already there."""
    for partnership in partnerships.values():
        with partnership_scope(partnership.id):
            if db.session.scalar(select(WebhookEndpoint.id)
                                 .where(WebhookEndpoint.url == DEMO_URL).limit(1)) is not None:
                continue
            institutions = db.session.scalars(select(Institution).order_by(Institution.id)).all()
            if not institutions:
                continue
            # The labour office where there is one: the usual receiver of referrals.
            owner = next((i for i in institutions if i.kind == "labour_office"), institutions[0])
            db.session.add(WebhookEndpoint(
                institution_id=owner.id, name=DEMO_NAME, url=DEMO_URL,
                secret=signatures.new_secret(), event_kinds=list(EVENT_KINDS), active=False))
            db.session.flush()
