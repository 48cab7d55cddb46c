"""Outcomes of participants (a job, a training, registration ended) and the follow-ups 3 and 6
months after a programme path ends."""

import calendar
from datetime import date

from flask_babel import format_date
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from .. import audit, dates
from ..enrollment.models import Enrollment
from ..enrollment.service import (
    ENDED_STATUSES,
    enrollment_visible_to,
    enrollments_of,
    ensure_subject_not_restricted,
    subject_of,
)
from ..extensions import db
from ..families.models import Family
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..partnerships.models import Institution
from ..privacy.restriction import ensure_not_restricted
from ..request_memo import request_memo
from ..resubmits import wait_for_the_first
from .labels import FOLLOW_UP_STATUS_LABELS, OUTCOME_KIND_LABELS  # noqa: F401 - read as service.X
from .models import FOLLOW_UP_MONTHS, FollowUp, Outcome

# Aliases for sorting by name, so the visibility subqueries (on the plain tables) stay apart.
_SortParticipant = aliased(Participant)
_SortFamily = aliased(Family)
DUE_SORTS = {
    "ended": Enrollment.ended_on,
    "name": func.coalesce(_SortParticipant.last_name, _SortFamily.name),
}


class FollowUpRefused(Exception):
    """The follow-up cannot be recorded; the message is readable. ``field``: the form field
    it is about, or None for the follow-up as a whole."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def add_months(day, months):
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def institution_names(ids):
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {i.id: i.name for i in db.session.scalars(
        select(Institution).where(Institution.id.in_(ids)))}


# --- outcomes ---------------------------------------------------------------------------------

class DuplicateOutcome(Exception):
    """The person already has this outcome (the form sent twice); ``str()`` is the message."""

    def __init__(self, existing):
        super().__init__(_l("This outcome is already recorded for the person: %(kind)s on "
                            "%(date)s. Nothing new was saved.",
                            kind=OUTCOME_KIND_LABELS.get(existing.kind, existing.kind),
                            date=format_date(existing.occurred_on)))
        self.existing = existing


def _plain(text):
    return " ".join((text or "").split()).casefold()


def same_outcome(participant_id, values):
    """The person's outcome that ``values`` would record again, or None: the same kind on the
    same day at the same employer, or, for an outcome without an employer (a training, the end
    of a registration), with the same note too, as the note tells two trainings apart. A
    person does not start the same job twice in a day, so no time window: a resent form
    counted twice would double the outcomes in the reports."""
    candidates = db.session.scalars(select(Outcome).where(
        Outcome.participant_id == participant_id, Outcome.kind == values["kind"],
        Outcome.occurred_on == values["occurred_on"]).order_by(Outcome.id))
    employer = _plain(values.get("employer"))
    for outcome in candidates:
        if _plain(outcome.employer) != employer:
            continue
        if employer or _plain(outcome.note) == _plain(values.get("note")):
            return outcome
    return None


def record_outcome(participant, *, institution_id, values, refuse_same=False):
    """A new outcome; refused (ProcessingRestricted) while processing is restricted or once
    the record is anonymised. With ``refuse_same`` (the outcome form, which may be sent twice)
    also refused (DuplicateOutcome) when the person already has it; callers with a guard of
    their own against repeats (the labour plugin's hire answers a candidate once, through
    mosty.toolkit) leave it off and need not handle that refusal."""
    ensure_not_restricted(participant)
    if refuse_same:
        wait_for_the_first(Participant, participant.id)
        existing = same_outcome(participant.id, values)
        if existing is not None:
            raise DuplicateOutcome(existing)
    outcome = Outcome(participant_id=participant.id, institution_id=institution_id, **values)
    db.session.add(outcome)
    db.session.flush()
    audit.record("create", outcome, detail={"fields": sorted(k for k, v in values.items() if v),
                                            "participant_id": participant.id,
                                            "kind": values["kind"]})
    return outcome


@request_memo
def outcomes_of(participant_id):
    return list(db.session.scalars(
        select(Outcome).where(Outcome.participant_id == participant_id)
        .order_by(Outcome.occurred_on.desc(), Outcome.id.desc())))


# --- follow-ups -------------------------------------------------------------------------------

def follow_ups_of(enrollment_id):
    """``{months: FollowUp}`` of one enrollment."""
    return {f.months: f for f in db.session.scalars(
        select(FollowUp).where(FollowUp.enrollment_id == enrollment_id))}


def follow_ups_of_enrollments(enrollment_ids):
    """``{enrollment id: {months: FollowUp}}``."""
    found = {}
    if enrollment_ids:
        for follow_up in db.session.scalars(
                select(FollowUp).where(FollowUp.enrollment_id.in_(enrollment_ids))):
            found.setdefault(follow_up.enrollment_id, {})[follow_up.months] = follow_up
    return found


def due_on(enrollment, months):
    return add_months(enrollment.ended_on, months) if enrollment.ended_on else None


# The follow-up is due on the day it may first be checked: that many calendar months after the
# path ended (clamped to a shorter month's end: ended 31 August, the 6-month one is 28 February).
earliest_check = due_on


def proposed_check_date(enrollment, months, today=None):
    """The check date the follow-up form proposes: today once the follow-up is due, otherwise
    none (a date before it would be refused, a later one is in the future)."""
    today = today or dates.today()
    due = due_on(enrollment, months) if months in FOLLOW_UP_MONTHS else None
    return today if due is not None and due <= today else None


def due_months(enrollment, recorded, today=None):
    """The follow-ups of an ended enrollment that are due and not recorded yet."""
    today = today or dates.today()
    if enrollment.status not in ENDED_STATUSES or enrollment.ended_on is None:
        return []
    return [m for m in FOLLOW_UP_MONTHS
            if m not in recorded and due_on(enrollment, m) <= today]


def due_follow_ups_query(institution_id, order, today=None):
    """Enrollments the institution ran that ended at least 3 (or 6) months ago and lack that
    follow-up; their participant or family must still be visible to the institution."""
    today = today or dates.today()

    def missing(months):
        return ~exists(select(FollowUp.id).where(FollowUp.enrollment_id == Enrollment.id,
                                                 FollowUp.months == months))

    due = [and_(Enrollment.ended_on <= add_months(today, -m), missing(m))
           for m in FOLLOW_UP_MONTHS]
    return (select(Enrollment)
            .outerjoin(_SortParticipant, _SortParticipant.id == Enrollment.participant_id)
            .outerjoin(_SortFamily, _SortFamily.id == Enrollment.family_id)
            .where(Enrollment.institution_id == institution_id,
                   Enrollment.status.in_(ENDED_STATUSES), Enrollment.ended_on.is_not(None),
                   enrollment_visible_to(institution_id), or_(*due))
            .order_by(order, Enrollment.id))


def subjects_of(enrollments):
    """``{enrollment id: participant or family}`` for a page of enrollments."""
    participant_ids = {e.participant_id for e in enrollments if e.participant_id}
    family_ids = {e.family_id for e in enrollments if e.family_id}
    people = {p.id: p for p in db.session.scalars(
        select(Participant).where(Participant.id.in_(participant_ids)))} if participant_ids else {}
    families = {f.id: f for f in db.session.scalars(
        select(Family).where(Family.id.in_(family_ids)))} if family_ids else {}
    return {e.id: people.get(e.participant_id) if e.participant_id else families.get(e.family_id)
            for e in enrollments}


def record_follow_up(enrollment, *, months, status, checked_on, note):
    """FollowUpRefused when the follow-up does not fit the path; ProcessingRestricted while the
    person's (or a family member's) processing is restricted, or the person is anonymised."""
    ensure_subject_not_restricted(subject_of(enrollment))
    if enrollment.status not in ENDED_STATUSES or enrollment.ended_on is None:
        raise FollowUpRefused(_l("Follow-ups are recorded after the programme path has ended."))
    if months not in FOLLOW_UP_MONTHS:
        raise FollowUpRefused(_l("Choose 3 or 6 months."))
    if months in follow_ups_of(enrollment.id):
        raise FollowUpRefused(_l("The follow-up after %(months)s months is already recorded.",
                                 months=months))
    earliest = earliest_check(enrollment, months)
    if checked_on < earliest:
        # The report's "situation 3 and 6 months after leaving" counts these: a check made
        # sooner says nothing about the situation that many months on.
        message = str(_l(
            "The follow-up after %(months)s months can be checked on %(date)s at the earliest "
            "(%(months)s months after the programme path ended).",
            months=months, date=format_date(earliest)))
        if checked_on < enrollment.ended_on:
            ended = _l("The check cannot be before the end of the programme path.")
            message = f"{ended} {message}"
        raise FollowUpRefused(message, field="checked_on")
    follow_up = FollowUp(enrollment_id=enrollment.id, months=months, status=status,
                         checked_on=checked_on, note=note)
    db.session.add(follow_up)
    db.session.flush()
    audit.record("create", follow_up, detail={"enrollment_id": enrollment.id, "months": months,
                                              "fields": ["status", "checked_on", "note"]})
    return follow_up


@request_memo
def follow_ups_for(participant_id=None, family_id=None):
    """``[(enrollment, {months: FollowUp})]`` of a participant's or family's ended paths."""
    # The paths the page's path section has read already, not a second statement; latest
    # end first (an ended path without its end date, which should not happen, first of all).
    enrollments = sorted(
        (e for e in enrollments_of(participant_id=participant_id, family_id=family_id)
         if e.status in ENDED_STATUSES),
        key=lambda e: (e.ended_on or date.max, e.id), reverse=True)
    recorded = follow_ups_of_enrollments([e.id for e in enrollments])
    return [(e, recorded.get(e.id, {})) for e in enrollments]
