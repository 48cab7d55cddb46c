"""The referrals section and timeline entries of the participant page, and the referrals
section of the family page."""

from flask import url_for

from ..i18n import lazy_gettext as _l
from ..participants.sections import family_section, participant_section, participant_timeline
from ..plugins.contributions import Panel, TimelineEntry
from . import service

MODULE = "referrals"


@participant_section
def referrals_section(participant, institution_id):
    return Panel(
        module=MODULE, title=_l("Referrals"), template="referrals/_section.html", order=30,
        context={"participant_id": participant.id, "restricted": participant.restricted,
                 "referrals": service.participant_referrals(participant.id, institution_id),
                 "institution_id": institution_id},
    )


@family_section
def family_referrals_section(family, institution_id):
    referrals = service.family_referrals(family.id, institution_id)
    if not referrals:
        return None
    return Panel(
        module=MODULE, title=_l("Referrals of the family members"),
        template="referrals/_family_section.html", order=30,
        context={"referrals": referrals, "institution_id": institution_id},
    )


@participant_timeline
def referral_events(participant, institution_id):
    entries = []
    for referral in service.participant_referrals(participant.id, institution_id):
        url = url_for("referrals.detail", referral_id=referral.id)
        route = _l("%(sender)s → %(receiver)s", sender=str(referral.from_institution),
                   receiver=str(referral.to_institution))
        entries.append(TimelineEntry(module=MODULE, at=referral.sent_at,
                                     title=_l("Referral sent"), detail=route, url=url))
        if referral.answered_at is not None:
            # A completed referral was accepted first; completion gets its own entry below.
            title = (_l("Referral declined") if referral.status == "declined"
                     else _l("Referral accepted"))
            entries.append(TimelineEntry(module=MODULE, at=referral.answered_at, title=title,
                                         detail=route, url=url))
        if referral.completed_at is not None:
            entries.append(TimelineEntry(module=MODULE, at=referral.completed_at,
                                         title=_l("Referral completed"), detail=route, url=url))
    return entries
