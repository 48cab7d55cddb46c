"""Outcomes and follow-ups of a person, for the access export and anonymisation (see
mosty.privacy.sources)."""

from sqlalchemy import select, update

from ..enrollment.models import Enrollment
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.labels import CONTRACT_LABELS
from ..plugins.contributions import PersonalDataSection
from .models import FollowUp, Outcome
from .service import FOLLOW_UP_STATUS_LABELS, OUTCOME_KIND_LABELS

TABLES = ("outcome", "follow_up")
MODULE = "outcomes"


def _own_enrollments(participant_id):
    return select(Enrollment.id).where(Enrollment.participant_id == participant_id)


def personal_data(participant):
    outcomes = db.session.scalars(select(Outcome).where(Outcome.participant_id == participant.id)
                                  .order_by(Outcome.occurred_on, Outcome.id)).all()
    follow_ups = db.session.scalars(
        select(FollowUp).where(FollowUp.enrollment_id.in_(_own_enrollments(participant.id)))
        .order_by(FollowUp.checked_on, FollowUp.id)).all()
    return [
        PersonalDataSection(module=MODULE, title=_l("Outcomes"), records=tuple({
            _l("Outcome"): OUTCOME_KIND_LABELS.get(o.kind, o.kind),
            _l("Date"): o.occurred_on,
            _l("Employer"): o.employer,
            _l("Contract type"): CONTRACT_LABELS.get(o.contract_type, o.contract_type),
            _l("Hours per week"): o.hours_per_week,
            _l("Note"): o.note,
        } for o in outcomes)),
        PersonalDataSection(module=MODULE, title=_l("Follow-ups"), records=tuple({
            _l("Months after the end"): f.months,
            _l("Situation"): FOLLOW_UP_STATUS_LABELS.get(f.status, f.status),
            _l("Checked on"): f.checked_on,
            _l("Note"): f.note,
        } for f in follow_ups)),
    ]


def anonymise_participant(participant):
    """Notes and the employer's name go (a small employer points at the person); kinds,
    contracts, hours, statuses and dates stay for the reports."""
    db.session.execute(update(Outcome).where(Outcome.participant_id == participant.id)
                       .values(employer="", note=""))
    db.session.execute(update(FollowUp)
                       .where(FollowUp.enrollment_id.in_(_own_enrollments(participant.id)))
                       .values(note=""))


def audit_objects(participant):
    outcomes = db.session.scalars(select(Outcome.id).where(
        Outcome.participant_id == participant.id))
    follow_ups = db.session.scalars(select(FollowUp.id).where(
        FollowUp.enrollment_id.in_(_own_enrollments(participant.id))))
    return [("Outcome", i) for i in outcomes] + [("FollowUp", i) for i in follow_ups]
