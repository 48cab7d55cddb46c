"""A person imported from a file without education and labour-market status has neither: the
record says "not given" instead of inventing "secondary" and "economically inactive", and
every place that reads the two facts (the page, the report, eligibility, the edit form) says
so or asks for them."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text

from mosty.app import MIGRATIONS_DIR
from mosty.enrollment.eligibility import evaluate, reason_text
from mosty.enrollment.models import Enrollment, TargetGroup
from mosty.extensions import db
from mosty.participants.models import Participant
from mosty.partnerships.models import Partnership
from mosty.reports.aggregates import build_report
from mosty.reports.periods import Period
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login
from test_imports import SLUG, build_world, client_of, csv_bytes, good_rows, import_file

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def world(app, factory):
    w = build_world(app, factory)
    w.coordinator = factory.staff(w.mops, roles=("coordinator", "partnership_admin"))
    client = client_of(w, w.clerk)
    import_file(w, client, csv_bytes(good_rows()))
    with app.app_context(), partnership_scope(w.p.id):
        w.people = {person.first_name: person.id
                    for person in db.session.scalars(select(Participant))}
    return w


def polish(world, user):
    client = login(world.app.test_client(), user)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    return client


def test_an_imported_person_has_no_invented_education_or_labour_status(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        people = db.session.scalars(select(Participant)).all()
        assert len(people) == 4
        assert {(p.education, p.labour_status) for p in people} == {(None, None)}


def test_the_person_page_and_the_list_say_not_given(world):
    client = polish(world, world.clerk)
    response = client.get(f"/{SLUG}/participants/{world.people['Anna']}/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:3000]
    facts = re.search(r"<dt>Wykształcenie</dt>.*?</dl>", page, re.S).group(0)
    assert facts.count("nie podano") == 2
    assert "średnie" not in facts and "bierna zawodowo" not in facts.lower()
    listing = client.get(f"/{SLUG}/participants/").get_data(as_text=True)
    assert "nie podano" in listing and ">None<" not in listing


def test_the_report_counts_them_as_not_given(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        group = TargetGroup(code="G1", name="Opiekunowie")
        db.session.add(group)
        db.session.flush()
        for name in ("Anna", "Jan"):
            db.session.add(Enrollment(participant_id=world.people[name],
                                      institution_id=world.mops.id, target_group_id=group.id,
                                      recruited_on=date(2026, 9, 1)))
        db.session.commit()
    with world.app.app_context(), force_locale("en"), partnership_scope(world.p.id):
        report = build_report(db.session.get(Partnership, world.p.id), PERIOD)
    tables = {t.key: t for t in report.section("participants").tables}
    for key in ("participants_labour_status", "participants_education"):
        table = tables[key]
        # Anna (a woman) and Jan (a man), in the "not given" row only.
        assert table.rows == [("not given",)], key
        assert table.cells == [[1, 1]], key


def test_eligibility_on_labour_status_says_it_was_not_given(world):
    with world.app.app_context(), partnership_scope(world.p.id):
        person = db.session.get(Participant, world.people["Anna"])
        group = TargetGroup(code="G", name="Bezrobotni", criteria=[
            {"rule": "labour_status_in",
             "statuses": ["registered_unemployed", "unregistered_unemployed", "inactive"]}])
        verdict = evaluate(person, group, today=date(2026, 10, 1))
        assert verdict.eligible is False
        reason = next(r for r in verdict.reasons if r["code"].startswith("labour_status"))
        assert reason == {"ok": False, "code": "labour_status_not_given", "params": {},
                          "text": reason["text"]}
        with force_locale("pl"):
            assert "nie podano statusu na rynku pracy" in reason_text(reason)
        with force_locale("en"):
            assert "labour-market status not given" in reason_text(reason)


def edit_form(page):
    """The edit form's fields as they would be posted (selected options, text values)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [re.search(r'value="([^"]*)"', tag).group(1)
                  for tag in re.findall(r"<option[^>]*>", body) if " selected" in tag]
        data[name] = chosen[0] if chosen else ""
    for name in [n for n in data if n in ("actual_same", "long_term_unemployed",
                                         "confirm_different_person")]:
        if not re.search(rf'name="{name}"[^>]*checked', page):
            del data[name]
    return data


