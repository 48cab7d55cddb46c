"""Referrals about a person, for the access export and anonymisation (see
mosty.privacy.sources)."""

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .forms import SHAREABLE_FIELD_LABELS
from .models import Referral

TABLES = ("referral",)
MODULE = "referrals"
STATUS_LABELS = {
    "sent": _l("waiting for an answer"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
    "completed": _l("completed"),
}


def personal_data(participant):
    referrals = db.session.scalars(
        select(Referral).where(Referral.participant_id == participant.id)
        .options(joinedload(Referral.from_institution), joinedload(Referral.to_institution),
                 joinedload(Referral.service))
        .order_by(Referral.sent_at, Referral.id)).all()
    return [PersonalDataSection(module=MODULE, title=_l("Referrals"), records=tuple({
        _l("From"): r.from_institution.name,
        _l("To"): r.to_institution.name,
        _l("Requested service"): r.service.name if r.service else None,
        _l("Status"): STATUS_LABELS.get(r.status, r.status),
        _l("Reason"): r.reason,
        _l("Data shared"): [SHAREABLE_FIELD_LABELS.get(f, f) for f in r.shared_fields or []],
        _l("Sent"): r.sent_at,
        _l("Answer due by"): r.due_on,
        _l("Answered"): r.answered_at,
        _l("Reason for declining"): r.decline_reason,
        _l("Result"): r.result,
        _l("Completed"): r.completed_at,
    } for r in referrals))]


def anonymise_participant(participant):
    """Free text goes; institutions, status and dates stay for the reports."""
    db.session.execute(update(Referral).where(Referral.participant_id == participant.id)
                       .values(reason="", decline_reason="", result=""))


def audit_objects(participant):
    return [("Referral", referral_id) for referral_id in db.session.scalars(
        select(Referral.id).where(Referral.participant_id == participant.id))]
