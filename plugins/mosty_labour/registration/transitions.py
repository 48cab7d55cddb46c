"""Registration status changes, one function per transition, each audited once.

A person is registered at one labour office at a time: a new period cannot start while another
is open (at any office) or before the last one ended.
"""

from flask_babel import format_date
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import BENEFIT_MONTHS_AHEAD, REGISTRATIONS_BEGIN, months_ahead, outside
from .models import DEREGISTRATION_REASONS, PERIOD_STATUSES, LabourRegistration, RegistrationPeriod


class RegistrationRefused(Exception):
    """The change cannot be recorded; the message says why, in the user's language."""


def _periods_of(participant_id):
    return list(toolkit.db.session.scalars(
        select(RegistrationPeriod).join(LabourRegistration)
        .where(LabourRegistration.participant_id == participant_id)
        .order_by(RegistrationPeriod.registered_on, RegistrationPeriod.id)))


def _lock_person(participant_id):
    """Changes to one person's registration wait for each other (PostgreSQL row lock on the
    person), so a double click or two clerks at once cannot open two periods."""
    toolkit.db.session.execute(select(toolkit.Participant.id).where(
        toolkit.Participant.id == participant_id).with_for_update())


def _open_period_after_lock(registration):
    _lock_person(registration.participant_id)
    current = registration.open_period
    if current is not None:
        toolkit.db.session.refresh(current)  # another change may have ended it meanwhile
        if current.deregistered_on is not None:
            return None
    return current


def _check_day(day):
    if day is None:
        raise RegistrationRefused(_l("Enter a date as YYYY-MM-DD."))
    wrong = outside(day, REGISTRATIONS_BEGIN, toolkit.today())
    if wrong is not None:
        raise RegistrationRefused(wrong)


def _own(registration, office_id):
    if registration.institution_id != office_id:
        raise RegistrationRefused(_l("Only the labour office that keeps the registration "
                                     "can change it."))
    _record_open(registration.participant)


def _record_open(participant):
    """An anonymised person's record is closed: nothing new is recorded about them (and their
    registry record is not written to)."""
    if participant.anonymised_at is not None:
        try:
            toolkit.ensure_not_restricted(participant)
        except toolkit.ProcessingRestricted as closed:
            raise RegistrationRefused(str(closed)) from closed


def _with_import(detail, import_id):
    """Changes made by an import name the import batch in their audit entry."""
    return {**detail, "import_id": import_id} if import_id is not None else detail


# What the end of a registration says about the person's labour-market status in the registry.
_STATUS_AFTER = {"employment": "employed", "business": "self_employed"}
_UNEMPLOYED = ("registered_unemployed", "unregistered_unemployed")


def _sync_registry(participant):
    """Copy the office's status onto the person's registry record, so that every institution
    that sees the person (and the eligibility rules) reads what the office recorded, even
    where the labour module is not granted. Returns the names of the fields that changed.

    The registry knows no "job seeker": when a registered unemployed person becomes a job
    seeker or is deregistered for a reason other than work, the registry says "unemployed,
    not registered" until a caseworker records what the person does now."""
    from . import service  # service imports the activation models; keep this module light

    summary = service.summary(participant.id)
    values = {"long_term_unemployed": summary.long_term}
    if summary.status == "unemployed":
        values["labour_status"] = "registered_unemployed"
        if participant.labour_status != "registered_unemployed" or (
                participant.unemployed_since is None):
            values["unemployed_since"] = summary.since
    elif summary.status == "deregistered" and summary.reason in _STATUS_AFTER:
        values["labour_status"] = _STATUS_AFTER[summary.reason]
        values["unemployed_since"] = None
    elif participant.labour_status == "registered_unemployed":
        values["labour_status"] = "unregistered_unemployed"
    if summary.registration is not None and summary.registration.case_no:
        values["labour_office_case_no"] = summary.registration.case_no
    # The participant form's rule (ParticipantForm.values): a contract goes with "employed", the
    # unemployment date and the long-term flag with an unemployed status. A pair left otherwise
    # would be dropped by the next save of the form, unasked.
    status = values.get("labour_status", participant.labour_status)
    if status != "employed":
        values["contract_type"] = None
    if status not in _UNEMPLOYED:
        values["unemployed_since"] = None
        values["long_term_unemployed"] = False
    changed = sorted(name for name, value in values.items()
                     if getattr(participant, name) != value)
    for name in changed:
        setattr(participant, name, values[name])
    return changed


