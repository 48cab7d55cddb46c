"""The instruments as a personal data source: the access export holds the person's own
answers and scores (never another family member's), and anonymisation blanks the free-text
answers while the scored answers and the scores stay for the statistics."""

from types import SimpleNamespace

from flask_babel import force_locale

from mosty.extensions import db
from mosty.instruments import privacy
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope

ANSWERS = {"chce_pracowac": 5, "szukam_ofert": 4, "opieka_zorganizowana": "yes",
           "uwagi_animatora": "Mieszka u siostry, Dobrowo 12"}


def build(app, factory):
    p = factory.partnership()
    ngo = factory.institution(p, kind="ngo")
    anna = factory.participant(ngo, first_name="Anna")
    jan = factory.participant(ngo, first_name="Jan", sex="male")
    instruments = InstrumentFactory(app)
    version = instruments.definition(p.id)
    mine = instruments.administration(version, anna, ngo, answers=ANSWERS)
    instruments.administration(version, jan, ngo,
                               answers={"chce_pracowac": 1, "uwagi_animatora": "Jana uwaga"})
    return SimpleNamespace(p=p, anna=anna, jan=jan, mine=mine)


def test_the_export_holds_the_persons_own_answers_and_scores_only(app, factory):
    w = build(app, factory)
    with app.app_context(), partnership_scope(w.p.id), force_locale("en"):
        (section,) = privacy.personal_data(db.session.get(Participant, w.anna.id))
        (record,) = section.records
        values = {str(k): v for k, v in record.items()}
    assert values["Standardized instrument"] == "Test motywacji rodziny (przykład)"
    assert values["Version"] == 1
    assert "Chcę podjąć pracę w ciągu najbliższych trzech miesięcy.: 5 – zdecydowanie tak" in (
        values["Answers"])
    assert any(line.endswith(": yes") for line in values["Answers"])
    assert any("Mieszka u siostry" in line for line in values["Answers"])
    assert any(line.startswith("Motywacja ogółem: ") for line in values["Scores"])
    assert "Jana uwaga" not in str(values)
    assert privacy.TABLES == ("instrument_administration",)


def test_anonymisation_blanks_free_text_and_keeps_the_scores(app, factory):
    w = build(app, factory)
    with app.app_context(), partnership_scope(w.p.id):
        before = db.session.get(Administration, w.mine.id).scores
        privacy.anonymise_participant(db.session.get(Participant, w.anna.id))
        db.session.commit()
        db.session.expire_all()
        after = db.session.get(Administration, w.mine.id)
        assert after.answers == {**ANSWERS, "uwagi_animatora": ""}
        assert after.scores == before
        others = [a.answers for a in db.session.query(Administration).filter(
            Administration.participant_id == w.jan.id)]
        assert others == [{"chce_pracowac": 1, "uwagi_animatora": "Jana uwaga"}]
        assert privacy.audit_objects(db.session.get(Participant, w.anna.id)) == [
            ("Administration", w.mine.id)]
