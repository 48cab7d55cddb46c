"""The instruments section and timeline entries of the participant page, and the section of
the family page listing the family rounds."""

from flask import url_for

from ..i18n import lazy_gettext as _l
from ..participants.sections import (
    family_section,
    family_timeline,
    participant_section,
    participant_timeline,
)
from ..plugins.contributions import Panel, TimelineEntry
from . import service

MODULE = "instruments"


@participant_section
def instruments_section(participant, institution_id):
    return Panel(
        module=MODULE, title=_l("Instruments"), template="instruments/_section.html", order=35,
        context={"participant_id": participant.id,
                 # No new administration: processing restricted, or the record closed.
                 "restricted": participant.restricted or participant.anonymised_at is not None,
                 "administrations": service.participant_administrations(participant.id,
                                                                        institution_id),
                 "institution_id": institution_id,
                 "can_start": service.can_give_instruments()},
    )


@family_section
def family_instruments_section(family, institution_id):
    return Panel(
        module=MODULE, title=_l("Instruments given to the family"),
        template="instruments/_family_section.html", order=35,
        context={"family_id": family.id, "rounds": service.family_rounds(family.id,
                                                                          institution_id),
                 "can_start": service.can_give_instruments()},
    )


@participant_timeline
def instrument_events(participant, institution_id):
    return [
        TimelineEntry(module=MODULE, at=a.finished_at, title=_l("Instrument filled in"),
                      detail=a.version.title,
                      url=url_for("instruments.administration", administration_id=a.id))
        for a in service.participant_administrations(participant.id, institution_id)
        if a.finished_at is not None
    ]


@family_timeline
def family_round_events(family, institution_id):
    return [
        TimelineEntry(module=MODULE, at=family_round.started_at,
                      title=_l("Instrument given to the family"),
                      detail=family_round.version.title,
                      url=url_for("instruments.family_round", round_id=family_round.id))
        for family_round, _administrations in service.family_rounds(family.id, institution_id)
    ]
