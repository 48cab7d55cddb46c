"""Reading registration status: the person's files at labour offices, the current status and
long-term unemployment on a given day."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mosty import toolkit

from ..activation.models import ActivationInstrument, InstrumentEnrolment
from . import rules

# The labels live in labels.py (the models declare them for the audit log); the pages and
# other modules read them here.
from .labels import (
    DEREGISTRATION_REASON_LABELS,
    PERIOD_STATUS_LABELS,  # noqa: F401
    STATUS_LABELS,
)
from .models import LabourRegistration


@dataclass
class RegistrationSummary:
    """What the participant page and the registration page show."""

    status: str
    since: date | None = None
    office: object = None
    registration: object = None
    deregistered_on: date | None = None
    reason: str = ""
    long_term: bool = False
    time_registered: rules.Duration = field(default_factory=rules.Duration)
    registrations: list = field(default_factory=list)

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def reason_label(self):
        return DEREGISTRATION_REASON_LABELS.get(self.reason, self.reason)


@toolkit.request_memo
def registrations_of(participant_id):
    """The person's files at every labour office, with their periods."""
    return list(toolkit.db.session.scalars(
        select(LabourRegistration).where(LabourRegistration.participant_id == participant_id)
        .options(selectinload(LabourRegistration.periods),
                 selectinload(LabourRegistration.institution))
        .order_by(LabourRegistration.id)))


def registration_at(participant_id, office_id):
    return toolkit.db.session.scalar(select(LabourRegistration).where(
        LabourRegistration.participant_id == participant_id,
        LabourRegistration.institution_id == office_id))


def internships_of(participant_id):
    """(start, end) of the person's internships, left out of the long-term count by law."""
    rows = toolkit.db.session.execute(
        select(InstrumentEnrolment.enrolled_on, InstrumentEnrolment.ended_on,
               ActivationInstrument.starts_on, ActivationInstrument.ends_on)
        .join(ActivationInstrument, ActivationInstrument.id == InstrumentEnrolment.instrument_id)
        .where(InstrumentEnrolment.participant_id == participant_id,
               ActivationInstrument.kind == "internship",
               InstrumentEnrolment.status != "cancelled"))
    return [(max(enrolled, starts), ended or ends) for enrolled, ended, starts, ends in rows]


def summary(participant_id, on=None):
    """Current status, the office, and long-term unemployment on ``on`` (today)."""
    on = on or toolkit.today()
    registrations = registrations_of(participant_id)
    periods = sorted(((p, r) for r in registrations for p in r.periods),
                     key=lambda pair: (pair[0].registered_on, pair[0].id))
    if not periods:
        return RegistrationSummary(status="not_registered")
    unemployed = [(p.registered_on, p.deregistered_on) for p, _r in periods
                  if p.status == "unemployed"]
    excluded = internships_of(participant_id)
    latest, registration = periods[-1]
    result = RegistrationSummary(
        status=latest.status if latest.is_open else "deregistered",
        since=latest.registered_on, office=registration.institution, registration=registration,
        deregistered_on=latest.deregistered_on, reason=latest.deregistration_reason,
        long_term=rules.is_long_term_unemployed(unemployed, on, excluded),
        time_registered=rules.time_registered(unemployed, on, excluded),
        registrations=registrations,
    )
    return result


def office_register(office_id):
    """Query of the office's files on people the office may see, newest first."""
    return (select(LabourRegistration)
            .join(toolkit.Participant,
                  toolkit.Participant.id == LabourRegistration.participant_id)
            .where(LabourRegistration.institution_id == office_id,
                   toolkit.participant_visible_to(office_id))
            .options(selectinload(LabourRegistration.periods),
                     selectinload(LabourRegistration.participant))
            .order_by(toolkit.by_name(toolkit.Participant.last_name),
                      toolkit.by_name(toolkit.Participant.first_name),
                      LabourRegistration.id))

