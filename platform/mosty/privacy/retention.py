"""Retention and anonymisation.

Each programme path keeps the person's records until its retention date
(``Enrollment.retention_until``: by default MOSTY_RETENTION_YEARS after the path ends,
editable on the path's page). A person is anonymised once every path about them (their own and
their families') has ended and passed its retention date; a person with no path at all is never
anonymised by the schedule (an erasure request does it, see ``mosty.privacy.erasure``).

Anonymising blanks names, identifiers, contact data and free text through every core source and
the ``mosty_anonymise_participant`` hook, in one transaction, and keeps the rows, dates, sex,
year of birth, county, target groups and statuses, so the reports count the same.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import and_, exists, or_, select

from .. import audit, dates
from ..db import utcnow
from ..enrollment.models import Enrollment
from ..enrollment.privacy import enrollments_about
from ..enrollment.service import default_retention
from ..extensions import db
from ..families.models import FamilyMember
from ..participants.models import Participant
from ..plugins.manager import get_plugin_manager
from .rectification import history_paused
from .sources import core_sources

# Scheduled work has no signed-in user: the audit log shows no actor for it.
SYSTEM_ACTOR = 0


@dataclass(frozen=True)
class RetentionStatus:
    """Does a retention obligation apply to the person today, and until when?

    ``open``: a path has not ended, so the obligation lasts at least until it ends; ``until``:
    the latest retention date of the ended paths (the default one where none was set).
    """

    applies: bool
    until: date | None
    open: bool
    paths: int


def retention_status(participant, today=None):
    today = today or dates.today()
    enrollments = db.session.scalars(enrollments_about(participant.id)).all()
    # A path that ended before retention dates were set keeps the default date.
    retention_dates = [e.retention_until or default_retention(e.ended_on) for e in enrollments
                       if e.retention_until is not None or e.ended_on is not None]
    open_ = any(e.retention_until is None and e.ended_on is None for e in enrollments)
    until = max(retention_dates) if retention_dates else None
    applies = open_ or (until is not None and until >= today)
    return RetentionStatus(applies=applies, until=until, open=open_, paths=len(enrollments))


def _about(participant_id_column):
    # Correlated explicitly: two levels down, SQLAlchemy would otherwise add its own
    # "participant" to the FROM list and match every family.
    families = select(FamilyMember.family_id).where(
        FamilyMember.participant_id == participant_id_column).correlate_except(FamilyMember)
    return or_(Enrollment.participant_id == participant_id_column,
               Enrollment.family_id.in_(families))


def _default_kept_from(today):
    """Paths that ended on or after this day are still kept by the default retention date
    (``default_retention``: MOSTY_RETENTION_YEARS after the end)."""
    years = current_app.config["MOSTY_RETENTION_YEARS"]
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February: a path that ended on 28 February has passed its date
        return date(today.year - years, 3, 1)


def due_for_anonymisation(today=None):
    """SQL: people of the current partnership whose every path has passed its retention date
    (the same dates as ``retention_status``: a path that ended without a retention date of its
    own has the default one)."""
    today = today or dates.today()
    no_date = Enrollment.retention_until.is_(None)
    kept = exists(select(Enrollment.id).where(
        _about(Participant.id),
        or_(and_(no_date, Enrollment.ended_on.is_(None)),
            and_(no_date, Enrollment.ended_on >= _default_kept_from(today)),
            Enrollment.retention_until >= today)))
    has_paths = exists(select(Enrollment.id).where(_about(Participant.id)))
    return select(Participant).where(and_(Participant.anonymised_at.is_(None), has_paths,
                                          ~kept)).order_by(Participant.id)


def anonymise(participant, *, actor_id, institution_id=None, reason):
    """Anonymise the person (``reason``: "retention" or "erasure"); False if already done.

    Every source and every plugin runs in the caller's transaction: if one fails, the caller
    rolls back and nothing is anonymised.
    """
    if participant.anonymised_at is not None:
        return False
    with history_paused():
        for source in core_sources():
            source.anonymise_participant(participant)
        get_plugin_manager().hook.mosty_anonymise_participant(participant=participant)
        participant.anonymised_at = utcnow()
        db.session.flush()
    audit.record("update", participant,
                 actor_id=None if actor_id == SYSTEM_ACTOR else actor_id,
                 institution_id=institution_id,
                 detail={"anonymised": reason})
    return True


def anonymise_due(today=None, actor_id=SYSTEM_ACTOR):
    """Anonymise everyone due in the current partnership; the ids of those anonymised."""
    done = []
    for participant in db.session.scalars(due_for_anonymisation(today)).all():
        if anonymise(participant, actor_id=actor_id, reason="retention"):
            done.append(participant.id)
    return done
