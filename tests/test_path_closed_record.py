"""The programme path section does not offer a recruitment the path would refuse (QA): an
anonymised record, or a person whose processing is restricted, was offered "Recruit to a
target group", and submitting it gave a 422 saying the record is closed."""

from datetime import UTC, datetime

import pytest

from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from test_enrollment import render_path, world  # noqa: F401 - the enrolment tests' world

NOTE = "No new programme path: the record is closed or the processing of its data is restricted."


def _set(app, w, **values):
    with app.app_context(), partnership_scope(w.a.partnership.id):
        person = db.session.get(Participant, w.carer.id)
        for name, value in values.items():
            setattr(person, name, value)
        db.session.commit()


@pytest.mark.parametrize("values", [
    {"anonymised_at": datetime(2026, 11, 2, 9, 0, tzinfo=UTC)},
    {"processing_restricted": True},
], ids=["anonymised", "restricted"])
def test_a_closed_or_restricted_record_is_not_offered_a_recruitment(app, world, values):  # noqa: F811
    _set(app, world, **values)
    _panel, html, _timeline = render_path(app, world, Participant, world.carer.id,
                                          world.a.other)
    assert "/enrollment/new" not in html
    assert NOTE in html


def test_an_open_record_still_is(app, world):  # noqa: F811
    _panel, html, _timeline = render_path(app, world, Participant, world.carer.id,
                                          world.a.other)
    assert f"/enrollment/new?participant={world.carer.id}" in html
    assert NOTE not in html
