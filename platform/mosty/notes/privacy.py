"""Case notes of a person, for the access export and anonymisation (see
mosty.privacy.sources).

The export is for the person, but it is prepared by a member of staff: a caseworker of another
institution gets the sensitive notes as withheld (the sensitivity rule of mosty.notes.service
holds here too); the partnership admin, answering the data protection officer's request, gets
them whole.
"""

from flask import g, has_request_context
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..plugins.contributions import PersonalDataSection
from .models import CaseNote
from .service import CATEGORY_LABELS, readable_by

TABLES = ("case_note",)
MODULE = "notes"


def _reader_institution():
    """The institution whose sensitivity rule applies, or None when all may be read."""
    if not has_request_context():
        return None
    membership = g.get("membership")
    if membership is None or membership.has_role("partnership_admin"):
        return None
    return membership.institution_id


def personal_data(participant):
    institution_id = _reader_institution()
    notes = db.session.scalars(select(CaseNote).where(CaseNote.participant_id == participant.id)
                               .options(joinedload(CaseNote.institution))
                               .order_by(CaseNote.created_at, CaseNote.id)).all()
    records = []
    for note in notes:
        readable = institution_id is None or readable_by(note, institution_id)
        records.append({
            _l("Written on"): note.created_at,
            _l("Institution"): note.institution.name,
            _l("Category"): CATEGORY_LABELS.get(note.category, note.category),
            _l("Sensitive"): note.sensitive,
            _l("Note"): note.text if readable else _l(
                "Withheld: a sensitive note is given out by the institution that wrote it or "
                "by the partnership admin."),
        })
    return [PersonalDataSection(module=MODULE, title=_l("Case notes"), records=tuple(records))]


def anonymise_participant(participant):
    """The text goes; the category and the date stay."""
    db.session.execute(update(CaseNote).where(CaseNote.participant_id == participant.id)
                       .values(text=""))


def audit_objects(participant):
    return [("CaseNote", note_id) for note_id in db.session.scalars(
        select(CaseNote.id).where(CaseNote.participant_id == participant.id))]
