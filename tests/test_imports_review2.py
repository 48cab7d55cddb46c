"""Second review of the imports: the labour office's registration import reads its cells with
the core's readers (dates with a time or as Excel serial numbers, a PESEL that lost its leading
0, text with control characters), the case-number import repairs that PESEL too, a file is
read by what it holds rather than by its name, and a commit needs the format still offered."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from mosty.extensions import db
from mosty.imports.models import ImportBatch
from mosty.imports.reading import MAX_COLUMNS, UnreadableFile, read_table
from mosty.imports.values import CellError, parse_date, read_date
from mosty.participants.models import Participant
from mosty.plugins.models import PartnershipModule
from mosty.tenancy import partnership_scope
from mosty_labour.registration.models import LabourRegistration
from test_imports import (
    ANNA,
    batch_id_of,
    batch_of,
    build_world,
    commit,
    csv_bytes,
    dry_run,
    pesel,
    suggested,
    upload,
)
from test_imports import (
    client_of as core_client_of,
)
from test_labour_registration import (
    ANNA_PESEL,
    client_of,
    export_file,
    in_a,
    labour_world,
    periods_of,
    run_import,
)
from test_labour_registration import (
    SLUG as LABOUR_SLUG,
)

D = date


@pytest.fixture
def import_world(app, factory):
    """The labour tests' partnership; the welfare centre's participant with a PESEL consented
    to the city labour office seeing her record."""
    world = labour_world(app, factory)
    world.anna_with_pesel = factory.participant(world.mops, first_name="Ewa",
                                                last_name="Peselowa", pesel=ANNA_PESEL)
    factory.consent(world.anna_with_pesel, [world.gup])
    return world

# --- one reader of cells for every format ------------------------------------------------------


def test_a_date_kept_as_an_excel_serial_number_is_that_date():
    """A date column formatted as "General" in Excel gives the day's serial number."""
    assert read_date("31120") == D(1985, 3, 14)
    assert read_date("45323") == D(2024, 2, 1)
    assert parse_date("31120") == D(1985, 3, 14)
    assert read_date("") is None


def test_a_number_that_cannot_be_a_date_is_still_refused_with_a_sentence():
    for typed in ("1985", "123456", "3112", "31.02.2024"):
        try:
            read_date(typed)
        except CellError as error:
            assert "14.03.1985" in str(error.message)
        else:
            raise AssertionError(f"{typed} was taken for a date")


def test_the_registration_import_takes_dates_with_a_time_and_excel_serial_numbers(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2023-03-01 08:30:00;45199;podjęcie pracy;;;",
        f"{ANNA_PESEL};bezrobotny;45323;;;CAZ/24/7;;",
    )).report
    assert report["errors"] == []
    assert periods_of(world, world.anna_with_pesel.id) == [
        ("unemployed", D(2023, 3, 1), D(2023, 9, 30), "employment"),
        ("unemployed", D(2024, 2, 1), None, ""),
    ]


def upload_labour_file(world, client, data, filename):
    """Upload under ``filename``, confirm the recognised columns, commit; the batch."""
    response = client.post(f"/{LABOUR_SLUG}/imports/", data={
        "format": "labour.registrations", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")
    batch_id = batch_id_of(response)
    page = client.get(f"/{LABOUR_SLUG}/imports/{batch_id}/mapping").get_data(as_text=True)
    client.post(f"/{LABOUR_SLUG}/imports/{batch_id}/mapping", data=suggested(page))
    client.post(f"/{LABOUR_SLUG}/imports/{batch_id}/commit")
    with in_a(world) as session:
        batch = session.get(ImportBatch, batch_id)
        return batch.state, batch.report


def test_the_registration_import_reads_a_workbook_with_date_cells_and_a_numeric_pesel(
        import_world):
    world = import_world
    young = pesel(D(2005, 3, 14))  # "05…": a number cell drops the leading 0
    with in_a(world) as session:
        session.get(Participant, world.anna_with_pesel.id).pesel = young
        session.commit()
    book = Workbook()
    book.active.append(["PESEL", "Status", "Data rejestracji", "Numer ewidencyjny"])
    book.active.append([int(young), "Bezrobotny.", datetime(2024, 2, 1, 9, 15), "CAZ/24/7"])
    saved = io.BytesIO()
    book.save(saved)
    state, report = upload_labour_file(world, client_of(world, world.gup_clerk),
                                       saved.getvalue(), "eksport.xlsx")
    assert (state, report["errors"]) == ("committed", []), report
    assert periods_of(world, world.anna_with_pesel.id) == [
        ("unemployed", D(2024, 2, 1), None, "")]


def test_the_registration_import_refuses_control_characters_in_the_case_number(import_world):
    world = import_world
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ\x07/24;;")).report
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(2, "Numer ewidencyjny")]
    assert "characters that are not allowed" in report["errors"][0]["message"]
    assert periods_of(world, world.anna_with_pesel.id) == []


def test_the_registration_import_names_what_is_wrong_with_a_pesel(import_world):
    world = import_world
    wrong_digit = ANNA_PESEL[:-1] + str((int(ANNA_PESEL[-1]) + 1) % 10)
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{wrong_digit};bezrobotny;2024-02-01;;;;;",
        ";bezrobotny;2024-02-01;;;;;")).report
    messages = {e["line"]: e["message"] for e in report["errors"] if e["column"] == "PESEL"}
    assert "check digit" in messages[2].lower(), messages
    assert messages[3] == "The PESEL is required."


