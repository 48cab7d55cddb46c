"""Writing offers, skills and candidates: one function per change, each with its audit entry.

Offer: open → filled (when the hires reach the vacancies) / closed, and closed → open again;
only the labour office that took the offer changes it.
Candidate: referred → hired (with the start date; records the registry's "job started"
outcome; refused once the hires reach the vacancies) / not hired (with the reason).
"""

from sqlalchemy import select, update

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import JOB_START_MONTHS_AHEAD, PROGRAMME_BEGINS, months_ahead, outside
from . import service
from .models import Candidate, JobOffer, Skill

OFFER_FIELDS = ("position", "employer_id", "employer_name", "commune_teryt", "locality",
                "hours_per_week", "contract_type", "requirements", "part_time",
                "flexible_hours", "remote", "vacancies", "description", "posted_on")


class OfferRefused(Exception):
    """The change cannot be made; the message says why, in the user's language."""


def _check_offer_values(values):
    employer_id = values.get("employer_id")
    if employer_id is not None:
        employer = toolkit.db.session.get(toolkit.Institution, employer_id)
        if employer is None or employer.kind != "employer":
            raise OfferRefused(_l("Choose an employer of this partnership."))
    elif not (values.get("employer_name") or "").strip():
        raise OfferRefused(_l("Choose an employer of the partnership or give the employer's "
                              "name."))
    if values.get("posted_on") is not None:
        wrong = outside(values["posted_on"], PROGRAMME_BEGINS, toolkit.today())
        if wrong is not None:
            raise OfferRefused(wrong)


def _own(offer, institution_id):
    """The rule of instruments: an offer is changed by the labour office that took it."""
    if offer.institution_id != institution_id:
        raise OfferRefused(_l("Only the labour office that took the offer can change it."))


def create_offer(*, institution_id, actor_id, values):
    _check_offer_values(values)
    same = _same_open_offer(institution_id, values)
    if same is not None:
        raise OfferRefused(_l("The same offer is already open (no. %(number)d): open it to "
                              "change it, or change something here to post another.",
                              number=same.id))
    offer = JobOffer(institution_id=institution_id, created_by_id=actor_id, status="open",
                     **values)
    toolkit.db.session.add(offer)
    toolkit.db.session.flush()
    toolkit.record_audit("create", offer, actor_id=actor_id, institution_id=institution_id,
                         detail={"fields": sorted(values)})
    return offer


def _same_open_offer(institution_id, values):
    """The office's open offer with exactly these values, or None: the back button and a
    resubmit (or a second click) would post the same vacancies twice. The office's row is
    locked first (PostgreSQL), so of two such posts at the same moment the second waits and
    then finds the first, as send_referral does with the person's row."""
    toolkit.db.session.execute(select(toolkit.Institution.id).where(
        toolkit.Institution.id == institution_id).with_for_update())
    candidates = toolkit.db.session.scalars(select(JobOffer).where(
        JobOffer.institution_id == institution_id, JobOffer.status == "open",
        JobOffer.position == values.get("position"),
        JobOffer.commune_teryt == values.get("commune_teryt")).order_by(JobOffer.id))
    return next((offer for offer in candidates
                 if all(getattr(offer, name) == value for name, value in values.items())),
                None)


def update_offer(offer, *, institution_id, actor_id, values):
    """Change the offer; the vacancies cannot go below the people hired, and an open offer
    whose hires reach the new number is filled, as by a hire."""
    _own(offer, institution_id)
    _check_offer_values(values)
    _lock_offer(offer)
    hires = service.hires_of(offer.id)
    if values.get("vacancies") is not None and values["vacancies"] < hires:
        raise OfferRefused(_l("%(hired)d people are already hired from this offer: the number "
                              "of vacancies cannot be lower.", hired=hires))
    changed = sorted(k for k, v in values.items() if getattr(offer, k) != v)
    for name, value in values.items():
        setattr(offer, name, value)
    toolkit.record_audit("update", offer, actor_id=actor_id, institution_id=institution_id,
                         detail={"fields": changed})
    _fill_when_every_vacancy_is_taken(offer, hires, actor_id=actor_id,
                                      institution_id=institution_id)
    return offer


