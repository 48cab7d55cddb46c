"""Scoring by the rules a definition states: item weights, reverse-scored items, domains,
the total, interpretation bands, the missing-answer rule, and version pinning (a new version
never changes a score already given)."""

import pytest
from flask_babel import force_locale

from mosty.extensions import db
from mosty.instruments import service
from mosty.instruments.definitions import parse_definition
from mosty.instruments.factories import InstrumentFactory
from mosty.instruments.models import Administration, InstrumentVersion
from mosty.instruments.scoring import aggregate, band_for, item_score, score_answers
from mosty.tenancy import partnership_scope

DEFINITION = """\
key: scoring_test
title: Scoring test
sections:
  - id: s
    title: S
    items:
      - {id: a, text: A, type: scale, min: 1, max: 5, domain: d1, weight: 3}
      - {id: b, text: B, type: scale, min: 1, max: 5, domain: d1, reverse: true}
      - {id: c, text: C, type: scale, min: 1, max: 5, domain: d1}
      - {id: d, text: D, type: scale, min: 1, max: 5, domain: d1}
      - {id: yes1, text: Y, type: yes_no, domain: d2}
      - {id: yes2, text: Y2, type: yes_no, domain: d2, reverse: true}
      - id: pick
        text: Pick
        type: choice
        domain: d2
        options:
          - {value: x, label: X, score: 0}
          - {value: y, label: Y, score: 2}
      - {id: n, text: Hours, type: number, min: 0, max: 10, reverse: true}
      - {id: t, text: Notes, type: text}
domains:
  - id: d1
    title: Mean domain
    rule: weighted_mean
    min_answered: 0.75
    bands:
      - {from: 1, label: low, text: Low text}
      - {from: 2.5, label: middle, text: Middle text}
      - {from: 4, label: high, text: High text}
  - id: d2
    title: Sum domain
    rule: sum
    min_answered: 0.6
    bands:
      - {from: 2, label: some, text: Some text}
total:
  title: All
  rule: mean
  from: domains
  min_answered: 1
"""


@pytest.fixture
def spec(app):
    with app.app_context(), force_locale("en"):
        return parse_definition(DEFINITION)


def test_a_scale_answer_scores_its_point_and_a_reverse_item_scores_min_plus_max_minus_it(spec):
    assert item_score(spec["items"]["a"], 4) == 4
    assert item_score(spec["items"]["b"], 4) == 2
    assert item_score(spec["items"]["b"], 1) == 5


def test_yes_no_choice_and_number_items_score_as_defined_and_reverse(spec):
    assert item_score(spec["items"]["yes1"], "yes") == 1
    assert item_score(spec["items"]["yes2"], "yes") == 0
    assert item_score(spec["items"]["pick"], "y") == 2
    assert item_score(spec["items"]["n"], 3) == 7  # reverse within min 0 .. max 10
    assert item_score(spec["items"]["t"], "free text") is None
    assert item_score(spec["items"]["a"], None) is None


def test_weights_count_in_a_weighted_mean(spec):
    scores = score_answers(spec, {"a": 5, "b": 5, "c": 1, "d": 1})
    d1 = scores["domains"][0]
    # (5*3 + (6-5)*1 + 1 + 1) / (3+1+1+1) = 18 / 6
    assert d1["score"] == 3.0
    assert (d1["answered"], d1["items"]) == (4, 4)


def test_each_domain_gets_its_band_and_its_text(spec):
    high = score_answers(spec, {"a": 5, "b": 1, "c": 5, "d": 4})["domains"][0]
    assert high["score"] == pytest.approx(4.83, abs=0.01)
    assert high["band"] == {"label": "high", "text": "High text"}
    low = score_answers(spec, {"a": 1, "b": 5, "c": 2, "d": 1})["domains"][0]
    assert low["band"]["label"] == "low"
    # a score exactly at a band's "from" belongs to that band
    middle = score_answers(spec, {"a": 2, "b": 5, "c": 4, "d": 4})["domains"][0]
    assert middle["score"] == 2.5 and middle["band"]["label"] == "middle"


def test_a_score_below_the_first_band_has_no_band(spec):
    d2 = score_answers(spec, {"yes1": "no", "yes2": "yes", "pick": "x"})["domains"][1]
    assert d2["score"] == 0
    assert d2["band"] is None


