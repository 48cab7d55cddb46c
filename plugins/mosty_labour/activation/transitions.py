"""Instrument and enrolment rules, one function per change, each audited once.

A place is taken by one conditional UPDATE (``places_taken < capacity``) before the enrolment
row is written. The UPDATE locks the instrument row (PostgreSQL) or the database (SQLite)
until the transaction ends, so two clerks enrolling at once cannot both get the last place,
and the CHECK constraint on the table refuses an overfilled instrument whatever the code does.
A refused change may leave the session dirty: the caller rolls back.

Dates: an instrument starts from 2000 up to three years ahead and lasts at most three years;
its dates cannot be moved past what is recorded on it (enrolments, attendance). An enrolment
is dated within the instrument's dates and at most ``ENROLMENT_DAYS_AHEAD`` days ahead of
today (or of the instrument's start, when it starts later), and it never ends before it began.
"""

import contextlib
from datetime import timedelta

from sqlalchemy import func, select, update

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import INSTRUMENT_MONTHS_AHEAD, PROGRAMME_BEGINS, months_ahead, outside
from ..registration.access import has_consent_for
from .models import (
    FIXED_TERM_KINDS,
    INSTRUMENT_KINDS,
    ActivationInstrument,
    Attendance,
    InstrumentEnrolment,
)

INSTRUMENT_FIELDS = ("kind", "title", "locality", "teryt", "starts_on", "ends_on", "capacity",
                     "description")
# Far enough to recruit for an edition starting soon, not a slip such as 2099.
ENROLMENT_DAYS_AHEAD = 30
# A completed instrument of these kinds is also the person's outcome in the registry.
OUTCOME_KINDS = {"training": "training_completed"}


class ActivationRefused(Exception):
    """The change cannot be made; the message says why, in the user's language."""


def _check_instrument_values(values, places_taken=0):
    if values["kind"] not in INSTRUMENT_KINDS:
        raise ActivationRefused(_l("Choose one of the options offered."))
    if not (values.get("title") or "").strip():
        raise ActivationRefused(_l("Give the instrument a title."))
    if values.get("starts_on") is None:
        raise ActivationRefused(_l("Enter a date as YYYY-MM-DD."))
    wrong = outside(values["starts_on"], PROGRAMME_BEGINS, months_ahead(INSTRUMENT_MONTHS_AHEAD))
    if wrong is not None:
        raise ActivationRefused(_l("Start date: %(problem)s", problem=wrong))
    if values.get("ends_on") is None and values["kind"] in FIXED_TERM_KINDS:
        raise ActivationRefused(_l("This kind of instrument runs for a set time: give its end "
                                   "date (only grants, job placement and career counselling "
                                   "may have none)."))
    if values.get("ends_on") is not None and values["ends_on"] < values["starts_on"]:
        raise ActivationRefused(_l("The end date cannot be before the start date."))
    if values.get("ends_on") is not None and values["ends_on"] > months_ahead(
            INSTRUMENT_MONTHS_AHEAD, values["starts_on"]):
        raise ActivationRefused(_l("An instrument lasts at most three years: leave the end "
                                   "date empty for support without an end."))
    if values["capacity"] is None or values["capacity"] < 1:
        raise ActivationRefused(_l("The number of places must be at least 1."))
    if values["capacity"] < places_taken:
        raise ActivationRefused(_l("%(taken)d places are already taken: the number of places "
                                   "cannot be lower.", taken=places_taken))


def create_instrument(*, office_id, actor_id, **values):
    values = {name: values.get(name) for name in INSTRUMENT_FIELDS}
    _check_instrument_values(values)
    values["title"] = values["title"].strip()
    values["locality"] = (values["locality"] or "").strip()
    values["teryt"] = (values["teryt"] or "").strip()
    values["description"] = (values["description"] or "").strip()
    instrument = ActivationInstrument(institution_id=office_id, places_taken=0, **values)
    toolkit.db.session.add(instrument)
    toolkit.db.session.flush()
    toolkit.record_audit("create", instrument, actor_id=actor_id, institution_id=office_id,
                         detail={"kind": instrument.kind, "capacity": instrument.capacity})
    return instrument


