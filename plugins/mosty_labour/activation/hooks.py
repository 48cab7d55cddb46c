"""Instrument enrolments on the participant page (panel and timeline), in the menu, in the
access export, in anonymisation, and the demo catalogue."""

from flask import url_for
from flask_babel import format_date  # the templates' date filter: the reader's locale
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import gettext as _
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from ..registration.access import is_clerk
from . import demo, service
from .models import InstrumentEnrolment


def menu_items(partnership, membership):
    return toolkit.MenuItem(module=KEY, label=_l("Activation instruments"),
                            endpoint=f"{KEY}.instruments", order=61)


def participant_panels(participant, membership):
    return toolkit.Panel(
        module=KEY, title=_l("Activation instruments"),
        template="labour/activation/_panel.html", order=41,
        context={"participant_id": participant.id,
                 "enrolments": service.participant_enrolments(participant.id),
                 "kinds": service.KIND_LABELS, "statuses": service.ENROLMENT_STATUS_LABELS,
                 "can_enrol": is_clerk() and not participant.restricted})


def timeline_entries(subject, membership):
    if not isinstance(subject, toolkit.Participant):
        return None
    entries = []
    for enrolment in service.participant_enrolments(subject.id):
        url = url_for(f"{KEY}.enrolment_detail", enrolment_id=enrolment.id)
        where = f"{enrolment.instrument.institution}, {enrolment.instrument.locality}"
        title = enrolment.instrument.title
        entries.append(toolkit.TimelineEntry(
            module=KEY, at=enrolment.enrolled_on,
            title=_l("Enrolled on %(title)s", title=title), detail=where, url=url))
        ended = {"completed": _l("Completed %(title)s", title=title),
                 "dropped_out": _l("Dropped out of %(title)s", title=title),
                 "cancelled": _l("Enrolment on %(title)s cancelled", title=title)}
        if enrolment.ended_on is not None and enrolment.status in ended:
            entries.append(toolkit.TimelineEntry(module=KEY, at=enrolment.ended_on,
                                                 title=ended[enrolment.status], detail=where,
                                                 url=url))
    return entries


def personal_data(participant):
    records = []
    for enrolment in service.participant_enrolments(participant.id):
        records.append({
            _("Instrument"): enrolment.instrument.title,
            _("Kind"): str(service.KIND_LABELS[enrolment.instrument.kind]),
            _("Labour office"): enrolment.instrument.institution.name,
            _("Enrolled on"): enrolment.enrolled_on,
            _("Status"): str(service.ENROLMENT_STATUS_LABELS[enrolment.status]),
            _("Ended on"): enrolment.ended_on,
            _("Note"): enrolment.end_note,
            # One text a day, its date in the reader's format (the export lists them).
            _("Attendance"): ["{}: {}".format(format_date(a.day),
                                              _("present") if a.present else _("absent"))
                              for a in enrolment.attendance],
        })
    return toolkit.PersonalDataSection(module=KEY, title=_l("Activation instruments"),
                                       records=tuple(records))


def anonymise_participant(participant):
    # The note is free text about the person; status, dates and attendance feed the statistics.
    for enrolment in toolkit.db.session.scalars(select(InstrumentEnrolment).where(
            InstrumentEnrolment.participant_id == participant.id)):
        enrolment.end_note = ""


def demo_data(partnerships):
    demo.load(partnerships)