# --- the case-number import -------------------------------------------------------------------


def test_case_numbers_match_a_pesel_that_lost_its_leading_zero_in_excel(app, factory):
    world = build_world(app, factory)
    young = pesel(D(2005, 3, 14))
    assert young.startswith("0")
    zosia = factory.participant(world.mops, first_name="Zofia", last_name="Nowak",
                                birth_date=D(2005, 3, 14), pesel=young)
    client = core_client_of(world, world.clerk)
    batch_id = batch_id_of(upload(client, csv_bytes([f"{young[1:]};OPS/2024/9"],
                                                    header="PESEL;Nr sprawy"),
                                  fmt="social_assistance_cases"))
    dry_run(client, batch_id)
    report = batch_of(world, batch_id).report
    assert report["errors"] == [] and report["counts"]["update"] == 1, report
    commit(client, batch_id)
    with app.app_context(), partnership_scope(world.p.id):
        assert db.session.get(Participant, zosia.id).social_assistance_case_no == "OPS/2024/9"


# --- a file is read by what it holds ---------------------------------------------------------


def test_a_csv_saved_under_an_xlsx_name_is_read_as_csv():
    table = read_table("Imię;Nazwisko\r\nAnna;Nowak\r\n".encode(), "lista.xlsx")
    assert (table.kind, table.headers, table.rows) == ("csv", ["Imię", "Nazwisko"],
                                                        [(2, ["Anna", "Nowak"])])


def _refusal(data, filename):
    try:
        read_table(data, filename)
    except UnreadableFile as error:
        return str(error)
    raise AssertionError("the file was read")


def test_a_web_page_saved_as_an_excel_file_gets_its_own_message():
    page = b"<html><body><table><tr><td>PESEL</td></tr><tr><td>1</td></tr></table></html>"
    for filename in ("eksport.xls", "eksport.xlsx", "eksport.csv"):
        assert "web page (HTML)" in _refusal(page, filename)
    assert "web page (HTML)" in _refusal(b"\xef\xbb\xbf  \r\n<!DOCTYPE html><table>", "e.xls")


def test_an_old_excel_workbook_is_named_as_such():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    for filename in ("lista.xls", "lista.xlsx", "lista.csv"):
        assert "old Excel format (.xls)" in _refusal(ole2, filename)


def test_the_refusals_are_shown_in_polish(app, factory):
    world = build_world(app, factory)
    client = core_client_of(world, world.clerk)
    with client.session_transaction() as session:
        session["locale"] = "pl"
    response = upload(client, b"<html><table></table></html>", "eksport.xls")
    assert response.status_code == 422
    assert "strona internetowa (HTML)" in response.get_data(as_text=True)


# --- the commit needs the format still offered ------------------------------------------------


