"""Reading registration status: the person's files at labour offices, the current status and
long-term unemployment on a given day."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..activation.models import ActivationInstrument, InstrumentEnrolment
from . import rules
from .models import LabourRegistration

STATUS_LABELS = {
    "unemployed": _l("registered unemployed"),
    "job_seeker": _l("job seeker"),
    "deregistered": _l("deregistered"),
    "not_registered": _l("not registered at a labour office"),
}
PERIOD_STATUS_LABELS = {"unemployed": _l("unemployed"), "job_seeker": _l("job seeker")}
DEREGISTRATION_REASON_LABELS = {
    "employment": _l("took up employment or other paid work"),
    "business": _l("started a business"),
    "refused_offer": _l("refused a suitable job offer or form of help"),
    "no_show": _l("did not report on the set date"),
    "own_request": _l("at own request"),
    "pension": _l("acquired the right to a pension"),
    "education": _l("took up full-time education"),
    "other": _l("other reason"),
    "status_changed": _l("status changed"),
}


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
    on = on or date.today()
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