def update_instrument(instrument, *, office_id, actor_id, **values):
    _own(instrument, office_id)
    values = {name: values.get(name) for name in INSTRUMENT_FIELDS}
    _check_instrument_values(values, places_taken=instrument.places_taken)
    _check_dates_keep_records(instrument, values["starts_on"], values["ends_on"])
    for text in ("title", "locality", "teryt", "description"):
        values[text] = (values[text] or "").strip()
    changed = sorted(n for n, v in values.items() if getattr(instrument, n) != v)
    for name, value in values.items():
        setattr(instrument, name, value)
    toolkit.record_audit("update", instrument, actor_id=actor_id, institution_id=office_id,
                         detail={"fields": changed})
    return instrument


def recorded_dates(instrument_id):
    """The first and the last day something is recorded on the instrument (an enrolment that
    was not cancelled, its start; an attendance day), or (None, None)."""
    enrolment = InstrumentEnrolment
    kept = (enrolment.instrument_id == instrument_id) & (enrolment.status != "cancelled")
    first, last = toolkit.db.session.execute(
        select(func.min(enrolment.enrolled_on), func.max(enrolment.enrolled_on))
        .where(kept)).one()
    first_day, last_day = toolkit.db.session.execute(
        select(func.min(Attendance.day), func.max(Attendance.day))
        .join(enrolment, enrolment.id == Attendance.enrolment_id).where(kept)).one()
    firsts = [d for d in (first, first_day) if d is not None]
    lasts = [d for d in (last, last_day) if d is not None]
    return (min(firsts) if firsts else None), (max(lasts) if lasts else None)


def _check_dates_keep_records(instrument, starts_on, ends_on):
    """A changed start or end cannot leave an enrolment or an attendance day outside the
    instrument's dates (an unchanged one is left alone, whatever was recorded before)."""
    if starts_on == instrument.starts_on and ends_on == instrument.ends_on:
        return
    first, last = recorded_dates(instrument.id)
    if starts_on != instrument.starts_on and first is not None and starts_on > first:
        raise ActivationRefused(_l("Enrolments or attendance are recorded from %(day)s: the "
                                   "instrument cannot start later.", day=first.isoformat()))
    if (ends_on != instrument.ends_on and ends_on is not None and last is not None
            and ends_on < last):
        raise ActivationRefused(_l("Enrolments or attendance are recorded up to %(day)s: the "
                                   "instrument cannot end earlier.", day=last.isoformat()))


def _check_enrolment_day(instrument, on, today):
    if on < instrument.starts_on:
        raise ActivationRefused(_l("The enrolment cannot be dated before the instrument starts "
                                   "(%(day)s).", day=instrument.starts_on.isoformat()))
    if on < PROGRAMME_BEGINS:  # whatever an instrument recorded before the bounds says
        raise ActivationRefused(outside(on, PROGRAMME_BEGINS, today))
    if instrument.ends_on is not None and instrument.ends_on < on:
        if instrument.ends_on < today:
            raise ActivationRefused(_l("This instrument has already ended."))
        raise ActivationRefused(_l("The enrolment cannot be dated after the instrument ends "
                                   "(%(day)s).", day=instrument.ends_on.isoformat()))
    latest = max(today, instrument.starts_on) + timedelta(days=ENROLMENT_DAYS_AHEAD)
    if on > latest:
        raise ActivationRefused(_l("The enrolment cannot be dated later than %(day)s: at most "
                                   "%(days)d days ahead of today, or of the instrument's start "
                                   "when it starts later.", day=latest.isoformat(),
                                   days=ENROLMENT_DAYS_AHEAD))