def _lock_offer(offer):
    """Changes to one offer's places wait for each other (PostgreSQL row lock on the offer),
    then read it again: of two clerks hiring for the last place at the same moment, the second
    counts the first one's hire and is refused, as _lock_person does for registrations."""
    toolkit.db.session.execute(select(JobOffer.id).where(JobOffer.id == offer.id)
                               .with_for_update())
    toolkit.db.session.refresh(offer)


def _fill_when_every_vacancy_is_taken(offer, hires, *, actor_id, institution_id):
    if offer.status == "open" and hires >= offer.vacancies:
        _offer_transition(offer, "filled", allowed_from={"open"}, actor_id=actor_id,
                          institution_id=institution_id, message="")


def _offer_transition(offer, to, *, allowed_from, actor_id, institution_id, message):
    if offer.status not in allowed_from:
        raise OfferRefused(message)
    previous, offer.status = offer.status, to
    toolkit.record_audit("transition", offer, actor_id=actor_id, institution_id=institution_id,
                         detail={"from": previous, "to": to})
    return offer


def close_offer(offer, *, actor_id, institution_id):
    _own(offer, institution_id)
    return _offer_transition(offer, "closed", allowed_from={"open", "filled"},
                             actor_id=actor_id, institution_id=institution_id,
                             message=_l("The offer is already closed."))


def reopen_offer(offer, *, actor_id, institution_id):
    _own(offer, institution_id)
    _lock_offer(offer)
    if service.hires_of(offer.id) >= offer.vacancies:
        raise OfferRefused(_l("Every vacancy of this offer is filled: raise the number of "
                              "vacancies first."))
    return _offer_transition(offer, "open", allowed_from={"closed", "filled"},
                             actor_id=actor_id, institution_id=institution_id,
                             message=_l("The offer is already open."))


# --- skills -----------------------------------------------------------------------------------

def add_skills(participant, names, *, institution_id, actor_id):
    """Add skills the person does not have yet; returns the ones added."""
    held = {s.name for s in service.skills_of(participant.id)}
    added = [name for name in names if name not in held]
    if any(len(name) > 80 for name in added):
        raise OfferRefused(_l("A skill has at most 80 characters."))
    for name in added:
        toolkit.db.session.add(Skill(participant_id=participant.id, name=name,
                                     institution_id=institution_id, recorded_by_id=actor_id))
    if added:
        toolkit.db.session.flush()
        toolkit.record_audit("update", participant, actor_id=actor_id,
                             institution_id=institution_id,
                             detail={"labour_skills_added": len(added)})
    return added


def remove_skill(participant, skill_id, *, institution_id, actor_id):
    skill = toolkit.db.session.scalar(select(Skill).where(
        Skill.id == skill_id, Skill.participant_id == participant.id))
    if skill is None:
        raise OfferRefused(_l("This skill is not on the person's list."))
    toolkit.db.session.delete(skill)
    toolkit.record_audit("update", participant, actor_id=actor_id, institution_id=institution_id,
                         detail={"labour_skill_removed": skill_id})


# --- candidates -------------------------------------------------------------------------------

def refer_candidate(offer, participant_id, *, institution_id, actor_id):
    """Put a suggested person forward to the employer; the reasons are kept with it."""
    if offer.status != "open":
        raise OfferRefused(_l("Only an open offer takes candidates."))
    found = service.suggestions(offer, institution_id, participant_id=participant_id, limit=1)
    if not found:
        # The same rules as the suggestions: access, consent, restriction, place, care, skills.
        raise OfferRefused(_l("This person is not among the suggestions for this offer "
                              "(consent, place of residence, care or skills), or was "
                              "already put forward."))
    candidate = Candidate(offer_id=offer.id, participant_id=participant_id,
                          institution_id=institution_id, status="referred",
                          reasons=found[0].reasons, referred_at=toolkit.utcnow(),
                          referred_by_id=actor_id)
    toolkit.db.session.add(candidate)
    toolkit.db.session.flush()
    toolkit.record_audit("create", candidate, actor_id=actor_id, institution_id=institution_id,
                         detail={"offer_id": offer.id, "participant_id": participant_id,
                                 "status": "referred"})
    return candidate


