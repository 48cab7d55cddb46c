"""Reading the instrument catalogue and enrolments."""

from flask import abort
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from mosty import toolkit

from ..registration.access import id_or_404

# The labels live in labels.py (the models declare them for the audit log); the pages and
# other modules read them here.
from .labels import ENROLMENT_STATUS_LABELS, KIND_LABELS  # noqa: F401
from .models import ActivationInstrument, InstrumentEnrolment


def catalogue(kind=None, office_id=None, current_only=True, today=None):
    """Instruments of the partnership's labour offices, soonest first."""
    today = today or toolkit.today()
    query = select(ActivationInstrument).options(joinedload(ActivationInstrument.institution))
    if kind in KIND_LABELS:
        query = query.where(ActivationInstrument.kind == kind)
    if office_id is not None:
        query = query.where(ActivationInstrument.institution_id == office_id)
    if current_only:
        query = query.where(or_(ActivationInstrument.ends_on.is_(None),
                                ActivationInstrument.ends_on >= today))
    return query.order_by(ActivationInstrument.starts_on, ActivationInstrument.id)


def offices():
    return list(toolkit.db.session.scalars(
        select(toolkit.Institution).where(toolkit.Institution.kind == "labour_office")
        .order_by(toolkit.by_name(toolkit.Institution.name))))


def instrument_or_404(instrument_id):
    instrument = toolkit.db.session.get(ActivationInstrument, id_or_404(instrument_id))
    if instrument is None:
        abort(404)
    return instrument


def open_instruments(office_id, today=None):
    """The office's instruments a person can still be placed on (not ended, places left)."""
    today = today or toolkit.today()
    return list(toolkit.db.session.scalars(
        select(ActivationInstrument).where(
            ActivationInstrument.institution_id == office_id,
            ActivationInstrument.places_taken < ActivationInstrument.capacity,
            or_(ActivationInstrument.ends_on.is_(None), ActivationInstrument.ends_on >= today))
        .order_by(ActivationInstrument.starts_on, ActivationInstrument.title)))


def roster(instrument_id):
    """Enrolments of the instrument with their people and attendance."""
    return list(toolkit.db.session.scalars(
        select(InstrumentEnrolment).where(InstrumentEnrolment.instrument_id == instrument_id)
        .options(joinedload(InstrumentEnrolment.participant),
                 selectinload(InstrumentEnrolment.attendance))
        .order_by(InstrumentEnrolment.enrolled_on, InstrumentEnrolment.id)))


def visible_enrolment_or_404(enrolment_id, institution_id):
    """An enrolment whose participant the institution may see; 404 otherwise."""
    id_or_404(enrolment_id)
    enrolment = toolkit.db.session.scalar(
        select(InstrumentEnrolment)
        .join(toolkit.Participant, toolkit.Participant.id == InstrumentEnrolment.participant_id)
        .where(InstrumentEnrolment.id == enrolment_id,
               toolkit.participant_visible_to(institution_id))
        .options(joinedload(InstrumentEnrolment.instrument)
                 .joinedload(ActivationInstrument.institution),
                 selectinload(InstrumentEnrolment.attendance)))
    if enrolment is None:
        abort(404)
    return enrolment


@toolkit.request_memo
def participant_enrolments(participant_id):
    return list(toolkit.db.session.scalars(
        select(InstrumentEnrolment).where(InstrumentEnrolment.participant_id == participant_id)
        .options(joinedload(InstrumentEnrolment.instrument)
                 .joinedload(ActivationInstrument.institution))
        .order_by(InstrumentEnrolment.enrolled_on.desc(), InstrumentEnrolment.id.desc())))


def enrollable_people(office_id, instrument_id, limit=500):
    """People the office may place on the instrument: it sees them, their processing is not
    restricted, it registered them or a consent names it, and they are not on it already."""
    participant = toolkit.Participant
    on_it = exists(select(InstrumentEnrolment.id).where(
        InstrumentEnrolment.instrument_id == instrument_id,
        InstrumentEnrolment.participant_id == participant.id,
        InstrumentEnrolment.status != "cancelled"))
    return list(toolkit.db.session.scalars(
        select(participant).where(
            toolkit.participant_visible_to(office_id), participant.restricted.is_(False),
            or_(participant.institution_id == office_id,
                toolkit.consent_covers(office_id, participant.id)),
            ~on_it)
        .order_by(toolkit.by_name(participant.last_name), toolkit.by_name(participant.first_name),
                  participant.id)
        .limit(limit)))
