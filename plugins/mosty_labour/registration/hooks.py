"""Registration status on the participant page (panel and timeline), in the menu, in the
access export and in anonymisation."""

from flask import url_for
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import gettext as _
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from . import demo, service
from .access import is_clerk, keeps_office_lists
from .imports import RegistrationImport
from .models import LabourRegistration


def menu_items(partnership, membership):
    if not keeps_office_lists(membership):
        return None  # the register lists the people of a labour office, for its case staff
    return toolkit.MenuItem(module=KEY, label=_l("Register of the labour office"),
                            endpoint=f"{KEY}.registration_list", order=62)


def exchange_formats():
    return toolkit.ExchangeFormat(
        module=KEY, key="registrations",
        name=_l("Registration statuses from the labour office's system"),
        direction="import", handler=RegistrationImport())


def participant_panels(participant, membership):
    return toolkit.Panel(
        module=KEY, title=_l("Labour office registration"),
        template="labour/registration/_panel.html", order=40,
        context={"participant_id": participant.id, "summary": service.summary(participant.id),
                 "can_write": is_clerk()})


def timeline_entries(subject, membership):
    if not isinstance(subject, toolkit.Participant):
        return None
    url = url_for(f"{KEY}.registration_detail", participant_id=subject.id)
    entries = []
    for registration in service.registrations_of(subject.id):
        office = str(registration.institution)
        previous = None
        for period in registration.periods:
            status = service.PERIOD_STATUS_LABELS[period.status]
            if previous is not None and previous.deregistration_reason == "status_changed":
                title = _l("Labour office status changed: %(status)s", status=status)
            else:
                title = _l("Registered at the labour office: %(status)s", status=status)
            entries.append(toolkit.TimelineEntry(module=KEY, at=period.registered_on,
                                                 title=title, detail=office, url=url))
            if period.deregistered_on and period.deregistration_reason != "status_changed":
                reason = service.DEREGISTRATION_REASON_LABELS.get(
                    period.deregistration_reason, period.deregistration_reason)
                entries.append(toolkit.TimelineEntry(
                    module=KEY, at=period.deregistered_on,
                    title=_l("Deregistered from the labour office"),
                    detail=f"{office}: {reason}", url=url))
            previous = period
    return entries


def personal_data(participant):
    records = []
    for registration in service.registrations_of(participant.id):
        for period in registration.periods:
            records.append({
                _("Labour office"): registration.institution.name,
                _("Case number"): registration.case_no,
                _("Entitled to unemployment benefit"): registration.benefit_entitled,
                # Dates as dates: the export shows them in the reader's format.
                _("Benefit until"): registration.benefit_until,
                _("Registered as"): str(service.PERIOD_STATUS_LABELS[period.status]),
                _("Registered on"): period.registered_on,
                _("Deregistered on"): period.deregistered_on,
                _("Reason for deregistration"): (
                    str(service.DEREGISTRATION_REASON_LABELS.get(
                        period.deregistration_reason, period.deregistration_reason))
                    if period.deregistration_reason else None),
            })
    return toolkit.PersonalDataSection(module=KEY, title=_l("Labour office registration"),
                                       records=tuple(records))


def anonymise_participant(participant):
    # The case number identifies the person at the office; dates, statuses and reasons are
    # what the statistics count, so they stay.
    for registration in toolkit.db.session.scalars(select(LabourRegistration).where(
            LabourRegistration.participant_id == participant.id)):
        registration.case_no = ""


def demo_data(partnerships):
    demo.load(partnerships)