def register_person(participant, *, office_id, actor_id, status, registered_on, case_no=None,
                    import_id=None):
    """Open a registration period at the office (creating the person's file there)."""
    if status not in PERIOD_STATUSES:
        raise RegistrationRefused(_l("Choose one of the options offered."))
    _check_day(registered_on)
    if participant.restricted:
        raise RegistrationRefused(_l("Processing of this person's data is restricted."))
    _record_open(participant)
    _lock_person(participant.id)
    periods = _periods_of(participant.id)
    if any(p.is_open for p in periods):
        raise RegistrationRefused(_l("The person is already registered. Deregister them or "
                                     "change the status instead."))
    if periods and registered_on < periods[-1].deregistered_on:
        raise RegistrationRefused(_l("The new registration cannot start before the previous "
                                     "one ended (%(day)s).",
                                     day=periods[-1].deregistered_on.isoformat()))
    registration = toolkit.db.session.scalar(select(LabourRegistration).where(
        LabourRegistration.participant_id == participant.id,
        LabourRegistration.institution_id == office_id))
    if registration is None:
        registration = LabourRegistration(participant_id=participant.id, institution_id=office_id,
                                          case_no="", benefit_entitled=False)
        toolkit.db.session.add(registration)
    if case_no is not None and case_no.strip():
        registration.case_no = case_no.strip()
    period = RegistrationPeriod(registration=registration, status=status,
                                registered_on=registered_on, deregistration_reason="",
                                recorded_by_id=actor_id)
    toolkit.db.session.add(period)
    toolkit.db.session.flush()
    toolkit.db.session.expire(registration, ["periods"])
    registry_fields = _sync_registry(participant)
    toolkit.record_audit("create", period, actor_id=actor_id, institution_id=office_id,
                         detail=_with_import({"participant_id": participant.id,
                                              "registration_id": registration.id,
                                              "status": status,
                                              "registry_fields": registry_fields}, import_id))
    return period


def change_status(registration, *, office_id, actor_id, status, on):
    """Unemployed ↔ job seeker: the open period ends on ``on`` and a new one starts."""
    _own(registration, office_id)
    current = _open_period_after_lock(registration)
    if current is None:
        raise RegistrationRefused(_l("The person is not registered at the moment."))
    if status not in PERIOD_STATUSES or status == current.status:
        raise RegistrationRefused(_l("Choose a status different from the current one."))
    _check_day(on)
    if on < current.registered_on:
        raise RegistrationRefused(_l("The date cannot be before the current registration "
                                     "began."))
    current.deregistered_on = on
    current.deregistration_reason = "status_changed"
    period = RegistrationPeriod(registration=registration, status=status, registered_on=on,
                                deregistration_reason="", recorded_by_id=actor_id)
    toolkit.db.session.add(period)
    toolkit.db.session.flush()
    registry_fields = _sync_registry(registration.participant)
    toolkit.record_audit("transition", registration, actor_id=actor_id, institution_id=office_id,
                         detail={"participant_id": registration.participant_id,
                                 "from": current.status, "to": status,
                                 "period_id": period.id, "registry_fields": registry_fields})
    return period


