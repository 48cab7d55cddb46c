"""Building instrument data for tests and the demo: definitions from YAML, administrations
with answers (finished ones scored by their version, as the pages do)."""

from datetime import datetime
from types import SimpleNamespace

from ..db import utcnow
from ..extensions import db
from ..tenancy import partnership_scope
from .models import Administration, FamilyRound, Instrument, InstrumentVersion
from .scoring import score_answers
from .service import example_source, save_definition


def add_definition(source, actor_id=None, instrument=None):
    """Save a definition (in the current partnership scope); returns the version."""
    return save_definition(source, actor_id=actor_id, instrument=instrument)


def add_administration(version, participant_id, institution_id, answers=None, finished=True,
                       at=None, family_round_id=None, actor_id=None):
    """An administration of ``version`` (in the current partnership scope)."""
    at = at or utcnow()
    answers = dict(answers or {})
    administration = Administration(
        version_id=version.id, participant_id=participant_id, institution_id=institution_id,
        family_round_id=family_round_id, answers=answers, started_at=at,
        status="finished" if finished else "draft", administered_by_id=actor_id,
        finished_at=at if finished else None,
        scores=score_answers(version.spec, answers) if finished else None,
    )
    db.session.add(administration)
    db.session.flush()
    return administration


class InstrumentFactory:
    """Records (ids) for tests, each built in its own app context and partnership scope."""

    def __init__(self, app):
        self.app = app

    def definition(self, partnership_id, source=None, key="family_motivation"):
        with self.app.app_context(), partnership_scope(partnership_id):
            instrument = db.session.query(Instrument).filter_by(key=key).one_or_none()
            version = add_definition(source or example_source(key), instrument=instrument)
            db.session.commit()
            return SimpleNamespace(id=version.id, instrument_id=version.instrument_id,
                                   number=version.number, partnership_id=partnership_id)

    def administration(self, version, participant, institution, answers=None, finished=True,
                       at: datetime | None = None, family_round=None):
        with self.app.app_context(), partnership_scope(version.partnership_id):
            row = add_administration(db.session.get(InstrumentVersion, version.id),
                                     participant.id, institution.id, answers, finished, at,
                                     family_round.id if family_round else None)
            db.session.commit()
            return SimpleNamespace(id=row.id, partnership_id=version.partnership_id,
                                   status=row.status)

    def family_round(self, version, family, institution, members=()):
        with self.app.app_context(), partnership_scope(version.partnership_id):
            family_round = FamilyRound(family_id=family.id, version_id=version.id,
                                       institution_id=institution.id, started_at=utcnow())
            db.session.add(family_round)
            db.session.flush()
            spec_version = db.session.get(InstrumentVersion, version.id)
            ids = [add_administration(spec_version, m.id, institution.id, finished=False,
                                      family_round_id=family_round.id).id for m in members]
            db.session.commit()
            return SimpleNamespace(id=family_round.id, administration_ids=ids,
                                   partnership_id=version.partnership_id)
