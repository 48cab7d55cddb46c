"""Service deliveries to a person, for the access export and anonymisation (see
mosty.privacy.sources)."""

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .models import Service, ServiceDelivery
from .service import SERVICE_KIND_LABELS

TABLES = ("service_delivery",)
MODULE = "services"


def personal_data(participant):
    deliveries = db.session.scalars(
        select(ServiceDelivery).where(ServiceDelivery.participant_id == participant.id)
        .options(joinedload(ServiceDelivery.service).joinedload(Service.institution))
        .order_by(ServiceDelivery.delivered_on, ServiceDelivery.id)).all()
    return [PersonalDataSection(module=MODULE, title=_l("Services received"), records=tuple({
        _l("Service"): d.service.name,
        _l("Kind"): SERVICE_KIND_LABELS.get(d.service.kind, d.service.kind),
        _l("Institution"): d.service.institution.name,
        _l("Delivered on"): d.delivered_on,
        _l("Hours"): d.hours,
        _l("Result"): d.result,
    } for d in deliveries))]


def anonymise_participant(participant):
    """The result is free text; the service, the date and the hours stay for the reports."""
    db.session.execute(update(ServiceDelivery)
                       .where(ServiceDelivery.participant_id == participant.id)
                       .values(result=""))


def audit_objects(participant):
    return [("ServiceDelivery", delivery_id) for delivery_id in db.session.scalars(
        select(ServiceDelivery.id).where(ServiceDelivery.participant_id == participant.id))]
