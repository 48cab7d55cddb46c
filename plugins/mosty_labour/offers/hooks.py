"""What the job offers part adds to Mosty: menu, participant panel and timeline, the data
protection export and anonymisation, demo data."""

from flask import url_for
from flask_babel import format_date  # the templates' date filter: the reader's locale
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from . import service
from .models import Candidate, Skill

CLERK = "labour_clerk"


def _case_institution(membership):
    """Caseworkers and clerks see the panel; candidacies only of their own institution (the
    hire itself reaches everyone who sees the person as the registry's outcome)."""
    if membership is None or not membership.has_role("caseworker", CLERK):
        return None
    return membership.institution_id


def menu_items(partnership, membership):
    return toolkit.MenuItem(module=KEY, label=_l("Job offers"), endpoint=f"{KEY}.offers",
                            order=130)


def participant_panels(participant, membership):
    office = _case_institution(membership)
    if office is None:
        return None
    return toolkit.Panel(
        module=KEY, title=_l("Job offers and skills"), template="labour/offers/_panel.html",
        order=140,
        context={"participant_id": participant.id, "skills": service.skills_of(participant.id),
                 "candidates": service.candidates_of_participant(participant.id, office),
                 "labels": service.CANDIDATE_STATUS_LABELS},
    )


def timeline_entries(subject, membership):
    office = _case_institution(membership)
    if office is None or not isinstance(subject, toolkit.Participant):
        return None
    entries = []
    for candidate in service.candidates_of_participant(subject.id, office):
        offer = candidate.offer
        url = url_for(f"{KEY}.offer", offer_id=offer.id)
        detail = f"{offer.position} — {offer.employer_label}"
        entries.append(toolkit.TimelineEntry(module=KEY, at=candidate.referred_at,
                                             title=_l("Put forward for a job offer"),
                                             detail=detail, url=url))
        if candidate.status == "hired":
            entries.append(toolkit.TimelineEntry(
                module=KEY, at=candidate.answered_at, url=url,
                title=_l("Hired from a job offer"),
                detail=_l("%(offer)s, starts on %(date)s", offer=detail,
                          date=format_date(candidate.start_date))))
        elif candidate.status == "not_hired":
            entries.append(toolkit.TimelineEntry(module=KEY, at=candidate.answered_at, url=url,
                                                 title=_l("Not hired from a job offer"),
                                                 detail=detail))
    return entries


def personal_data(participant):
    """Skills and candidacies, with translated labels, statuses in words and dates as dates
    (the export formats them for the reader)."""
    skills = service.skills_of(participant.id)
    candidates = list(toolkit.db.session.scalars(
        select(Candidate).where(Candidate.participant_id == participant.id)
        .order_by(Candidate.referred_at)))
    return [
        toolkit.PersonalDataSection(
            module=KEY, title=_l("Skills recorded by the labour office"),
            records=tuple({_l("Skill"): s.name, _l("Recorded"): s.recorded_at}
                          for s in skills)),
        toolkit.PersonalDataSection(
            module=KEY, title=_l("Job offers the person was put forward for"),
            records=tuple({
                _l("Job offer"): str(c.offer),
                _l("Status"): service.CANDIDATE_STATUS_LABELS.get(c.status, c.status),
                _l("Put forward"): c.referred_at,
                # A reason may hold a list of skills with commas: "; " keeps them apart.
                _l("Why the person was put forward"): "; ".join(
                    service.explain(r) for r in c.reasons or []),
                _l("Start date"): c.start_date,
                _l("Why not hired"): c.not_hired_reason or None,
            } for c in candidates)),
    ]


def anonymise_participant(participant):
    # Skills are free text with no statistical use: they go. Candidacies stay for the counts
    # (status, dates), without the free-text reason.
    for skill in toolkit.db.session.scalars(
            select(Skill).where(Skill.participant_id == participant.id)):
        toolkit.db.session.delete(skill)
    for candidate in toolkit.db.session.scalars(
            select(Candidate).where(Candidate.participant_id == participant.id)):
        candidate.not_hired_reason = ""


def demo_data(partnerships):
    from .demo import load_offers_demo

    load_offers_demo(partnerships)