def _answerable(candidate, institution_id):
    if candidate.institution_id != institution_id:
        raise OfferRefused(_l("Only the labour office that put the person forward records "
                              "the employer's answer."))
    if candidate.status != "referred":
        raise OfferRefused(_l("The employer's answer is already recorded."))


def _claim_answer(candidate, to):
    """Take the candidate out of "referred" in one conditional UPDATE. Of two answers at the
    same moment (a double click, two clerks), the second waits for the first's row lock and
    then changes no row, so it is refused: one hire never makes two "job started" outcomes."""
    claimed = toolkit.db.session.execute(
        update(Candidate).where(Candidate.id == candidate.id, Candidate.status == "referred")
        .values(status=to).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise OfferRefused(_l("The employer's answer is already recorded."))


def hire_candidate(candidate, *, start_date, institution_id, actor_id):
    """The employer hired the person: the registry gets a "job started" outcome, and the offer
    is filled once the hires reach its vacancies."""
    _answerable(candidate, institution_id)
    try:
        # A hire is recorded in the registry: a restricted person's data may not be used.
        toolkit.ensure_not_restricted(candidate.participant)
    except toolkit.ProcessingRestricted as restricted:
        raise OfferRefused(str(restricted)) from restricted
    if start_date is None:
        raise OfferRefused(_l("Give the start date of the job."))
    if start_date < toolkit.day_of(candidate.referred_at):
        raise OfferRefused(_l("The job cannot start before the person was put forward."))
    wrong = outside(start_date, PROGRAMME_BEGINS, months_ahead(JOB_START_MONTHS_AHEAD))
    if wrong is not None:
        raise OfferRefused(wrong)
    offer = candidate.offer
    _lock_offer(offer)
    hires = service.hires_of(offer.id)
    if hires >= offer.vacancies:
        # Each hire is a "job started" outcome in the registry: more hires than places would
        # count people the offer never had room for.
        raise OfferRefused(_l("Every vacancy of this offer is already filled (%(hired)d of "
                              "%(vacancies)d). If the employer really hired more people, raise "
                              "the number of vacancies on the offer first, then record the "
                              "hire.", hired=hires, vacancies=offer.vacancies))
    _claim_answer(candidate, "hired")
    outcome = toolkit.record_outcome(candidate.participant, institution_id=institution_id, values={
        "kind": "job_started", "occurred_on": start_date, "employer": offer.employer_full_name,
        "contract_type": offer.contract_type, "hours_per_week": offer.hours_per_week,
        "note": ""})
    candidate.status = "hired"
    candidate.start_date = start_date
    candidate.outcome_id = outcome.id
    candidate.answered_at = toolkit.utcnow()
    candidate.answered_by_id = actor_id
    toolkit.db.session.flush()
    toolkit.record_audit("transition", candidate, actor_id=actor_id,
                         institution_id=institution_id,
                         detail={"from": "referred", "to": "hired", "offer_id": offer.id,
                                 "outcome_id": outcome.id})
    _fill_when_every_vacancy_is_taken(offer, hires + 1, actor_id=actor_id,
                                      institution_id=institution_id)
    return candidate


def reject_candidate(candidate, *, reason, institution_id, actor_id):
    _answerable(candidate, institution_id)
    reason = (reason or "").strip()
    if not reason:
        raise OfferRefused(_l("Give the reason the person was not hired."))
    _claim_answer(candidate, "not_hired")
    candidate.status = "not_hired"
    candidate.not_hired_reason = reason
    candidate.answered_at = toolkit.utcnow()
    candidate.answered_by_id = actor_id
    toolkit.record_audit("transition", candidate, actor_id=actor_id,
                         institution_id=institution_id,
                         detail={"from": "referred", "to": "not_hired",
                                 "offer_id": candidate.offer_id})
    return candidate
