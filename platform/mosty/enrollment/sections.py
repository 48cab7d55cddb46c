"""The "Programme path" section and timeline entries of the participant and family pages."""

from flask import url_for

from ..i18n import lazy_gettext as _l
from ..participants.sections import (
    family_section,
    family_timeline,
    participant_section,
    participant_timeline,
)
from ..plugins.contributions import Panel, TimelineEntry
from . import service

MODULE = "enrollment"


def _path_panel(kind, subject, institution_id):
    enrollments = (service.enrollments_of(family_id=subject.id) if kind == "family"
                   else service.enrollments_of(participant_id=subject.id))
    current = service.open_enrollment(enrollments)
    # A person whose data may not be used (restricted, or the record closed) is not offered
    # a recruitment the path would refuse anyway.
    closed = kind == "participant" and (subject.restricted or subject.anonymised_at is not None)
    return Panel(
        module=MODULE, title=_l("Programme path"), template="enrollment/_section.html",
        order=10,
        context={
            "path_subject_kind": kind,
            "path_subject_id": subject.id,
            "path_enrollments": enrollments,
            "path_current": current,
            "path_groups": [] if current or closed else service.target_groups(kind),
            "path_closed": closed,
            "path_institution_id": institution_id,
            "path_status_labels": service.STATUS_LABELS,
            "path_exit_reason_labels": service.EXIT_REASON_LABELS,
            "path_exit_reasons": service.exit_reason_choices(),
            "path_next_steps": service.NEXT_STEPS,
            "path_default_retention": service.default_retention,
        },
    )


@participant_section
def participant_path_section(participant, institution_id):
    return _path_panel("participant", participant, institution_id)


@family_section
def family_path_section(family, institution_id):
    return _path_panel("family", family, institution_id)


def _path_events(enrollments):
    entries = []
    for enrollment in enrollments:
        group = enrollment.target_group
        url = url_for("enrollment.detail", enrollment_id=enrollment.id)
        entries.append(TimelineEntry(
            module=MODULE, at=enrollment.recruited_on, title=_l("Recruited to the programme"),
            detail=_l("target group %(group)s", group=group) if group else "", url=url))
        if enrollment.eligible_on:
            entries.append(TimelineEntry(module=MODULE, at=enrollment.eligible_on,
                                         title=_l("Eligibility confirmed"), url=url))
        if enrollment.started_on:
            entries.append(TimelineEntry(module=MODULE, at=enrollment.started_on,
                                         title=_l("Programme path started"), url=url))
        if enrollment.ended_on and enrollment.status == "completed":
            entries.append(TimelineEntry(module=MODULE, at=enrollment.ended_on,
                                         title=_l("Programme path completed"), url=url))
        elif enrollment.ended_on:
            entries.append(TimelineEntry(
                module=MODULE, at=enrollment.ended_on, title=_l("Left the programme"),
                detail=service.EXIT_REASON_LABELS.get(enrollment.exit_reason, ""), url=url))
    return entries


@participant_timeline
def participant_path_events(participant, institution_id):
    return _path_events(service.enrollments_of(participant_id=participant.id))


@family_timeline
def family_path_events(family, institution_id):
    return _path_events(service.enrollments_of(family_id=family.id))
