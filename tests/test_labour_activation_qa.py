# ruff: noqa: F401, F811 - the imported fixture `world` is named as a test parameter
"""The labour office's instruments after the rural end-to-end QA: an instrument's commune is
one that exists (and lies in the partnership's territory, when it has one), and a completed
training is the person's outcome in the registry, as a hire is a job started."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mosty import dates
from mosty.outcomes.models import Outcome
from test_labour_activation import (
    add_instrument,
    enrol_by_form,
    enrolment_url,
    enrolments,
    world,
)
from test_labour_registration import SLUG, client_of, in_a

TODAY = dates.today()


def new_instrument(world, teryt):
    return client_of(world, world.gup_clerk).post(f"/{SLUG}/labour/instruments/new", data={
        "kind": "training", "title": "Kurs", "locality": "Dobrowo", "teryt": teryt,
        "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat(),
        "capacity": "3", "description": ""})


@pytest.mark.parametrize("teryt", ["9999999", "1200011", "1261017"])
def test_an_impossible_commune_code_is_refused(world, teryt):
    response = new_instrument(world, teryt)
    assert response.status_code == 422
    assert "There is no commune with the code" in response.get_data(as_text=True)


def test_a_real_commune_code_is_accepted(world):
    assert new_instrument(world, "1261011").status_code == 302


def test_a_completed_training_is_an_outcome_and_a_completed_internship_is_not(world):
    training = add_instrument(world, title="Kurs spawacza")
    internship = add_instrument(world, kind="internship", title="Staż w urzędzie")
    enrol_by_form(world, world.anna, training)
    enrol_by_form(world, world.anna, internship)
    client = client_of(world, world.gup_clerk)
    for enrolment in enrolments(world):
        assert client.post(enrolment_url(enrolment.id, "complete"), data={
            "ended_on": TODAY.isoformat(), "note": ""}).status_code == 302
    with in_a(world) as session:
        outcomes = [(o.kind, o.occurred_on, o.note, o.institution_id)
                    for o in session.scalars(select(Outcome).where(
                        Outcome.participant_id == world.anna.id))]
    assert outcomes == [("training_completed", TODAY, "Kurs spawacza", world.gup.id)]