def _own(instrument, office_id):
    if instrument.institution_id != office_id:
        raise ActivationRefused(_l("Only the labour office that runs the instrument can "
                                   "change it."))


def _take_place(instrument):
    taken = toolkit.db.session.execute(
        update(ActivationInstrument)
        .where(ActivationInstrument.id == instrument.id,
               ActivationInstrument.places_taken < ActivationInstrument.capacity)
        .values(places_taken=ActivationInstrument.places_taken + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise ActivationRefused(_l("There are no places left on this instrument."))
    toolkit.db.session.refresh(instrument)


def _give_place_back(instrument):
    toolkit.db.session.execute(
        update(ActivationInstrument)
        .where(ActivationInstrument.id == instrument.id, ActivationInstrument.places_taken > 0)
        .values(places_taken=ActivationInstrument.places_taken - 1)
        .execution_options(synchronize_session=False))
    toolkit.db.session.refresh(instrument)


def enrol(participant, instrument, *, office_id, actor_id, on=None, referral_id=None):
    """Give the participant a place on the instrument, from ``on`` (by default today, or the
    instrument's start when it starts later)."""
    today = toolkit.today()
    on = on or max(today, instrument.starts_on)
    _own(instrument, office_id)
    if participant.restricted:
        raise ActivationRefused(_l("Processing of this person's data is restricted."))
    try:
        toolkit.ensure_not_restricted(participant)  # also refuses an anonymised record
    except toolkit.ProcessingRestricted as closed:
        raise ActivationRefused(str(closed)) from closed
    if not has_consent_for(participant, office_id):
        raise ActivationRefused(_l("There is no active consent naming your labour office for "
                                   "this person. The institution that registered them records "
                                   "the consent first."))
    _check_enrolment_day(instrument, on, today)
    _take_place(instrument)
    # Checked after the place is taken: the row lock makes two enrolments of one person wait
    # for each other, so the second one sees the first.
    already = toolkit.db.session.scalar(select(InstrumentEnrolment.id).where(
        InstrumentEnrolment.instrument_id == instrument.id,
        InstrumentEnrolment.participant_id == participant.id,
        InstrumentEnrolment.status != "cancelled"))
    if already is not None:
        raise ActivationRefused(_l("The person is already enrolled on this instrument."))
    enrolment = InstrumentEnrolment(instrument_id=instrument.id, participant_id=participant.id,
                                    referral_id=referral_id, status="enrolled", enrolled_on=on,
                                    end_note="", enrolled_by_id=actor_id)
    toolkit.db.session.add(enrolment)
    toolkit.db.session.flush()
    toolkit.record_audit("create", enrolment, actor_id=actor_id, institution_id=office_id,
                         detail={"participant_id": participant.id,
                                 "instrument_id": instrument.id, "referral_id": referral_id})
    return enrolment


def _end(enrolment, office_id, actor_id, to, on, note, **detail):
    _own(enrolment.instrument, office_id)
    if enrolment.status != "enrolled":
        raise ActivationRefused(_l("This enrolment has already ended."))
    if on is None or on > toolkit.today():
        raise ActivationRefused(_l("The date cannot be in the future."))
    if on < enrolment.enrolled_on:
        raise ActivationRefused(_l("The date cannot be before the enrolment."))
    previous = enrolment.status
    enrolment.status = to
    enrolment.ended_on = on
    enrolment.end_note = (note or "").strip()
    toolkit.record_audit("transition", enrolment, actor_id=actor_id, institution_id=office_id,
                         detail={"participant_id": enrolment.participant_id,
                                 "from": previous, "to": to, **detail})
    return enrolment


def complete_enrolment(enrolment, *, office_id, actor_id, on, note=""):
    """The participant completed the instrument on ``on``. A completed training is also the
    person's outcome in the registry ("training completed", as a hire is "job started"), so
    the family's figures, the animator's dashboard and the report count it."""
    _end(enrolment, office_id, actor_id, "completed", on, note)
    instrument = enrolment.instrument
    if instrument.kind not in OUTCOME_KINDS:
        return enrolment
    # A restricted person's data is not used for new records: the completion then stays in
    # the labour office's own register only. record_outcome writes the outcome's audit entry.
    with contextlib.suppress(toolkit.ProcessingRestricted):
        toolkit.record_outcome(enrolment.participant, institution_id=office_id, values={
            "kind": OUTCOME_KINDS[instrument.kind], "occurred_on": on, "employer": "",
            "contract_type": None, "hours_per_week": None, "note": instrument.title})
    return enrolment


def record_dropout(enrolment, *, office_id, actor_id, on, reason):
    """The participant dropped out on ``on``; the place stays used."""
    if not (reason or "").strip():
        raise ActivationRefused(_l("Give the reason for dropping out."))
    return _end(enrolment, office_id, actor_id, "dropped_out", on, reason)


def cancel_enrolment(enrolment, *, office_id, actor_id, reason):
    """Withdraw an enrolment before anything happened on it: the place is free again."""
    _own(enrolment.instrument, office_id)
    if enrolment.status != "enrolled":
        raise ActivationRefused(_l("This enrolment has already ended."))
    if enrolment.attendance:
        raise ActivationRefused(_l("Attendance is already recorded: record a drop-out "
                                   "instead."))
    if not (reason or "").strip():
        raise ActivationRefused(_l("Give the reason for cancelling."))
    enrolment.status = "cancelled"
    # An enrolment dated ahead and cancelled before it began ends on its first day, never
    # before it.
    enrolment.ended_on = max(toolkit.today(), enrolment.enrolled_on)
    enrolment.end_note = reason.strip()
    _give_place_back(enrolment.instrument)
    toolkit.record_audit("transition", enrolment, actor_id=actor_id, institution_id=office_id,
                         detail={"participant_id": enrolment.participant_id,
                                 "from": "enrolled", "to": "cancelled"})
    return enrolment


def attending_on(instrument, day):
    """Enrolments that were on the instrument on ``day`` (enrolled by then, not yet ended)."""
    return [e for e in instrument_enrolments(instrument.id)
            if e.status != "cancelled" and e.enrolled_on <= day
            and (e.ended_on is None or day <= e.ended_on)]


def instrument_enrolments(instrument_id):
    return list(toolkit.db.session.scalars(
        select(InstrumentEnrolment).where(InstrumentEnrolment.instrument_id == instrument_id)
        .order_by(InstrumentEnrolment.enrolled_on, InstrumentEnrolment.id)))


def record_attendance(instrument, *, office_id, actor_id, day, present_ids):
    """Present or absent on ``day`` for everyone on the instrument that day."""
    _own(instrument, office_id)
    if day is None or day > toolkit.today():
        raise ActivationRefused(_l("The date cannot be in the future."))
    if day < instrument.starts_on or (instrument.ends_on and day > instrument.ends_on):
        raise ActivationRefused(_l("The day must fall within the instrument's dates."))
    enrolments = attending_on(instrument, day)
    if not enrolments:
        raise ActivationRefused(_l("Nobody was on the instrument that day."))
    present_ids = set(present_ids)
    for enrolment in enrolments:
        record = next((a for a in enrolment.attendance if a.day == day), None)
        if record is None:
            record = Attendance(enrolment=enrolment, day=day)
            toolkit.db.session.add(record)
        record.present = enrolment.id in present_ids
        record.recorded_by_id = actor_id
    toolkit.db.session.flush()
    toolkit.record_audit("update", instrument, actor_id=actor_id, institution_id=office_id,
                         detail={"attendance_day": day.isoformat(),
                                 "enrolment_ids": [e.id for e in enrolments],
                                 "participant_ids": [e.participant_id for e in enrolments]})
    return enrolments
