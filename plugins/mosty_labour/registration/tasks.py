"""Nightly recomputation of long-term unemployment on the registry.

``long_term_unemployed`` depends on the day: a person registered for 12 months becomes
long-term unemployed the next day without any change being recorded. Beat starts the system
task at night; it fans out one partnership task per partnership, which recomputes the flag for
everyone with an open registration today and writes only the values that differ, one audit
entry per changed person. The receipt key names the partnership and the day, so a second run
the same day changes nothing.
"""

import logging
from datetime import date

from celery.schedules import crontab
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import add_beat_entry, partnership_task, system_task

from .models import LabourRegistration, RegistrationPeriod

log = logging.getLogger(__name__)

SCHEDULE_TASK = "mosty_labour.registration.schedule_long_term_recompute"
RECOMPUTE_TASK = "mosty_labour.registration.recompute_long_term"
# Beat acts for nobody in particular (as the monthly reports do).
SCHEDULER_ACTOR_ID = 0


@system_task(SCHEDULE_TASK, reason="fanning out the long-term unemployment recomputation "
                                   "to every partnership")
def schedule_long_term_recompute(today=None):
    """One recomputation per partnership for the day ``today`` (ISO date; default: today)."""
    day = date.fromisoformat(today) if today else toolkit.today()
    partnership_ids = list(toolkit.db.session.scalars(
        select(toolkit.Partnership.id).order_by(toolkit.Partnership.id)))
    # End the read before handing out work: run in process, each task opens its own.
    toolkit.db.session.commit()
    for partnership_id in partnership_ids:
        try:
            recompute_long_term.apply_async(
                (partnership_id, SCHEDULER_ACTOR_ID, day.isoformat()),
                {"idempotency_key": f"{RECOMPUTE_TASK}:{partnership_id}:{day.isoformat()}"})
        except Exception:
            # One partnership's failure (in process, without a broker) must not stop the rest.
            log.exception("long-term recomputation of partnership %s failed", partnership_id)
    return {"day": day.isoformat(), "partnerships": len(partnership_ids)}


@partnership_task(RECOMPUTE_TASK)
def recompute_long_term(partnership_id, actor_id, day):
    from . import service  # service imports the activation models; keep this module light

    on = date.fromisoformat(day)
    people = list(toolkit.db.session.scalars(
        select(toolkit.Participant).where(toolkit.Participant.id.in_(
            select(LabourRegistration.participant_id).join(RegistrationPeriod).where(
                RegistrationPeriod.registered_on <= on,
                (RegistrationPeriod.deregistered_on.is_(None))
                | (RegistrationPeriod.deregistered_on > on))))
        .order_by(toolkit.Participant.id)))
    changed = 0
    for person in people:
        # A closed (anonymised) or restricted record is not written to.
        if person.anonymised_at is not None or person.restricted:
            continue
        long_term = service.summary(person.id, on=on).long_term
        if person.long_term_unemployed == long_term:
            continue
        person.long_term_unemployed = long_term
        toolkit.record_audit("update", person, actor_id=None,
                             detail={"fields": ["long_term_unemployed"],
                                     "reason": "long_term_recomputed", "day": day})
        changed += 1
    toolkit.db.session.flush()
    return {"checked": len(people), "changed": changed}


# Every night, after midnight has moved everyone's 24-month window on by a day.
add_beat_entry("labour-long-term-unemployment", SCHEDULE_TASK, crontab(minute=20, hour=1))
