"""Rectification with history (GDPR art. 16): every change to a participant's personal fields
keeps the old and the new value, who changed it and when.

A listener on the session writes the history, so every edit path (the participant form, the
administration, a module through the toolkit) is covered without each remembering to.
Anonymisation switches it off: its whole point is that the old values are gone.
"""

from contextlib import contextmanager
from datetime import date, datetime

from flask_babel import format_date
from sqlalchemy import event, inspect, select

from .. import audit
from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants import labels
from ..participants.labels import FIELD_LABELS
from ..participants.models import Participant
from ..tenancy.orm import TenantSession
from .models import Rectification

_PAUSED = "mosty_rectification_paused"

# The history keeps values as stored (codes, ISO dates, "yes"/"no"); the page and the access
# export show them as the participant's page does: labels in the reader's language.
VALUE_LABELS = {
    "sex": labels.SEX_LABELS,
    "registered_area": labels.AREA_LABELS,
    "actual_area": labels.AREA_LABELS,
    "education": labels.EDUCATION_LABELS,
    "labour_status": labels.LABOUR_STATUS_LABELS,
    "contract_type": labels.CONTRACT_LABELS,
    "disability_level": labels.DISABILITY_LABELS,
}
DATE_FIELDS = ("birth_date", "unemployed_since")
YES_NO_FIELDS = ("long_term_unemployed",)
YES_NO = {"yes": _l("yes"), "no": _l("no")}


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


@contextmanager
def history_paused(session=None):
    """Changes inside this block leave no history (anonymisation only)."""
    session = session or db.session()
    session.info[_PAUSED] = session.info.get(_PAUSED, 0) + 1
    try:
        yield
    finally:
        session.info[_PAUSED] -= 1


@event.listens_for(TenantSession, "before_flush")
def _record_rectifications(session, flush_context, instances):
    if session.info.get(_PAUSED):
        return
    for participant in [o for o in session.dirty if isinstance(o, Participant)]:
        state = inspect(participant)
        changes = []
        for name in FIELD_LABELS:
            history = state.attrs[name].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if as_text(old) != as_text(new):
                changes.append((name, as_text(old), as_text(new)))
        if not changes:
            continue
        actor_id, institution_id = audit.current_actor()
        at = utcnow()
        for name, old, new in changes:
            # Stamped here: rows added during a flush may miss the wall's own stamping.
            session.add(Rectification(
                partnership_id=participant.partnership_id, participant_id=participant.id,
                field=name, old_value=old, new_value=new, changed_at=at,
                changed_by_id=actor_id, institution_id=institution_id))


def history_of(participant_id):
    """The participant's changes, newest first."""
    return list(db.session.scalars(
        select(Rectification).where(Rectification.participant_id == participant_id)
        .order_by(Rectification.changed_at.desc(), Rectification.id.desc())))


def field_label(name):
    return FIELD_LABELS.get(name, name)


def value_text(field, stored):
    """A value of the history as people read it: an empty one is "not given" (a field first
    filled in, or cleared), a code its label, a date in the reader's format."""
    if not stored:
        return labels.NOT_GIVEN
    if field in VALUE_LABELS:
        return VALUE_LABELS[field].get(stored, stored)
    if field in DATE_FIELDS:
        try:
            return format_date(date.fromisoformat(stored))
        except ValueError:
            return stored
    if field in YES_NO_FIELDS:
        return YES_NO.get(stored, stored)
    return stored
