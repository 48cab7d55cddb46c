"""An import reads back Mosty's own words: the relation, education and labour-market status as
a page offers them and as the export writes them (QA: "głowa gospodarstwa domowego", exactly
what the family page's relation list offers, was "Nieznane pokrewieństwo")."""

import pytest
from sqlalchemy import select

from mosty.extensions import db
from mosty.families.models import FamilyMember
from mosty.participants.models import Participant
from mosty.tenancy import partnership_scope
from test_imports import ANNA, JAN, build_world, client_of, csv_bytes, import_file

HEADER = "Imię;Nazwisko;PESEL;Gmina;Rodzina;Pokrewieństwo;Wykształcenie;Status na rynku pracy"


@pytest.fixture
def world(app, factory):
    return build_world(app, factory)


def test_the_apps_own_labels_are_read_back_in_polish_and_english(world):
    rows = [
        f"Anna;Wiśniewska;{ANNA};Kraków;Rodzina Wiśniewskich;głowa gospodarstwa domowego;"
        "zasadnicze zawodowe;zarejestrowany jako bezrobotny",
        f"Jan;Wiśniewski;{JAN};Kraków;Rodzina Wiśniewskich;spouse;higher;"
        "economically inactive",
    ]
    import_file(world, client_of(world, world.clerk), csv_bytes(rows, header=HEADER))
    with world.app.app_context(), partnership_scope(world.p.id):
        people = {p.first_name: (p.education, p.labour_status)
                  for p in db.session.scalars(select(Participant))}
        relations = {m.participant.first_name: m.relation
                     for m in db.session.scalars(select(FamilyMember))}
    assert people == {"Anna": ("vocational", "registered_unemployed"),
                      "Jan": ("higher", "inactive")}
    assert relations == {"Anna": "head", "Jan": "spouse"}


def test_a_stored_code_is_read_back_too(world):
    # "child_in_law" was refused: the codes were added to the relation words unnormalised.
    rows = [f"Anna;Wiśniewska;{ANNA};Kraków;Rodzina Wiśniewskich;head;secondary;employed",
            f"Jan;Wiśniewski;{JAN};Kraków;Rodzina Wiśniewskich;child_in_law;;"]
    import_file(world, client_of(world, world.clerk), csv_bytes(rows, header=HEADER))
    with world.app.app_context(), partnership_scope(world.p.id):
        relations = {m.participant.first_name: m.relation
                     for m in db.session.scalars(select(FamilyMember))}
    assert relations == {"Anna": "head", "Jan": "child_in_law"}


def test_a_code_no_commune_can_have_is_refused_as_in_the_forms(world):
    # The forms refused 1261000; the import stored it (it checked only 7 digits and the area).
    from test_imports import batch_id_of, batch_of, dry_run, upload

    client = client_of(world, world.clerk)
    rows = [f"Anna;Wiśniewska;{ANNA};1261000;;;;"]
    batch_id = batch_id_of(upload(client, csv_bytes(rows, header=HEADER)))
    dry_run(client, batch_id)
    errors = batch_of(world, batch_id).report["errors"]
    assert [e["column"] for e in errors] == ["Gmina"]
    assert "1261000" in errors[0]["message"]
