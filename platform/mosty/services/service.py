"""The institutions' service catalogue and the deliveries of services to participants."""

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import format_decimal
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from .. import audit, dates
from ..collation import by_name
from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..privacy.restriction import ensure_not_restricted
from ..request_memo import request_memo
from ..resubmits import RESUBMIT_WINDOW, wait_for_the_first
from .models import Service, ServiceDelivery

SERVICE_KIND_LABELS = {
    "advisory": _l("advisory"),
    "training": _l("training"),
    "psychological": _l("psychological support"),
    "legal": _l("legal advice"),
    "care_substitution": _l("care substitution"),
    "placement": _l("job placement"),
    "benefit": _l("benefit"),
    "other": _l("other"),
}

# Capacity is compared with the people served over this window.
CAPACITY_WINDOW_DAYS = 30
SERVICE_FIELDS = ("name", "kind", "description", "capacity", "location", "own_resources",
                  "active")
CATALOGUE_SORTS = {"institution": by_name(Institution.name), "name": by_name(Service.name), "kind": Service.kind,
                   "capacity": Service.capacity}


def service_kind_label(kind):
    return SERVICE_KIND_LABELS.get(kind, kind)


def format_hours(hours):
    """Hours in the reader's number format (1,5 in Polish), without trailing zeros."""
    return format_decimal(hours.normalize() if hours is not None else 0)


# --- the catalogue -------------------------------------------------------------------------------

def institutions():
    return list(db.session.scalars(select(Institution).order_by(by_name(Institution.name))))


def catalogue_query(viewer_institution_id, order, kind=None, institution_id=None):
    """Active services of every institution, plus the viewer's own inactive ones."""
    query = (select(Service).join(Institution, Institution.id == Service.institution_id)
             .options(joinedload(Service.institution))
             .where(or_(Service.active.is_(True), Service.institution_id == viewer_institution_id)))
    if kind:
        query = query.where(Service.kind == kind)
    if institution_id:
        query = query.where(Service.institution_id == institution_id)
    return query.order_by(order, by_name(Institution.name), by_name(Service.name), Service.id)


def served_recently(service_ids, today=None):
    """``{service id: participants served in the capacity window}`` (counts, no people)."""
    if not service_ids:
        return {}
    since = (today or dates.today()) - timedelta(days=CAPACITY_WINDOW_DAYS)
    rows = db.session.execute(
        select(ServiceDelivery.service_id, func.count(ServiceDelivery.participant_id.distinct()))
        .where(ServiceDelivery.service_id.in_(service_ids), ServiceDelivery.delivered_on > since)
        .group_by(ServiceDelivery.service_id)
    )
    return dict(rows.all())


def own_service_or_404(service_id, institution_id):
    """A service of the member's own institution; others' services are not editable (404)."""
    return db.first_or_404(select(Service).where(
        Service.id == service_id, Service.institution_id == institution_id))


def own_services(institution_id):
    return list(db.session.scalars(
        select(Service).where(Service.institution_id == institution_id,
                              Service.active.is_(True))
        .order_by(by_name(Service.name))))


def create_service(institution_id, values):
    service = Service(institution_id=institution_id, **values)
    db.session.add(service)
    db.session.flush()
    audit.record("create", service, detail={"fields": sorted(values)})
    return service


def update_service(service, values):
    changed = sorted(key for key, value in values.items() if getattr(service, key) != value)
    for key in changed:
        setattr(service, key, values[key])
    audit.record("update", service, detail={"fields": changed})
    return service


# --- deliveries ----------------------------------------------------------------------------------

class DuplicateDelivery(Exception):
    """The same delivery was just recorded (the form sent twice); ``str()`` is the message."""

    def __init__(self, existing):
        super().__init__(_l("This delivery of %(service)s is already recorded: the same date, "
                            "hours and result, saved by you a moment ago. Nothing new was "
                            "saved.", service=existing.service.name))
        self.existing = existing


def just_recorded_delivery(participant_id, service_id, *, delivered_on, hours, result,
                           staff_id):
    """The same delivery saved by the same member within RESUBMIT_WINDOW, or None. Hours
    count in the reports, so a resent form must not add them twice; the same service given
    again later (another session) is a delivery of its own."""
    candidates = db.session.scalars(select(ServiceDelivery).where(
        ServiceDelivery.participant_id == participant_id,
        ServiceDelivery.service_id == service_id, ServiceDelivery.delivered_on == delivered_on,
        ServiceDelivery.hours == hours, ServiceDelivery.staff_id == staff_id,
        ServiceDelivery.created_at >= utcnow() - RESUBMIT_WINDOW))
    wanted = " ".join((result or "").split())
    return next((d for d in candidates if " ".join((d.result or "").split()) == wanted), None)


def record_delivery(participant, service, *, delivered_on, hours, result, staff_id):
    """A delivery to the person; refused (ProcessingRestricted) while processing is restricted
    or once the record is anonymised, and (DuplicateDelivery) when it was just recorded."""
    ensure_not_restricted(participant)
    wait_for_the_first(Participant, participant.id)
    existing = just_recorded_delivery(participant.id, service.id, delivered_on=delivered_on,
                                      hours=hours, result=result, staff_id=staff_id)
    if existing is not None:
        raise DuplicateDelivery(existing)
    delivery = ServiceDelivery(participant_id=participant.id, service_id=service.id,
                               delivered_on=delivered_on, hours=hours, result=result,
                               staff_id=staff_id)
    db.session.add(delivery)
    db.session.flush()
    audit.record("create", delivery, detail={
        "fields": ["delivered_on", "hours", "result"], "participant_id": participant.id,
        "service_id": service.id})
    return delivery


def over_capacity(service, today=None):
    if not service.capacity:
        return False
    return served_recently([service.id], today).get(service.id, 0) > service.capacity


@request_memo
def deliveries_of(participant_id):
    """Every delivery to the person, newest first (the timeline shows them all)."""
    return list(db.session.scalars(
        select(ServiceDelivery)
        .options(joinedload(ServiceDelivery.service).joinedload(Service.institution))
        .where(ServiceDelivery.participant_id == participant_id)
        .order_by(ServiceDelivery.delivered_on.desc(), ServiceDelivery.id.desc())))


# --- links to the case pages ---------------------------------------------------------------------

def case_page_url(package, argument, object_id, fallback):
    """The participant or family page, found by its shape in the URL map (the package's GET
    rule taking only ``argument``), so these pages do not hard-code another package's endpoint."""
    key = f"mosty.{package}_page_endpoint"
    endpoint = current_app.extensions.get(key)
    if endpoint is None:
        candidates = sorted(
            rule.endpoint for rule in current_app.url_map.iter_rules()
            if rule.endpoint.startswith(f"{package}.") and "GET" in rule.methods
            and set(rule.arguments) == {"partnership", argument})
        endpoint = candidates[0] if candidates else ""
        current_app.extensions[key] = endpoint
    if not endpoint:
        return fallback
    return url_for(endpoint, **{argument: object_id})


def participant_page_url(participant_id, fallback=None):
    return case_page_url("participants", "participant_id", participant_id,
                         fallback or url_for("services.index"))


def family_page_url(family_id, fallback=None):
    return case_page_url("families", "family_id", family_id,
                         fallback or url_for("services.index"))
