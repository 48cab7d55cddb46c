"""The consents section and timeline entries of the participant page."""

from ..i18n import lazy_gettext as _l
from ..participants.sections import participant_section, participant_timeline
from ..plugins.contributions import Panel, TimelineEntry
from . import service
from .forms import LAWFUL_BASIS_LABELS, PURPOSE_LABELS

MODULE = "consents"


@participant_section
def consents_section(participant, institution_id):
    consents = service.consents_of(participant.id)
    return Panel(
        module=MODULE, title=_l("Consents and sharing"), template="consents/_section.html",
        order=20,
        context={
            "participant_id": participant.id,
            "consents": consents,
            "recorded_by": service.user_names(c.recorded_by_id for c in consents),
            "can_record": service.may_record_consents(participant, institution_id),
            "basis_labels": LAWFUL_BASIS_LABELS,
            "purpose_labels": PURPOSE_LABELS,
        },
    )


@participant_timeline
def consent_events(participant, institution_id):
    entries = []
    for consent in service.consents_of(participant.id):
        named = ", ".join(str(link.institution) for link in consent.shared_with)
        purposes = ", ".join(str(PURPOSE_LABELS.get(p, p)) for p in consent.purposes)
        entries.append(TimelineEntry(
            module=MODULE, at=consent.given_on, title=_l("Consent given"),
            detail=_l("%(purposes)s; shared with %(institutions)s", purposes=purposes,
                      institutions=named),
        ))
        if consent.withdrawn_on is not None:
            entries.append(TimelineEntry(module=MODULE, at=consent.withdrawn_on,
                                         title=_l("Consent withdrawn"), detail=named))
    return entries
