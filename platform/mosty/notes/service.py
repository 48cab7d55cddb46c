"""Writing and reading case notes, with the sensitivity rule.

A note is stored exactly as written (escaping happens when it is shown, by the templates).
Sensitive notes (health and disability, or ticked by the author) are readable only by
caseworkers of the author's institution; every other reader sees that such a note exists,
when and by which institution, but not its text. Notes are read only on the participant page,
which the caseworkers of institutions that may see the person open.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..db import utcnow
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..privacy.restriction import ensure_not_restricted
from ..resubmits import RESUBMIT_WINDOW, wait_for_the_first
from .models import SENSITIVE_CATEGORIES, CaseNote

CATEGORY_LABELS = {
    "general": _l("general"),
    "employment": _l("work and job search"),
    "family": _l("family situation"),
    "housing": _l("housing"),
    "finances": _l("finances"),
    "health": _l("health"),
    "disability": _l("disability"),
}


@dataclass(frozen=True)
class ShownNote:
    note: CaseNote
    readable: bool


def is_sensitive(category, ticked=False):
    return category in SENSITIVE_CATEGORIES or bool(ticked)


def readable_by(note, institution_id):
    return not note.sensitive or note.institution_id == institution_id


def notes_for(participant_id, institution_id):
    """The participant's notes, newest first, each with whether the institution may read it."""
    notes = db.session.scalars(
        select(CaseNote).where(CaseNote.participant_id == participant_id)
        .options(joinedload(CaseNote.institution))
        .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())).all()
    return [ShownNote(note, readable_by(note, institution_id)) for note in notes]


class DuplicateNote(Exception):
    """The same note was just saved (the form sent twice); ``str()`` is the message."""

    def __init__(self, existing):
        super().__init__(_l("This note is already saved: you added the same text to this "
                            "record a moment ago. Nothing new was saved."))
        self.existing = existing


def just_written(participant_id, author_id, text):
    """The author's note with the same text on the record, saved within RESUBMIT_WINDOW, or
    None: a resent form, not a second note (the same words later are a note of their own)."""
    candidates = db.session.scalars(select(CaseNote).where(
        CaseNote.participant_id == participant_id, CaseNote.author_id == author_id,
        CaseNote.created_at >= utcnow() - RESUBMIT_WINDOW).order_by(CaseNote.id))
    wanted = (text or "").strip()
    return next((n for n in candidates if (n.text or "").strip() == wanted), None)


def add_note(participant, *, institution_id, author_id, category, text, sensitive=False):
    """A new note; refused (ProcessingRestricted) while processing is restricted, and
    (DuplicateNote) when the author has just saved the same text."""
    ensure_not_restricted(participant)
    wait_for_the_first(Participant, participant.id)
    existing = just_written(participant.id, author_id, text)
    if existing is not None:
        raise DuplicateNote(existing)
    note = CaseNote(participant_id=participant.id, institution_id=institution_id,
                    author_id=author_id, category=category, text=text,
                    sensitive=is_sensitive(category, sensitive))
    db.session.add(note)
    db.session.flush()
    audit.record("create", note, detail={"participant_id": participant.id,
                                         "category": category, "sensitive": note.sensitive})
    return note
