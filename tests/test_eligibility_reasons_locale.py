# ruff: noqa: F811 - the imported fixture `world` is named as a test parameter
"""A verdict's reasons read in the viewer's language, and its day formatted for their locale:
the reasons are stored as codes with their parameters and put into words when shown, so a
verdict recorded by someone reading English reads in Polish to a Polish reader and back.
Verdicts recorded before reasons had codes (text only) are shown as they were written."""

from datetime import date

from flask_babel import force_locale, format_date
from sqlalchemy import select

from mosty.enrollment.eligibility import REASONS, evaluated_on, reason_text
from mosty.enrollment.models import Enrollment
from mosty.extensions import db
from mosty.tenancy import partnership_scope

# The enrollment tests' world (two partnerships with their target groups) is the fixture here.
from test_enrollment import carer, enrollment_of, login, recruit, world  # noqa: F401

EVALUATED = date(2026, 3, 5)


def page_of(client, world, enrollment, locale):
    with client.session_transaction() as session:
        session["locale"] = locale
    return client.get(f"/{world.slug}/enrollment/{enrollment.id}/").get_data(as_text=True)


def test_reasons_are_stored_as_codes_with_plain_parameters(app, client, world):
    working = carer(world.factory, world.a.other, labour_status="employed")
    login(client, world.a.caseworker)
    assert recruit(client, world, participant=working).status_code == 302
    reasons = enrollment_of(app, world, working).eligibility["reasons"]
    assert {r["code"] for r in reasons} <= set(REASONS)
    status = next(r for r in reasons if r["code"] == "labour_status_does_not_fit")
    assert status["params"] == {"status": "employed"}  # the code, not a translated label
    assert status["text"] == "labour-market status employed does not fit this target group"


def test_a_verdict_recorded_in_english_reads_in_polish_and_back(app, client, world):
    working = carer(world.factory, world.a.other, labour_status="employed")
    login(client, world.a.caseworker)  # reads English
    recruit(client, world, participant=working)
    enrollment = enrollment_of(app, world, working)
    polish = page_of(client, world, enrollment, "pl")
    assert "status na rynku pracy (zatrudniony) nie odpowiada tej grupie docelowej" in polish
    assert "does not fit this target group" not in polish
    english = page_of(client, world, enrollment, "en")
    assert "labour-market status employed does not fit this target group" in english


def test_the_day_of_the_verdict_is_formatted_for_the_locale(app, client, world):
    login(client, world.a.caseworker)
    recruit(client, world)
    enrollment = enrollment_of(app, world)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        row = db.session.get(Enrollment, enrollment.id)
        row.eligibility = {**row.eligibility, "evaluated_on": EVALUATED.isoformat()}
        db.session.commit()
    english = page_of(client, world, enrollment, "en")
    assert "evaluated on Mar 5, 2026" in english and "2026-03-05" not in english
    polish = page_of(client, world, enrollment, "pl")
    with app.test_request_context(), force_locale("pl"):
        assert f"oceniono {format_date(EVALUATED)}" in polish
    assert "2026-03-05" not in polish


def test_a_verdict_stored_before_reasons_had_codes_is_shown_as_written(app, client, world):
    login(client, world.a.caseworker)
    recruit(client, world)
    enrollment = enrollment_of(app, world)
    with app.app_context(), partnership_scope(world.a.partnership.id):
        row = db.session.scalar(select(Enrollment).where(Enrollment.id == enrollment.id))
        row.eligibility = {"eligible": True, "evaluated_on": "2024-01-10", "reasons": [
            {"ok": True, "text": "miejsce zameldowania Kraków leży na obszarze Kraków"}]}
        db.session.commit()
    page = page_of(client, world, enrollment, "en")
    assert "miejsce zameldowania Kraków leży na obszarze Kraków" in page
    assert "evaluated on Jan 10, 2024" in page


def test_a_reason_with_an_unknown_code_or_broken_parameters_falls_back_to_its_text(app):
    with app.test_request_context(), force_locale("en"):
        assert reason_text({"ok": False, "code": "from_the_future", "params": {},
                            "text": "as written"}) == "as written"
        assert reason_text({"ok": False, "code": "age_outside", "params": {"age": 3},
                            "text": "as written"}) == "as written"
        assert reason_text({"ok": True, "code": "residence_inside",
                            "params": {"place": None, "unit": "Kraków"}}) == (
            "registered residence unknown is in Kraków: eligible")
    assert evaluated_on({"evaluated_on": "not a date"}) is None
    assert evaluated_on({}) is None
    assert evaluated_on({"evaluated_on": "2026-03-05"}) == EVALUATED
