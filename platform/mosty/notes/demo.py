"""Demo case notes: a few notes on the first participants of each demo partnership, one of
them sensitive (health), so the sensitivity rule can be seen with two demo logins."""

from sqlalchemy import select

from ..extensions import db
from ..participants.models import Participant
from ..tenancy import partnership_scope
from .models import CaseNote

NOTES = (
    ("employment", False, "Szuka pracy w pobliżu domu, najchętniej na pół etatu; ma prawo "
                          "jazdy kat. B."),
    ("family", False, "Opieka nad dzieckiem do 15:00 zapewniona przez babcię; popołudnia "
                      "trudniejsze."),
    ("health", True, "Przewlekłe bóle kręgosłupa: unikać ofert z dźwiganiem."),
)


def load_notes_demo(partnerships):
    """Once per partnership (nothing is added when it already has notes)."""
    for partnership in partnerships.values():
        with partnership_scope(partnership.id):
            if db.session.scalar(select(CaseNote.id).limit(1)) is not None:
                continue
            people = db.session.scalars(select(Participant).order_by(Participant.id)
                                        .limit(len(NOTES))).all()
            for person, (category, sensitive, text) in zip(people, NOTES, strict=False):
                db.session.add(CaseNote(participant_id=person.id,
                                        institution_id=person.institution_id,
                                        category=category, sensitive=sensitive, text=text))
            db.session.flush()