def test_a_commit_after_the_module_was_switched_off_is_refused_and_saves_nothing(import_world):
    world = import_world
    client = client_of(world, world.gup_clerk)
    checked = run_import(world, client, export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;CAZ/24/7;;"), commit=False)
    assert checked.state == "checked" and checked.report["errors"] == []
    with in_a(world) as session:
        session.query(PartnershipModule).filter_by(module_key="labour").update(
            {"enabled": False})
        session.commit()
        batch_id = session.scalar(select(ImportBatch.id))
    response = client.post(f"/{LABOUR_SLUG}/imports/{batch_id}/commit")
    assert response.status_code == 302 and "/jobs/" not in response.headers["Location"]
    with in_a(world) as session:
        assert session.get(ImportBatch, batch_id).state == "checked"
        assert session.scalar(select(LabourRegistration.id)) is None
    assert periods_of(world, world.anna_with_pesel.id) == []


# --- columns: how many, and the same header twice ---------------------------------------------


def test_a_csv_line_is_read_up_to_the_column_limit_as_a_sheet_is():
    """A line of a hundred thousand separators made a mapping page of 90 MB."""
    wide = 100_000
    data = (";".join(f"k{i}" for i in range(wide)) + "\r\n"
            + ";".join("x" for _ in range(wide)) + "\r\n").encode()
    table = read_table(data, "szeroki.csv")
    assert len(table.headers) == MAX_COLUMNS and len(table.rows[0][1]) == MAX_COLUMNS
    assert table.headers[-1] == f"k{MAX_COLUMNS - 1}"


def test_a_header_repeated_in_a_skipped_column_keeps_the_saved_choice(app, factory):
    world = build_world(app, factory)
    client = core_client_of(world, world.clerk)
    header = "Pierwsze imię;Nazwisko rodowe;Nr ewid.;Kod gminy;Nr ewid."
    rows = [f"Anna;Wiśniewska;{ANNA};1261011;{ANNA}"]
    first = batch_id_of(upload(client, csv_bytes(rows, header=header)))
    dry_run(client, first, {"column-0": "first_name", "column-1": "last_name",
                            "column-2": "pesel", "column-3": "commune", "column-4": ""})
    assert batch_of(world, first).report["errors"] == []
    second = batch_id_of(upload(client, csv_bytes(rows, header=header)))
    assert batch_of(world, second).mapping == {"0": "first_name", "1": "last_name",
                                               "2": "pesel", "3": "commune"}


def test_a_huge_cell_is_compared_without_being_kept_in_memory():
    from mosty.imports import contract

    huge = "kobieta " * 10_000
    before = contract._cached_key.cache_info().currsize
    assert contract.header_key(huge) == "kobieta" * 10_000
    assert contract._cached_key.cache_info().currsize == before
    assert contract.header_key("Płeć") == "plec"


# --- formulas ---------------------------------------------------------------------------------


def _workbook(*rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def _with_sheet_xml(data, old, new):
    """The workbook with ``old`` replaced by ``new`` in its sheet's XML (as Excel would have
    saved what openpyxl writes otherwise)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert old in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(old, new).encode()
    saved = io.BytesIO()
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, content in parts.items():
            copy.writestr(name, content)
    return saved.getvalue()


def test_a_formula_saved_without_its_result_is_refused_naming_its_cell():
    """openpyxl, like other programs, saves formulas without results: the phone read empty."""
    data = _workbook(["Imię", "Nazwisko", "Telefon"], ["Anna", "Nowak", '="600"&"100200"'])
    assert "Cell C2 holds a formula saved without its result" in _refusal(data, "lista.xlsx")


def test_a_formula_saved_with_its_result_is_read_as_that_result():
    data = _with_sheet_xml(_workbook(["Imię", "Nazwisko", "Telefon"], ["Anna", "Nowak", "=A1"]),
                           "<f>A1</f><v /></c>", "<f>A1</f><v>600100200</v></c>")
    assert read_table(data, "lista.xlsx").rows == [(2, ["Anna", "Nowak", "600100200"])]


def test_rows_a_sheet_leaves_out_keep_the_numbers_of_the_rows_after_them():
    book = Workbook()
    book.active.append(["Imię", "Nazwisko"])
    book.active["A5"], book.active["B5"] = "Anna", "Nowak"
    saved = io.BytesIO()
    book.save(saved)
    assert read_table(saved.getvalue(), "lista.xlsx").rows == [(5, ["Anna", "Nowak"])]


def test_a_formula_whose_result_is_empty_text_is_an_empty_cell():
    """Excel saves =JEŻELI(A2="";"";…) giving "" as an empty value of type "str"."""
    data = _with_sheet_xml(_workbook(["Imię", "Nazwisko", "Telefon"],
                                     ["Anna", "Nowak", '=IF(A1="x","1","")']),
                           '<c r="C2">', '<c r="C2" t="str">')
    assert read_table(data, "lista.xlsx").rows == [(2, ["Anna", "Nowak"])]


# --- matching by PESEL, as the case-number import matches ---------------------------------------


def test_the_registration_import_skips_a_restricted_person_and_refuses_a_shared_pesel(
        import_world, factory):
    world = import_world
    with in_a(world) as session:
        session.get(Participant, world.anna_with_pesel.id).processing_restricted = True
        session.commit()
    twin = factory.participant(world.mops, first_name="Ewa", last_name="Bliźniak",
                               pesel=pesel(D(1990, 1, 2)))
    again = factory.participant(world.mops, first_name="Ewa", last_name="Bliźniak",
                                pesel=pesel(D(1990, 1, 2)))
    factory.consent(twin, [world.gup])
    factory.consent(again, [world.gup])
    report = run_import(world, client_of(world, world.gup_clerk), export_file(
        f"{ANNA_PESEL};bezrobotny;2024-02-01;;;;;",
        f"{pesel(D(1990, 1, 2))};bezrobotny;2024-02-01;;;;;"), commit=False).report
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(3, "PESEL")]
    assert "Several participants have this PESEL" in report["errors"][0]["message"]
    # Restricted, she is no longer shared with the office: skipped as anyone it cannot see.
    assert report["rows"] == [{"line": 2, "effect": "skip", "object_id": None,
                               "note": "No participant your institution can see has this "
                                       "PESEL: skipped."}]
    assert periods_of(world, world.anna_with_pesel.id) == []
