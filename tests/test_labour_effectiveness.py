"""Employment effectiveness after activation instruments: the 3- and 6-month windows, the
breakdowns (instrument, sex, age band, county), the page with its chart and the report
section."""

import re
from datetime import date

import pytest

from mosty.extensions import db
from mosty.outcomes.models import Outcome
from mosty.plugins.models import ModuleGrant, PartnershipModule
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from mosty_labour.activation.models import ActivationInstrument, InstrumentEnrolment
from mosty_labour.activation.service import KIND_LABELS
from mosty_labour.effectiveness import hooks, service

COMPLETED = date(2025, 1, 15)
PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


def build(app):
    f = RegistryFactory(app)
    p = f.partnership(slug="skutecznosc",
                      territory=(("1261", "Kraków"), ("1206", "powiat krakowski")))
    office = f.institution(p, name="GUP", kind="labour_office")
    clerk = f.staff(office, roles=("caseworker", "labour_clerk"))
    with app.app_context(), partnership_scope(p.id):
        db.session.add(PartnershipModule(module_key="labour", enabled=True))
        db.session.add(ModuleGrant(module_key="labour", role="labour_clerk", access="write"))
        training = ActivationInstrument(institution_id=office.id, kind="training",
                                        title="Kurs kasjera", starts_on=date(2024, 11, 1),
                                        ends_on=COMPLETED, capacity=20)
        internship = ActivationInstrument(institution_id=office.id, kind="internship",
                                          title="Staż w urzędzie gminy",
                                          starts_on=date(2024, 7, 1), ends_on=COMPLETED,
                                          capacity=5)
        db.session.add_all([training, internship])
        db.session.commit()
        instruments = {"training": training.id, "internship": internship.id}
    return f, p, office, clerk, instruments


def completion(app, f, p, office, instrument_id, *, hired_on=None, kind="job_started",
               status="completed", sex="female", birth_date=date(1985, 3, 14),
               teryt="1261011"):
    person = f.participant(office, sex=sex, birth_date=birth_date, registered_teryt=teryt)
    with app.app_context(), partnership_scope(p.id):
        db.session.add(InstrumentEnrolment(instrument_id=instrument_id, participant_id=person.id,
                                           status=status, enrolled_on=date(2024, 11, 1),
                                           ended_on=COMPLETED))
        if hired_on is not None:
            db.session.add(Outcome(participant_id=person.id, institution_id=office.id,
                                   kind=kind, occurred_on=hired_on))
        db.session.commit()
    return person


@pytest.fixture
def data(any_app):
    app = any_app
    f, p, office, clerk, instruments = build(app)
    training = instruments["training"]

    def add(**kwargs):
        return completion(app, f, p, office, kwargs.pop("instrument", training), **kwargs)

    add(hired_on=date(2025, 3, 15))                       # 2 months: within 3 and 6
    add(hired_on=date(2025, 4, 15), sex="male")           # exactly 3 months: within 3 and 6
    add(hired_on=date(2025, 5, 15), teryt="1206032")      # 4 months: within 6 only
    add(hired_on=date(2025, 8, 15), birth_date=date(1965, 6, 1))  # 7 months: neither
    add(hired_on=date(2024, 12, 1))                       # before completing: neither
    add(hired_on=date(2025, 2, 1), kind="registration_ended")  # not a job
    add(hired_on=date(2025, 2, 1), kind="self_employment", instrument=instruments["internship"],
        birth_date=date(2002, 2, 1))                      # own business: within 3 and 6
    add(hired_on=date(2025, 2, 1), status="dropped_out")  # did not complete: not counted
    return app, p, clerk


def counted(app, p, dimension):
    with app.test_request_context(), partnership_scope(p.id):
        return {r.key: (r.completed, r.employed_3, r.employed_6)
                for r in service.table(dimension, *PERIOD)}


def test_employment_within_3_and_6_months_after_completion(data):
    app, p, _clerk = data
    assert counted(app, p, "instrument") == {"training": (6, 2, 3), "internship": (1, 1, 1)}