def deregister(registration, *, office_id, actor_id, on, reason, import_id=None):
    """End the open period on ``on`` (the first day no longer registered) with a reason."""
    _own(registration, office_id)
    current = _open_period_after_lock(registration)
    if current is None:
        raise RegistrationRefused(_l("The person is not registered at the moment."))
    if reason not in DEREGISTRATION_REASONS or reason == "status_changed":
        raise RegistrationRefused(_l("Choose the reason for deregistration."))
    _check_day(on)
    if on < current.registered_on:
        raise RegistrationRefused(_l("The date cannot be before the current registration "
                                     "began."))
    current.deregistered_on = on
    current.deregistration_reason = reason
    toolkit.db.session.flush()
    registry_fields = _sync_registry(registration.participant)
    toolkit.record_audit("transition", registration, actor_id=actor_id, institution_id=office_id,
                         detail=_with_import({"participant_id": registration.participant_id,
                                              "from": current.status, "to": "deregistered",
                                              "reason": reason, "period_id": current.id,
                                              "registry_fields": registry_fields},
                                             import_id))
    return current


def registration_start(registration):
    """The first day of the office's current (or last) registration: the last period's start,
    or where that period only followed a change of status (unemployed ↔ job seeker), the start
    of the first period of that unbroken run. None without periods."""
    periods = list(registration.periods)
    if not periods:
        return None
    start = periods[-1]
    for earlier in reversed(periods[:-1]):
        if (earlier.deregistration_reason != "status_changed"
                or earlier.deregistered_on != start.registered_on):
            break
        start = earlier
    return start.registered_on


def benefit_end_problem(registration, benefit_until):
    """Why the benefit cannot end on ``benefit_until``, or None: it is paid from the
    registration on, so it cannot end before it (the import's rule, with its message). A date
    already recorded is left alone, so that a file saved before this rule can still have its
    case number changed."""
    if benefit_until is None or benefit_until == registration.benefit_until:
        return None
    start = registration_start(registration)
    if start is not None and benefit_until < start:
        return _l("The benefit cannot end before the registration (%(day)s).",
                  day=format_date(start))
    return None


def update_details(registration, *, office_id, actor_id, case_no, benefit_entitled,
                   benefit_until, import_id=None):
    """The office's case number and the entitlement to benefit. The benefit's end may lie
    ahead (up to ``BENEFIT_MONTHS_AHEAD`` months) while the person is registered; a new end
    cannot be before the registration began, nor, once the registration has ended, after the
    deregistration."""
    _own(registration, office_id)
    if benefit_until is not None and not benefit_entitled:
        raise RegistrationRefused(_l("A benefit end date needs the entitlement to benefit."))
    if benefit_until is not None:
        # Usually in the future (the benefit runs on): only a slip of the keyboard is refused.
        wrong = outside(benefit_until, REGISTRATIONS_BEGIN, months_ahead(BENEFIT_MONTHS_AHEAD))
        if wrong is not None:
            raise RegistrationRefused(wrong)
    problem = benefit_end_problem(registration, benefit_until)
    if problem is not None:
        raise RegistrationRefused(problem)
    last = registration.last_period
    if (benefit_until is not None and benefit_until != registration.benefit_until
            and last is not None and last.deregistered_on is not None
            and benefit_until > last.deregistered_on):
        # The benefit stops with the deregistration: a closed file's benefit has ended. (A date
        # recorded before is left alone when only the case number changes.)
        raise RegistrationRefused(_l("The benefit stops with the deregistration: it cannot end "
                                     "after %(day)s.", day=last.deregistered_on.isoformat()))
    values = {"case_no": (case_no or "").strip(), "benefit_entitled": bool(benefit_entitled),
              "benefit_until": benefit_until}
    changed = sorted(name for name, value in values.items()
                     if getattr(registration, name) != value)
    for name, value in values.items():
        setattr(registration, name, value)
    toolkit.db.session.flush()
    registry_fields = _sync_registry(registration.participant)
    toolkit.record_audit("update", registration, actor_id=actor_id, institution_id=office_id,
                         detail=_with_import({"participant_id": registration.participant_id,
                                              "fields": changed,
                                              "registry_fields": registry_fields}, import_id))
    return registration
