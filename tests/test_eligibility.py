"""Eligibility as data: the target groups of both demo partnerships evaluated into verdicts a
person can read (territory, carers in and out of work, rural families with unemployment)."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mosty import dates
from mosty.enrollment.eligibility import evaluate
from mosty.enrollment.models import TargetGroup
from mosty.enrollment.service import DEFAULT_TARGET_GROUPS, ensure_default_target_groups
from mosty.extensions import db
from mosty.families.models import Family
from mosty.participants.models import CareRelation, Dependant, Participant
from mosty.tenancy import partnership_scope

KRAKOW_TERRITORY = (("1261", "Kraków"), ("1206", "powiat krakowski"))
POMORZE_TERRITORY = (("3201", "powiat białogardzki"), ("3203", "powiat drawski"))


@pytest.fixture
def krakow(app, factory):
    partnership = factory.partnership(slug="krakow", territory=KRAKOW_TERRITORY)
    institution = factory.institution(partnership, kind="ops")
    with app.app_context():
        ensure_default_target_groups("krakow", partnership.id)
        db.session.commit()
    partnership.institution = institution
    return partnership


@pytest.fixture
def pomorze(app, factory):
    partnership = factory.partnership(slug="pomorze", territory=POMORZE_TERRITORY)
    institution = factory.institution(partnership, kind="ops", teryt="3201064")
    with app.app_context():
        ensure_default_target_groups("pomorze", partnership.id)
        db.session.commit()
    partnership.institution = institution
    return partnership


def carer(factory, institution, hours=30, **fields):
    """A participant who cares for a small child."""
    person = factory.participant(institution, **fields)
    with factory._in(institution.partnership_id):
        dependant = Dependant(first_name="Zosia", birth_year=dates.today().year - 3,
                              dependant_type="child_under_7")
        db.session.add(dependant)
        db.session.flush()
        db.session.add(CareRelation(carer_id=person.id, dependant_id=dependant.id,
                                    hours_per_week=hours))
        db.session.commit()
    return person


def verdict_for(app, partnership, code, participant=None, family=None):
    """The verdict, its reasons in English (the msgids asserted here)."""
    with app.app_context(), partnership_scope(partnership.id), force_locale("en"):
        group = db.session.scalar(select(TargetGroup).where(TargetGroup.code == code))
        subject = (db.session.get(Participant, participant.id) if participant
                   else db.session.get(Family, family.id))
        return evaluate(subject, group)


def reasons(verdict, ok=None):
    return [r["text"] for r in verdict.reasons if ok is None or r["ok"] is ok]


# --- target groups are data per partnership ----------------------------------------------------


def test_default_target_groups_are_plain_data_keyed_by_partnership_slug():
    assert [g["code"] for g in DEFAULT_TARGET_GROUPS["krakow"]] == ["1", "2"]
    assert [g["code"] for g in DEFAULT_TARGET_GROUPS["pomorze"]] == ["R"]
    assert DEFAULT_TARGET_GROUPS["pomorze"][0]["applies_to"] == "family"


def test_ensuring_default_target_groups_twice_does_not_duplicate_them(app, krakow):
    with app.app_context():
        assert ensure_default_target_groups("krakow") == ["1", "2"]
        db.session.commit()
        with partnership_scope(krakow.id):
            groups = db.session.scalars(select(TargetGroup).order_by(TargetGroup.code)).all()
            assert [(g.code, g.applies_to) for g in groups] == [("1", "participant"),
                                                                ("2", "participant")]


def test_target_groups_of_one_partnership_are_not_seen_in_another(app, krakow, pomorze):
    with app.app_context(), partnership_scope(pomorze.id):
        assert db.session.scalars(select(TargetGroup.code)).all() == ["R"]


# --- territory ----------------------------------------------------------------------------------


def test_registered_residence_in_krakow_county_is_eligible_and_names_the_county(app, factory,
                                                                                 krakow):
    person = carer(factory, krakow.institution, registered_teryt="1206114",
                   registered_locality="Wieliczka", labour_status="inactive")
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert verdict.eligible
    assert "registered residence Wieliczka is in powiat krakowski: eligible" in reasons(verdict)


def test_registered_residence_outside_the_territory_is_not_eligible_with_a_reason(app, factory,
                                                                                   krakow):
    person = carer(factory, krakow.institution, registered_teryt="1201011",
                   registered_locality="Bochnia", labour_status="inactive")
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert not verdict.eligible
    assert reasons(verdict, ok=False) == [
        "registered residence Bochnia is outside the partnership's area: not eligible"]


def test_missing_registered_address_is_not_eligible(app, factory, krakow):
    person = carer(factory, krakow.institution, registered_teryt="", registered_locality="",
                   labour_status="inactive")
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert not verdict.eligible
    assert "outside the partnership's area" in reasons(verdict, ok=False)[0]


# --- Kraków: carers not in work (1) and working carers (2) -------------------------------------


def test_carer_not_in_work_is_eligible_for_group_1_with_reasons(app, factory, krakow):
    person = carer(factory, krakow.institution, hours=35, labour_status="registered_unemployed")
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert verdict.eligible
    assert reasons(verdict, ok=True) == [
        "registered residence Kraków is in Kraków: eligible",
        "cares for 1 dependant(s), 35 hours a week",
        "labour-market status: registered unemployed",
    ]


def test_working_carer_fails_group_1_on_the_labour_status_and_fits_group_2(app, factory, krakow):
    person = carer(factory, krakow.institution, labour_status="employed")
    group_1 = verdict_for(app, krakow, "1", participant=person)
    assert not group_1.eligible
    assert reasons(group_1, ok=False) == [
        "labour-market status employed does not fit this target group"]
    group_2 = verdict_for(app, krakow, "2", participant=person)
    assert group_2.eligible
    assert "labour-market status: employed" in reasons(group_2, ok=True)


def test_person_without_a_dependant_is_not_a_carer(app, factory, krakow):
    person = factory.participant(krakow.institution, labour_status="inactive")
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert not verdict.eligible
    assert reasons(verdict, ok=False) == ["no dependant recorded: not a carer"]


# --- Pomorze: rural families with unemployment in two members or two generations ---------------


def family_of(factory, institution, members, area="rural", teryt="3201064",
              locality="Tychowo"):
    """``members``: (relation, labour status) pairs; the first is the head."""
    people = [(factory.participant(institution, labour_status=status, registered_teryt=teryt,
                                   registered_locality=locality, registered_area=area), relation)
              for relation, status in members]
    return factory.family(institution, members=people, teryt=teryt, locality=locality,
                          area=area)


def test_rural_family_with_two_unemployed_members_is_eligible(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "registered_unemployed"), ("spouse", "unregistered_unemployed"),
        ("child", "employed")])
    verdict = verdict_for(app, pomorze, "R", family=family)
    assert verdict.eligible
    assert reasons(verdict) == [
        "registered residence Tychowo is in powiat białogardzki: eligible",
        "lives in a rural area",
        "2 unemployed member(s) in the family (needed: 2)",
    ]


def test_rural_family_with_unemployment_in_two_generations_is_eligible(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "employed"), ("spouse", "employed"), ("parent", "registered_unemployed"),
        ("child", "unregistered_unemployed")])
    assert verdict_for(app, pomorze, "R", family=family).eligible
    with app.app_context(), partnership_scope(pomorze.id):
        db.session.add(TargetGroup(code="G", name="Generations only", applies_to="family",
                                   criteria=[{"rule": "family_unemployed_generations_min",
                                              "min": 2}]))
        db.session.commit()
    verdict = verdict_for(app, pomorze, "G", family=family)
    assert verdict.eligible
    assert "unemployment in 2 generation(s) (needed: 2)" in reasons(verdict, ok=True)


def test_two_unemployed_of_one_generation_are_one_generation(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "registered_unemployed"), ("spouse", "registered_unemployed")])
    with app.app_context(), partnership_scope(pomorze.id):
        db.session.add(TargetGroup(code="G", name="Generations only", applies_to="family",
                                   criteria=[{"rule": "family_unemployed_generations_min",
                                              "min": 2}]))
        db.session.commit()
    verdict = verdict_for(app, pomorze, "G", family=family)
    assert not verdict.eligible
    assert reasons(verdict, ok=False) == ["unemployment in 1 generation(s) (needed: 2)"]


def test_urban_family_is_not_eligible_however_many_are_unemployed(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "registered_unemployed"), ("spouse", "registered_unemployed"),
        ("child", "registered_unemployed")], area="urban", teryt="3201011",
        locality="Białogard")
    verdict = verdict_for(app, pomorze, "R", family=family)
    assert not verdict.eligible
    assert reasons(verdict, ok=False) == ["does not live in a rural area"]


def test_rural_family_with_one_unemployed_member_is_not_eligible(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "registered_unemployed"), ("spouse", "employed")])
    verdict = verdict_for(app, pomorze, "R", family=family)
    assert not verdict.eligible
    assert "1 unemployed member(s) in the family (needed: 2)" in reasons(verdict, ok=False)


def test_family_outside_the_counties_is_not_eligible(app, factory, pomorze):
    family = family_of(factory, pomorze.institution, [
        ("head", "registered_unemployed"), ("spouse", "registered_unemployed")],
        teryt="3215011", locality="Szczecinek")
    verdict = verdict_for(app, pomorze, "R", family=family)
    assert not verdict.eligible
    assert ("registered residence Szczecinek is outside the partnership's area: not eligible"
            in reasons(verdict, ok=False))


def test_the_verdict_is_stored_as_plain_data_with_the_day_it_was_made(app, factory, krakow):
    person = carer(factory, krakow.institution, labour_status="inactive")
    recorded = verdict_for(app, krakow, "1", participant=person).as_dict()
    assert recorded["eligible"] is True
    assert recorded["evaluated_on"] == dates.today().isoformat()
    assert all(set(r) == {"ok", "code", "params", "text"} for r in recorded["reasons"])


# --- criteria are data an admin may edit: a typo never breaks a caseworker's page ---------------


def test_criteria_errors_name_unknown_rules_and_accept_the_defaults(app):
    from mosty.enrollment.eligibility import criteria_errors

    with app.test_request_context(), force_locale("en"):
        for groups in DEFAULT_TARGET_GROUPS.values():
            for group in groups:
                assert criteria_errors(group["criteria"]) == [], group["name"]
        errors = criteria_errors([{"rule": "age_between", "min": 18},
                                  {"any_of": [{"rule": "is_carer"}, {"rule": "is_karer"}]}])
        assert [str(e) for e in errors] == ['Criterion 2: unknown rule "is_karer".']
        assert [str(e) for e in criteria_errors({"rule": "x"})] == ["The criteria must be a list."]


def test_an_unknown_rule_makes_the_verdict_not_eligible_with_a_reason(app, factory, krakow):
    person = carer(factory, krakow.institution, registered_teryt="1206114",
                   registered_locality="Wieliczka", labour_status="inactive")
    with app.app_context(), partnership_scope(krakow.id):
        group = db.session.scalar(select(TargetGroup).where(TargetGroup.code == "1"))
        group.criteria = [*group.criteria, {"rule": "has_unicorn"}]
        db.session.commit()
    verdict = verdict_for(app, krakow, "1", participant=person)
    assert not verdict.eligible
    assert 'criterion "has_unicorn" cannot be checked (unknown rule)' in reasons(verdict, ok=False)
