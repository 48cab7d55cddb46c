"""Reading job offers, skills and candidates, and the matching of people to an offer.

Matching picks the candidate set in SQL (access, consent, restriction, locality, care and
skills are all WHERE conditions), then explains each suggestion in words. Nobody outside the
set is ever loaded.
"""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from mosty import toolkit
from mosty.toolkit import gettext
from mosty.toolkit import lazy_gettext as _l

from . import places
from .models import Candidate, JobOffer, Skill

SUGGESTION_LIMIT = 50
# Locality ranks, best first: the SQL ``case`` below and the words for each.
SAME_COMMUNE, SAME_COUNTY, ANYWHERE = 0, 1, 2
OFFER_STATUS_LABELS = {"open": _l("open"), "filled": _l("filled"), "closed": _l("closed")}
# The list's tabs name groups of offers (plural in Polish).
OFFER_TAB_LABELS = {"open": _l("open offers"), "filled": _l("filled offers"),
                    "closed": _l("closed offers")}
CANDIDATE_STATUS_LABELS = {"referred": _l("referred to the employer"), "hired": _l("hired"),
                           "not_hired": _l("not hired")}
CARE_FEATURE_LABELS = {
    "part_time": _l("part-time offer"),
    "flexible_hours": _l("flexible working hours"),
    "remote": _l("remote work"),
}
CARES_FOR = {
    "child_under_7": _l("cares for a child under 7"),
    "child_with_disability": _l("cares for a child with disability"),
    "adult_with_disability": _l("cares for an adult with disability"),
    "ill_or_elderly": _l("cares for an ill or elderly person"),
}
CARES_FOR_SOMEONE = _l("cares for a dependant")


def normalise_skill(name):
    """One spelling per skill: trimmed, single spaces, lower case."""
    return " ".join((name or "").split()).lower()


def parse_skills(text):
    """Skills typed one per line or separated by commas, normalised, without repeats."""
    found = []
    for part in (text or "").replace("\n", ",").split(","):
        skill = normalise_skill(part)
        if skill and skill not in found:
            found.append(skill)
    return found


# --- offers -----------------------------------------------------------------------------------

def offers_query(status=None):
    query = select(JobOffer).options(joinedload(JobOffer.employer),
                                     joinedload(JobOffer.institution))
    if status in OFFER_STATUS_LABELS:
        query = query.where(JobOffer.status == status)
    return query.order_by(JobOffer.posted_on.desc(), JobOffer.id.desc())


def offer_or_404(offer_id):
    offer = toolkit.db.session.scalar(
        select(JobOffer).where(JobOffer.id == offer_id)
        .options(joinedload(JobOffer.employer), joinedload(JobOffer.institution)))
    if offer is None:
        abort(404)
    return offer


def employers():
    """Employers of the partnership an offer may name."""
    return list(toolkit.db.session.scalars(
        select(toolkit.Institution).where(toolkit.Institution.kind == "employer")
        .order_by(toolkit.by_name(toolkit.Institution.name))))


def communes():
    """``{TERYT: name}`` of the partnership's territory, to name an offer's place."""
    return {u.teryt: u.name for u in toolkit.db.session.scalars(select(toolkit.TerritoryUnit))}


def place_of(offer, units=None):
    """The offer's locality and the territory unit it lies in, each named once."""
    units = communes() if units is None else units
    # The commune itself, its county, its voivodeship: the territory may list any of them.
    code = offer.commune_teryt
    unit = next((units[c] for c in (code, code[:4], code[:2]) if c in units), None)
    return places.place_label(offer.locality, unit, offer.commune_teryt)


# --- skills -----------------------------------------------------------------------------------

@toolkit.request_memo
def skills_of(participant_id):
    return list(toolkit.db.session.scalars(
        select(Skill).where(Skill.participant_id == participant_id).order_by(toolkit.by_name(Skill.name))))


def visible_participant_or_404(participant_id, institution_id):
    """The person, if the institution may see them (the registry's access rule)."""
    if participant_id is None or institution_id is None:
        abort(404)
    participant = toolkit.db.session.scalar(
        select(toolkit.Participant).where(toolkit.Participant.id == participant_id,
                                          toolkit.participant_visible_to(institution_id)))
    if participant is None:
        abort(404)
    return participant


# --- candidates -------------------------------------------------------------------------------

def candidates_of_offer(offer_id, institution_id):
    """The people this institution put forward for the offer (others' candidates stay theirs)."""
    return list(toolkit.db.session.scalars(
        select(Candidate).where(Candidate.offer_id == offer_id,
                                Candidate.institution_id == institution_id)
        .options(joinedload(Candidate.participant))
        .order_by(Candidate.referred_at.desc(), Candidate.id.desc())))


@toolkit.request_memo
def candidates_of_participant(participant_id, institution_id):
    return list(toolkit.db.session.scalars(
        select(Candidate).where(Candidate.participant_id == participant_id,
                                Candidate.institution_id == institution_id)
        .options(joinedload(Candidate.offer).joinedload(JobOffer.employer))
        .order_by(Candidate.referred_at.desc(), Candidate.id.desc())))


def candidate_or_404(candidate_id, institution_id):
    candidate = toolkit.db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id,
                                Candidate.institution_id == institution_id)
        .options(joinedload(Candidate.offer), joinedload(Candidate.participant)))
    if candidate is None:
        abort(404)
    return candidate


def hires_by_offer(offer_ids):
    """``{offer id: hires}`` for a page of offers, in one query."""
    if not offer_ids:
        return {}
    found = dict(toolkit.db.session.execute(
        select(Candidate.offer_id, func.count(Candidate.id))
        .where(Candidate.offer_id.in_(offer_ids), Candidate.status == "hired")
        .group_by(Candidate.offer_id)).all())
    return {offer_id: found.get(offer_id, 0) for offer_id in offer_ids}


