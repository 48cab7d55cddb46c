"""The retention schedule: every night, each partnership anonymises the people whose every
programme path has passed its retention date (``mosty.privacy.retention``)."""

from datetime import date

from sqlalchemy import select

from .. import dates
from ..extensions import db
from ..partnerships.models import Partnership
from ..tasks import partnership_task, system_task
from .retention import SYSTEM_ACTOR, anonymise_due


@system_task("mosty.privacy.anonymise_after_retention",
             reason="retention: start the anonymisation run of each partnership")
def anonymise_after_retention(today=None):
    """Fan out: one partnership task per partnership, keyed by the day, so a second run the
    same day (or a redelivered message) changes nothing."""
    day = today or dates.today().isoformat()
    partnership_ids = db.session.scalars(select(Partnership.id).order_by(Partnership.id)).all()
    # End the read first: without a broker the partnership tasks run right here, each in its
    # own session, and SQLite would keep them waiting behind this transaction.
    db.session.commit()
    for partnership_id in partnership_ids:
        anonymise_due_people.delay(partnership_id, SYSTEM_ACTOR, today=day,
                                   idempotency_key=f"privacy.retention:{partnership_id}:{day}")
    return {"partnerships": len(partnership_ids)}


@partnership_task("mosty.privacy.anonymise_due_people")
def anonymise_due_people(partnership_id, actor_id, today=None):
    """Anonymise the partnership's people past retention (already anonymised ones are skipped,
    so the task is safe to repeat)."""
    on = date.fromisoformat(today) if today else None
    return {"anonymised": anonymise_due(on, actor_id=actor_id)}