def test_breakdowns_by_sex_age_band_and_county(data):
    app, p, _clerk = data
    assert counted(app, p, "sex") == {"female": (6, 2, 3), "male": (1, 1, 1)}
    # Ages on the completion day: 39 (born 1985), 59 (born 1965), 22 (born 2002).
    assert counted(app, p, "age_band") == {"35–44": (5, 2, 3), "55+": (1, 0, 0),
                                           "18–24": (1, 1, 1)}
    assert counted(app, p, "county") == {"1261": (6, 3, 3), "1206": (1, 0, 1)}
    with app.test_request_context(), partnership_scope(p.id):
        labels = {r.key: r.label for r in service.table("county", *PERIOD)}
    assert labels == {"1261": "Kraków", "1206": "powiat krakowski"}


def test_completions_outside_the_period_are_left_out(data):
    app, p, _clerk = data
    with app.test_request_context(), partnership_scope(p.id):
        assert service.table("instrument", date(2025, 2, 1), date(2025, 12, 31)) == []


def test_report_section_gives_the_counts_per_instrument_and_the_total(data):
    app, p, _clerk = data
    with app.test_request_context(), partnership_scope(p.id):
        section = hooks.report_sections(None, *PERIOD)
        rows = [tuple(str(c) for c in row) for row in section.rows]
        internship, training = str(KIND_LABELS["internship"]), str(KIND_LABELS["training"])
    assert section.module == "labour"
    assert sorted(rows[:2]) == sorted([(internship, "1", "1", "1"), (training, "6", "2", "3")])
    assert rows[2] == ("Razem", "7", "3", "4")


def test_page_shows_tables_and_an_svg_chart_without_inline_style_or_script(data, login_as):
    app, p, clerk = data
    client = app.test_client()
    login_as(client, clerk)
    response = client.get("/skutecznosc/labour/effectiveness/?from=2025-01-01&to=2025-12-31")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in html and "<rect" in html
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # only script files, none inline
    assert "Według instrumentu" in html and "szkolenie" in html
    # Within 3 months for the training: 2 of 6 (33%); the bars carry the rates.
    assert "33%" in html and "50%" in html


def test_bad_period_gets_a_message_not_an_error(any_app, login_as):
    f, p, office, clerk, _instruments = build(any_app)
    client = any_app.test_client()
    login_as(client, clerk)
    response = client.get("/skutecznosc/labour/effectiveness/?from=wczoraj")
    assert response.status_code == 422
    assert "RRRR-MM-DD" in response.get_data(as_text=True)


def test_module_off_answers_404(app, factory, login_as):
    p = factory.partnership(slug="wylaczony")
    office = factory.institution(p, kind="labour_office")
    clerk = factory.staff(office, roles=("caseworker", "labour_clerk"))
    client = app.test_client()
    login_as(client, clerk)
    assert client.get("/wylaczony/labour/effectiveness/").status_code == 404


def test_the_partnership_report_carries_the_section_only_inside_the_partnership(data,
                                                                              login_as):
    app, p, _clerk = data
    f = RegistryFactory(app)
    with app.app_context(), partnership_scope(p.id):
        db.session.add(ModuleGrant(module_key="labour", role="coordinator", access="read"))
        db.session.commit()
    leader = f.institution(p, name="Lider", kind="ngo", role="leader")
    coordinator = f.staff(leader, roles=("coordinator",))
    client = app.test_client()
    login_as(client, coordinator)
    period = "preset=custom&start=2025-01-01&end=2025-12-31"
    inside = client.get(f"/skutecznosc/reports/?{period}").get_data(as_text=True)
    assert "Zatrudnienie po instrumentach aktywizacji" in inside
    outside = client.get(f"/skutecznosc/reports/?{period}&variant=external")
    # The copy that leaves the partnership cannot protect module cells, so it leaves them out.
    assert outside.status_code == 200
    assert "Zatrudnienie po instrumentach aktywizacji" not in outside.get_data(as_text=True)
