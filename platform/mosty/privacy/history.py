"""The privacy package's own person-linked rows as a source (see mosty.privacy.sources):
rectification history, restriction changes and erasure requests."""

from sqlalchemy import select, update

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..partnerships.models import Institution
from ..plugins.contributions import PersonalDataSection
from .models import ErasureRequest, Rectification, RestrictionChange
from .rectification import field_label, value_text

TABLES = ("rectification", "restriction_change", "erasure_request")
MODULE = "privacy"
OUTCOME_LABELS = {"refused": _l("refused"), "carried_out": _l("carried out")}


def _institution_names():
    return dict(db.session.execute(select(Institution.id, Institution.name)).all())


def personal_data(participant):
    names = _institution_names()
    changes = db.session.scalars(select(Rectification).where(
        Rectification.participant_id == participant.id).order_by(Rectification.changed_at)).all()
    restrictions = db.session.scalars(select(RestrictionChange).where(
        RestrictionChange.participant_id == participant.id)
        .order_by(RestrictionChange.changed_at)).all()
    requests = db.session.scalars(select(ErasureRequest).where(
        ErasureRequest.participant_id == participant.id)
        .order_by(ErasureRequest.received_on, ErasureRequest.id)).all()
    return [
        PersonalDataSection(module=MODULE, title=_l("Corrections of the record"), records=tuple({
            _l("Field"): field_label(c.field),
            _l("Old value"): value_text(c.field, c.old_value),
            _l("New value"): value_text(c.field, c.new_value),
            _l("Changed on"): c.changed_at,
            _l("Institution"): names.get(c.institution_id),
        } for c in changes)),
        PersonalDataSection(module=MODULE, title=_l("Restriction of processing"),
                            records=tuple({
            _l("Change"): _l("restricted") if r.restricted else _l("restriction lifted"),
            _l("Reason"): r.reason,
            _l("On"): r.changed_at,
            _l("Institution"): names.get(r.institution_id),
        } for r in restrictions)),
        PersonalDataSection(module=MODULE, title=_l("Erasure requests"), records=tuple({
            _l("Received on"): e.received_on,
            _l("Outcome"): OUTCOME_LABELS.get(e.outcome, e.outcome),
            _l("Kept until"): e.retention_until,
            _l("Institution"): names.get(e.institution_id),
        } for e in requests)),
    ]


def anonymise_participant(participant):
    """The history's values and the restriction reasons go; which field changed, and when,
    stays (it identifies no one)."""
    db.session.execute(update(Rectification).where(
        Rectification.participant_id == participant.id).values(old_value="", new_value=""))
    db.session.execute(update(RestrictionChange).where(
        RestrictionChange.participant_id == participant.id).values(reason=""))


def audit_objects(participant):
    restrictions = db.session.scalars(select(RestrictionChange.id).where(
        RestrictionChange.participant_id == participant.id))
    requests = db.session.scalars(select(ErasureRequest.id).where(
        ErasureRequest.participant_id == participant.id))
    return ([("RestrictionChange", i) for i in restrictions]
            + [("ErasureRequest", i) for i in requests])
