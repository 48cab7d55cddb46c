"""Programme paths (the person's own and their families'), for the access export (see
mosty.privacy.sources). A path holds no free text, so anonymisation keeps it whole: target
group, status and dates are what the reports count."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..families.models import FamilyMember
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .models import Enrollment
from .service import EXIT_REASON_LABELS, STATUS_LABELS

TABLES = ("enrollment",)
MODULE = "enrollment"


def enrollments_about(participant_id):
    """SQL: the person's own paths and the paths of the families they belong to."""
    families = select(FamilyMember.family_id).where(FamilyMember.participant_id == participant_id)
    return select(Enrollment).where(or_(Enrollment.participant_id == participant_id,
                                        Enrollment.family_id.in_(families)))


def personal_data(participant):
    enrollments = db.session.scalars(
        enrollments_about(participant.id).options(joinedload(Enrollment.target_group))
        .order_by(Enrollment.recruited_on, Enrollment.id)).all()
    return [PersonalDataSection(module=MODULE, title=_l("Programme paths"), records=tuple({
        _l("Path of"): (_l("the person") if e.participant_id == participant.id
                        else _l("family no. %(id)s", id=e.family_id)),
        _l("Target group"): str(e.target_group) if e.target_group else None,
        _l("Stage"): STATUS_LABELS.get(e.status, e.status),
        _l("Recruited on"): e.recruited_on,
        _l("Eligible on"): e.eligible_on,
        _l("Started on"): e.started_on,
        _l("Ended on"): e.ended_on,
        _l("Exit reason"): EXIT_REASON_LABELS.get(e.exit_reason, e.exit_reason),
        _l("Kept until"): e.retention_until,
    } for e in enrollments))]


def anonymise_participant(participant):
    """Nothing to blank (see the module docstring)."""


def audit_objects(participant):
    return [("Enrollment", enrollment.id)
            for enrollment in db.session.scalars(enrollments_about(participant.id))]
