"""The services section and timeline entries of the participant page."""

from ..i18n import lazy_gettext as _l
from ..participants.sections import participant_section, participant_timeline
from ..plugins.contributions import Panel, TimelineEntry
from . import service

MODULE = "services"
SECTION_ROWS = 20


@participant_section
def deliveries_section(participant, institution_id):
    # The timeline lists every delivery anyway; the section shows the newest of the same rows
    # (read once per request), so it needs neither a LIMIT query nor a count of its own.
    deliveries = service.deliveries_of(participant.id)
    return Panel(
        module=MODULE, title=_l("Services delivered"), template="services/_section.html",
        order=40,
        context={
            "participant_id": participant.id,
            "deliveries": deliveries[:SECTION_ROWS],
            "deliveries_total": len(deliveries),
            "can_record_delivery": institution_id is not None,
            "format_hours": service.format_hours,
        },
    )


@participant_timeline
def delivery_events(participant, institution_id):
    return [
        TimelineEntry(
            module=MODULE, at=delivery.delivered_on,
            title=_l("Service delivered: %(service)s", service=delivery.service.name),
            detail=_l("%(institution)s, %(hours)s h",
                      institution=delivery.service.institution.name,
                      hours=service.format_hours(delivery.hours)),
        )
        for delivery in service.deliveries_of(participant.id)
    ]