def test_editing_the_person_requires_choosing_both(world):
    client = client_of(world, world.clerk)
    edit = f"/{SLUG}/participants/{world.people['Łucja']}/edit"
    page = client.get(edit).get_data(as_text=True)
    data = edit_form(page)
    assert data["education"] == "" and data["labour_status"] == ""
    response = client.post(edit, data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    errors = re.findall(r'<select[^>]*\bid="(\w+)"[^>]*>(?:(?!</div>).)*?</select>\s*'
                        r'<p class="error"[^>]*>Please choose one.</p>', body, re.S)
    assert sorted(errors) == ["education", "labour_status"]
    with world.app.app_context(), partnership_scope(world.p.id):
        person = db.session.get(Participant, world.people["Łucja"])
        assert (person.education, person.labour_status) == (None, None)

    response = client.post(edit, data={**data, "education": "higher",
                                       "labour_status": "inactive"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with world.app.app_context(), partnership_scope(world.p.id):
        person = db.session.get(Participant, world.people["Łucja"])
        assert (person.education, person.labour_status) == ("higher", "inactive")


# --- the migration -------------------------------------------------------------------------------

BEFORE = "0017_audit_object_action_index"


def _nullable(url):
    engine = create_engine(url)
    try:
        return {c["name"]: c["nullable"] for c in inspect(engine).get_columns("participant")
                if c["name"] in ("education", "labour_status")}
    finally:
        engine.dispose()


def _facts(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(
                "SELECT education, labour_status FROM participant ORDER BY id")).all()
    finally:
        engine.dispose()


def test_the_migration_upgrades_and_downgrades_on_sqlite(make_app):
    from mosty.testing.factories import RegistryFactory

    app = make_app()
    url = app.config["MOSTY_MIGRATION_DATABASE_URL"]
    f = RegistryFactory(app)
    p = f.partnership(slug="migr")
    ops = f.institution(p)
    f.participant(ops, education=None, labour_status=None)
    f.participant(ops, education="higher", labour_status="employed")
    assert _nullable(url) == {"education": True, "labour_status": True}

    directory = str(MIGRATIONS_DIR)
    with app.app_context():
        downgrade(directory=directory, revision=BEFORE)
        db.engine.dispose()
    assert _nullable(url) == {"education": False, "labour_status": False}
    # The earlier schema cannot say "not given": the old defaults come back; the rows are kept.
    assert _facts(url) == [("secondary", "inactive"), ("higher", "employed")]

    with app.app_context():
        upgrade(directory=directory, revision="heads")
        db.engine.dispose()
    assert _nullable(url) == {"education": True, "labour_status": True}
    assert _facts(url) == [("secondary", "inactive"), ("higher", "employed")]


# --- the optional columns ------------------------------------------------------------------------

FACTS_HEADER = "Imię;Nazwisko;PESEL;Gmina;Wykształcenie;Status na rynku pracy"


def test_education_and_labour_status_columns_are_read_and_an_empty_cell_is_not_given(
        app, factory):
    from test_imports import ANNA, JAN, LUCJA, batch_id_of, batch_of, dry_run, upload

    p = factory.partnership(slug=SLUG, territory=(("1261", "Kraków"),))
    w = SimpleNamespace(app=app, p=p, clerk=factory.staff(factory.institution(p)))
    client = client_of(w, w.clerk)
    wrong = csv_bytes([f"Anna;Nowak;{ANNA};1261011;magister;bezrobotny"], header=FACTS_HEADER)
    batch_id = batch_id_of(upload(client, wrong))
    dry_run(client, batch_id)
    errors = batch_of(w, batch_id).report["errors"]
    assert sorted((e["line"], e["column"]) for e in errors) == [
        (2, "Status na rynku pracy"), (2, "Wykształcenie")]
    assert all("Unknown" in e["message"] and "leave the cell empty" in e["message"]
               for e in errors)

    rows = [f"Anna;Nowak;{ANNA};1261011;Wyższe;bezrobotna zarejestrowana",
            f"Jan;Nowak;{JAN};1261011;zasadnicze zawodowe;",
            f"Łucja;Lis;{LUCJA};1261011;;Bierna zawodowo"]
    import_file(w, client, csv_bytes(rows, header=FACTS_HEADER))
    with app.app_context(), partnership_scope(p.id):
        found = {x.first_name: (x.education, x.labour_status)
                 for x in db.session.scalars(select(Participant))}
    assert found == {"Anna": ("higher", "registered_unemployed"), "Jan": ("vocational", None),
                     "Łucja": (None, "inactive")}