def hires_of(offer_id):
    return toolkit.db.session.scalar(select(func.count(Candidate.id)).where(
        Candidate.offer_id == offer_id, Candidate.status == "hired"))


# --- matching ---------------------------------------------------------------------------------

@dataclass
class Suggestion:
    participant: object
    reasons: list = field(default_factory=list)  # reason dicts, stored with a referral

    @property
    def sentences(self):
        return [explain(reason) for reason in self.reasons]


def _home():
    """Where the person lives: the actual address, else the registered residence."""
    p = toolkit.Participant
    return func.coalesce(func.nullif(p.actual_teryt, ""), p.registered_teryt)


def may_be_matched(institution_id):
    """SQL on Participant: the labour office may put this person forward for offers.

    The registry's access rule, and in addition the office registered the person itself or an
    active consent names the office (an accepted referral alone does not let the office pass
    the person's data to an employer); a person whose processing is restricted never appears.
    """
    p = toolkit.Participant
    return (toolkit.participant_visible_to(institution_id)
            & or_(p.institution_id == institution_id,
                  toolkit.consent_covers(institution_id, p.id))
            & p.processing_restricted.is_(False))


def suggestions(offer, institution_id, participant_id=None, limit=SUGGESTION_LIMIT):
    """People who fit the offer, best first, each with the reasons why."""
    p = toolkit.Participant
    home = _home()
    locality = case((home == offer.commune_teryt, SAME_COMMUNE),
                    (func.substr(home, 1, 4) == offer.commune_teryt[:4], SAME_COUNTY),
                    else_=ANYWHERE)
    requirements = list(offer.requirements or [])
    matched = (select(func.count(Skill.id))
               .where(Skill.participant_id == p.id, Skill.name.in_(requirements))
               .correlate(p).scalar_subquery()) if requirements else None
    is_carer = exists(select(toolkit.CareRelation.id)
                      .where(toolkit.CareRelation.carer_id == p.id))
    already = exists(select(Candidate.id).where(Candidate.offer_id == offer.id,
                                                Candidate.participant_id == p.id))
    conditions = [may_be_matched(institution_id), ~already]
    if not offer.remote:
        conditions.append(locality != ANYWHERE)
    if not offer.care_friendly:
        # A carer of a dependant needs part-time, flexible or remote work.
        conditions.append(~is_carer)
    if matched is not None:
        conditions.append(matched > 0)
    if participant_id is not None:
        conditions.append(p.id == participant_id)
    columns = [p, locality.label("locality")]
    order = []
    if matched is not None:
        columns.append(matched.label("matched"))
        order.append(matched.desc())
    order += [locality, toolkit.by_name(p.last_name), toolkit.by_name(p.first_name), p.id]
    rows = toolkit.db.session.execute(
        select(*columns).where(*conditions).order_by(*order).limit(limit)).all()
    return _explained(offer, rows)


def _explained(offer, rows):
    ids = [row[0].id for row in rows]
    skills, care = {}, {}
    if ids:
        for skill in toolkit.db.session.scalars(
                select(Skill).where(Skill.participant_id.in_(ids))):
            skills.setdefault(skill.participant_id, set()).add(skill.name)
        relations = toolkit.db.session.scalars(
            select(toolkit.CareRelation).where(toolkit.CareRelation.carer_id.in_(ids))
            .options(joinedload(toolkit.CareRelation.dependant))
            .order_by(toolkit.CareRelation.hours_per_week.desc(), toolkit.CareRelation.id))
        for relation in relations:
            care.setdefault(relation.carer_id, relation.dependant.dependant_type)
    found = []
    for row in rows:
        person, locality = row[0], row[1]
        reasons = [_locality_reason(locality)]
        requirements = list(offer.requirements or [])
        if requirements:
            held = [s for s in requirements if s in skills.get(person.id, set())]
            reasons.append({"code": "skills", "skills": held, "total": len(requirements)})
        else:
            reasons.append({"code": "no_requirements"})
        if person.id in care:
            feature = next(f for f in ("part_time", "flexible_hours", "remote")
                           if getattr(offer, f))
            reasons.append({"code": "care", "feature": feature, "dependant": care[person.id]})
        if person.long_term_unemployed:
            reasons.append({"code": "long_term_unemployed"})
        found.append(Suggestion(participant=person, reasons=reasons))
    return found


def _locality_reason(locality):
    return {SAME_COMMUNE: {"code": "same_commune"}, SAME_COUNTY: {"code": "same_county"},
            ANYWHERE: {"code": "remote"}}[locality]


def explain(reason):
    """A stored reason in words, in the reader's language."""
    code = reason.get("code")
    if code == "same_commune":
        return gettext("lives in the same commune")
    if code == "same_county":
        return gettext("lives in the same county")
    if code == "remote":
        return gettext("remote work: the place of residence does not matter")
    if code == "skills":
        held = reason.get("skills", [])
        if len(held) == reason.get("total"):
            return gettext("has every required skill: %(skills)s", skills=", ".join(held))
        return gettext("has %(held)d of %(total)d required skills: %(skills)s",
                       held=len(held), total=reason.get("total", 0), skills=", ".join(held))
    if code == "no_requirements":
        return gettext("the offer asks for no particular skills")
    if code == "care":
        return gettext("%(feature)s — %(care)s",
                       feature=CARE_FEATURE_LABELS.get(reason.get("feature"), ""),
                       care=CARES_FOR.get(reason.get("dependant"), CARES_FOR_SOMEONE))
    if code == "long_term_unemployed":
        return gettext("long-term unemployed: a priority for placement")
    return ""
