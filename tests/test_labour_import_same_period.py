"""The labour office's registration import and a period given twice in one file: the same
person and the same first day on two rows that say different things (one open and one closed,
two statuses, two case numbers) is ambiguous, so every later row is refused under "Data
rejestracji", naming the line of the first, and nothing is saved; the very same row twice is
merged, as the case-number import merges a repeated row. Periods of different people, or different periods of one
person, go in as before."""

from datetime import date

import pytest

from test_labour_registration import (
    ANNA_PESEL,
    STRANGER_PESEL,
    client_of,
    export_file,
    labour_world,
    make_pesel,
    periods_of,
    run_import,
)

D = date
JAN_PESEL = make_pesel(D(1990, 7, 21), 321, female=False)


@pytest.fixture
def import_world(app, factory):
    """The labour tests' partnership: two participants of the welfare centre with a PESEL,
    both consented to the city labour office seeing their record."""
    world = labour_world(app, factory)
    world.ewa = factory.participant(world.mops, first_name="Ewa", last_name="Peselowa",
                                    pesel=ANNA_PESEL)
    world.jan = factory.participant(world.mops, first_name="Jan", last_name="Peselowy",
                                    sex="male", pesel=JAN_PESEL)
    factory.consent(world.ewa, [world.gup])
    factory.consent(world.jan, [world.gup])
    return world


def errors_of(report):
    return [(e["line"], e["column"]) for e in report["errors"]]


@pytest.mark.parametrize("rows", [
    # open first, then closed: the closed row would have closed the period just recorded
    (f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;;",
     f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;CAZ/24/7;;"),
    # closed first, then open
    (f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;;;",
     f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;"),
    # two deregistration dates
    (f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-05-01;inne;;;",
     f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;;;"),
    # two statuses: no longer "recorded with another status", a period recorded by this file
    (f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;",
     f"{ANNA_PESEL};poszukujący pracy;2024-02-01;;;;;"),
    # the same period with another case number
    (f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;tak;",
     f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/8;tak;"),
], ids=["open-then-closed", "closed-then-open", "two-ends", "two-statuses", "two-case-numbers"])
def test_a_period_given_twice_is_refused_on_the_later_row_and_nothing_is_saved(import_world,
                                                                                rows):
    world = import_world
    client = client_of(world, world.gup_clerk)
    report = run_import(world, client, export_file(*rows)).report
    assert errors_of(report) == [(3, "Data rejestracji")], report["errors"]
    message = report["errors"][0]["message"]
    assert message == ("This person's period starting on this day is already given on line 2 "
                       "of this file: keep one row for it."), message
    assert periods_of(world, world.ewa.id) == []
    dry = run_import(world, client, export_file(*rows), commit=False).report
    assert errors_of(dry) == [(3, "Data rejestracji")]
    assert periods_of(world, world.ewa.id) == []


def test_the_refusal_names_the_first_line_whatever_the_order_and_in_polish(import_world):
    """Rows of a person need not be next to each other; each later repeat names the first."""
    world = import_world
    client = client_of(world, world.gup_clerk)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    report = run_import(world, client, export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;",
        f"{JAN_PESEL};bezrobotny;2024-03-01;;;;;",
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;;;",
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-07-01;inne;;;",
    )).report
    assert errors_of(report) == [(4, "Data rejestracji"), (5, "Data rejestracji")]
    assert [e["message"] for e in report["errors"]] == [
        "Okres tej osoby zaczynający się tego dnia jest już podany w wierszu 2 tego pliku: "
        "zostaw dla niego jeden wiersz."] * 2
    # One refused row keeps the whole file out, Jan's good row too.
    assert periods_of(world, world.ewa.id) == []
    assert periods_of(world, world.jan.id) == []


def test_a_period_repeated_for_someone_the_office_does_not_see_is_refused_too(import_world):
    """Judged on the file alone, so the answer does not depend on whom the office sees."""
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;",
        f"{STRANGER_PESEL};bezrobotny;2024-01-10;;;;;",
        f"{STRANGER_PESEL};bezrobotny;2024-01-10;2024-03-01;inne;;;",
    )).report
    assert errors_of(report) == [(4, "Data rejestracji")]
    assert periods_of(world, world.ewa.id) == []


def test_the_same_period_for_two_people_goes_in(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;;",
        f"{JAN_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;CAZ/24/8;;",
    )).report
    assert report["errors"] == []
    assert report["counts"]["create"] == 2
    assert periods_of(world, world.ewa.id) == [("unemployed", D(2024, 2, 1), None, "")]
    assert periods_of(world, world.jan.id) == [
        ("unemployed", D(2024, 2, 1), D(2024, 6, 3), "employment")]


def test_two_periods_of_one_person_go_in_and_a_second_run_changes_nothing(import_world):
    world = import_world
    client = client_of(world, world.gup_clerk)
    data = export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;;",
        f"{ANNA_PESEL};bezrobotna;2023-03-01;2023-09-15;podjęcie zatrudnienia;CAZ/23/1;;",
    )
    report = run_import(world, client, data).report
    assert report["errors"] == []
    assert report["counts"]["create"] == 2
    expected = [("unemployed", D(2023, 3, 1), D(2023, 9, 15), "employment"),
                ("unemployed", D(2024, 2, 1), None, "")]
    assert periods_of(world, world.ewa.id) == expected
    again = run_import(world, client, data).report
    assert again["errors"] == [] and again["counts"].get("merge") == 2
    assert periods_of(world, world.ewa.id) == expected


def test_a_later_file_still_closes_the_period_an_earlier_file_recorded(import_world):
    """The rule is about one file: a period recorded by an earlier import is closed by the
    next export's row as before."""
    world = import_world
    client = client_of(world, world.gup_clerk)
    run_import(world, client, export_file(f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;"))
    later = run_import(world, client, export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-10-01;na własny wniosek;;;")).report
    assert later["errors"] == [] and later["counts"]["update"] == 1
    assert periods_of(world, world.ewa.id) == [
        ("unemployed", D(2024, 2, 1), D(2024, 10, 1), "own_request")]


def test_the_very_same_row_twice_is_merged_and_the_period_recorded_once(import_world):
    world = import_world
    client = client_of(world, world.gup_clerk)
    row = f"{ANNA_PESEL};bezrobotny;2024-02-01;2024-06-03;podjęcie pracy;CAZ/24/7;tak;"
    report = run_import(world, client, export_file(row, row)).report
    assert report["errors"] == []
    assert [(r["line"], r["effect"], r["note"]) for r in report["rows"]] == [
        (2, "create", "The registration period will be recorded."),
        (3, "merge", "Repeats line 2.")]
    assert len(periods_of(world, world.ewa.id)) == 1