def test_too_few_answers_leave_a_domain_not_scored(spec):
    # d1 needs 3 of its 4 items (0.75): two answers are not enough
    scores = score_answers(spec, {"a": 5, "b": 1})
    assert scores["domains"][0]["score"] is None
    assert scores["domains"][0]["band"] is None
    assert scores["domains"][0]["answered"] == 2
    # ... three are
    assert score_answers(spec, {"a": 5, "b": 1, "c": 5})["domains"][0]["score"] == 5.0


def test_a_sum_with_a_missing_answer_is_prorated_not_counted_as_zero(spec):
    # d2: yes1=1, pick=2 answered, yes2 missing: (1+2) * 3/2 = 4.5
    d2 = score_answers(spec, {"yes1": "yes", "pick": "y"})["domains"][1]
    assert d2["score"] == 4.5
    assert d2["band"]["label"] == "some"


def test_the_total_from_domains_needs_every_domain_when_min_answered_is_one(spec):
    full = score_answers(spec, {"a": 5, "b": 5, "c": 1, "d": 1, "yes1": "yes", "yes2": "no",
                                "pick": "y"})
    assert full["domains"][1]["score"] == 4  # 1 + 1 + 2
    assert full["total"]["score"] == 3.5  # mean of 3.0 and 4
    assert full["total"]["title"] == "All"
    partial = score_answers(spec, {"a": 5, "b": 5, "c": 1, "d": 1})
    assert partial["total"]["score"] is None


def test_the_aggregation_rules():
    assert aggregate([2, 4], [1, 1], "sum", [1, 1], 1) == 6
    assert aggregate([2, 4], [1, 1], "mean", [1, 1], 1) == 3
    assert aggregate([2, 4], [1, 3], "weighted_sum", [1, 3], 1) == 14
    assert aggregate([2, 4], [1, 3], "weighted_mean", [1, 3], 1) == 3.5
    # weighted sum prorated by the missing item's weight: 14 * (1+3+4) / (1+3)
    assert aggregate([2, 4], [1, 3], "weighted_sum", [1, 3, 4], 0.5) == 28
    assert aggregate([], [], "mean", [1, 1], 0.5) is None
    assert aggregate([2], [1], "mean", [1, 1, 1], 0.5) is None


def test_bands_pick_the_last_band_whose_start_is_not_above_the_score():
    bands = [{"from": 0, "label": "a", "text": "A"}, {"from": 10, "label": "b", "text": "B"}]
    assert band_for(bands, 9.99)["label"] == "a"
    assert band_for(bands, 10)["label"] == "b"
    assert band_for(bands, None) is None


def test_a_new_version_never_changes_an_old_score_and_drafts_stay_on_their_version(app,
                                                                                   factory):
    f = InstrumentFactory(app)
    p = factory.partnership()
    ops = factory.institution(p)
    person = factory.participant(ops)
    v1 = f.definition(p.id, DEFINITION)
    answers = {"a": 5, "b": 1, "c": 5, "d": 4}
    finished = f.administration(v1, person, ops, answers=answers)
    draft = f.administration(v1, person, ops, answers=answers, finished=False)
    # Version 2 moves the bands and makes "a" count ten times.
    v2 = f.definition(p.id, DEFINITION.replace("weight: 3", "weight: 10")
                      .replace("{from: 4, label: high", "{from: 4.9, label: high"),
                      key="scoring_test")
    assert v2.number == 2 and v2.instrument_id == v1.instrument_id
    with app.app_context(), partnership_scope(p.id), force_locale("en"):
        old = db.session.get(Administration, finished.id)
        assert old.version_id == v1.id
        assert old.scores["domains"][0]["score"] == pytest.approx(4.83, abs=0.01)
        assert old.scores["domains"][0]["band"]["label"] == "high"
        # finishing the old draft scores it with version 1, not with the newer version 2
        pending = db.session.get(Administration, draft.id)
        service.finish_administration(pending, answers, institution_id=ops.id, actor_id=None)
        db.session.commit()
        assert pending.version_id == v1.id
        assert pending.scores == old.scores
        # a new administration takes the newest version, and its rules
        instrument = db.session.get(InstrumentVersion, v2.id).instrument
        participant = old.participant
        fresh = service.start_administration(participant, instrument, institution_id=ops.id,
                                             actor_id=None)
        service.finish_administration(fresh, answers, institution_id=ops.id, actor_id=None)
        db.session.commit()
        assert fresh.version_id == v2.id
        assert fresh.scores["domains"][0]["score"] == pytest.approx(4.92, abs=0.01)
        # the first version's text is kept as it was written
        assert db.session.get(InstrumentVersion, v1.id).source == DEFINITION
