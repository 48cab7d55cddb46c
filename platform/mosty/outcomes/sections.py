"""The outcomes section and timeline entries of the participant page; follow-ups of families
on the family timeline."""

from ..i18n import lazy_gettext as _l
from ..participants.labels import CONTRACT_LABELS
from ..participants.sections import family_timeline, participant_section, participant_timeline
from ..plugins.contributions import Panel, TimelineEntry
from . import service

MODULE = "outcomes"


@participant_section
def outcomes_section(participant, institution_id):
    outcomes = service.outcomes_of(participant.id)
    follow_ups = service.follow_ups_for(participant_id=participant.id)
    return Panel(
        module=MODULE, title=_l("Outcomes and follow-ups"), template="outcomes/_section.html",
        order=50,
        context={
            "outcome_participant_id": participant.id,
            "outcomes": outcomes,
            "outcome_institutions": service.institution_names(o.institution_id for o in outcomes),
            "outcome_kind_labels": service.OUTCOME_KIND_LABELS,
            "outcome_contract_labels": CONTRACT_LABELS,
            "outcome_follow_ups": [
                {"enrollment": e, "recorded": recorded,
                 "due": service.due_months(e, recorded), "own": e.institution_id == institution_id}
                for e, recorded in follow_ups],
            "follow_up_status_labels": service.FOLLOW_UP_STATUS_LABELS,
            "can_record_outcome": institution_id is not None,
        },
    )


def _follow_up_events(follow_ups):
    return [
        TimelineEntry(
            module=MODULE, at=follow_up.checked_on,
            title=_l("Follow-up after %(months)s months", months=months),
            detail=service.FOLLOW_UP_STATUS_LABELS.get(follow_up.status, follow_up.status))
        for _enrollment, recorded in follow_ups for months, follow_up in recorded.items()
    ]


@participant_timeline
def outcome_events(participant, institution_id):
    entries = [
        TimelineEntry(module=MODULE, at=outcome.occurred_on,
                      title=_l("Outcome: %(kind)s",
                               kind=service.OUTCOME_KIND_LABELS.get(outcome.kind, outcome.kind)),
                      detail=outcome.employer)
        for outcome in service.outcomes_of(participant.id)
    ]
    return entries + _follow_up_events(service.follow_ups_for(participant_id=participant.id))


@family_timeline
def family_follow_up_events(family, institution_id):
    return _follow_up_events(service.follow_ups_for(family_id=family.id))
