"""Imports read only as much of a sheet as any format needs: a workbook whose recorded size is
the whole grid is read in seconds, not hours; a sheet formatted far below its data is read in
the time its data takes; a CSV cell too long for the reader gets a sentence, not Python's text."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select

from mosty.extensions import db
from mosty.imports.models import ImportBatch
from mosty.imports.reading import (
    EMPTY_RUN_ENDS_DATA,
    MAX_COLUMNS,
    UnreadableFile,
    read_table,
)
from mosty.tenancy import partnership_scope
from mosty.testing.factories import login

HEADER = ["Imię", "Nazwisko", "Gmina"]
PEOPLE = [["Anna", "Nowak", "1261011"], ["Jan", "Kowalski", "1261011"]]


def workbook_with_empty_rows(empty_rows, declared_size=None, rows=None):
    """A workbook made by openpyxl: the header, two people, then ``empty_rows`` rows of three
    empty cells with a style, as a sheet formatted far below its data is saved (the
    ``<dimension>`` counts them too). The empty rows are spliced into the sheet's XML, as
    openpyxl itself takes a minute to write 50,000 styled cells. ``rows``: other data rows
    (lists of cells, None for an empty styled row) instead of the two people and the empty
    rows. ``declared_size=""`` leaves the size out, as streaming writers do."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(PEOPLE[0])
    sheet.cell(4, 1).font = Font(bold=True)  # so that the styles hold a style of index 1
    saved = io.BytesIO()
    book.save(saved)
    body = rows if rows is not None else [*PEOPLE, *([None] * empty_rows)]
    xml_rows = []
    for number, cells in enumerate(body, start=2):
        if cells is None:
            xml_rows.append(f'<row r="{number}">' + "".join(
                f'<c r="{column}{number}" s="1"/>' for column in "ABC") + "</row>")
        else:
            xml_rows.append(f'<row r="{number}">' + "".join(
                f'<c r="{column}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
                for column, value in zip("ABC", cells, strict=True)) + "</row>")
    last = len(body) + 1
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                xml = re.sub(r'<row r="2">.*</sheetData>',
                             lambda _match: "".join(xml_rows) + "</sheetData>", xml)
                xml = re.sub(r'<dimension ref="[^"]*" />',
                             "" if declared_size == "" else
                             f'<dimension ref="{declared_size or f"A1:C{last}"}" />', xml)
                content = xml.encode()
            copy.writestr(item.filename, content)
    return out.getvalue()


def test_a_sheet_spanning_every_column_is_read_quickly_up_to_the_column_limit():
    book = Workbook()
    sheet = book.active
    sheet.append(["Imię", "Nazwisko"])
    sheet.append(["Anna", "Nowak"])
    sheet.cell(1, MAX_COLUMNS + 50, "Za daleko")
    sheet.cell(3000, 16000, "x")  # the sheet now records itself as 3000 × 16000 cells
    data = io.BytesIO()
    book.save(data)
    started = time.monotonic()
    table = read_table(data.getvalue(), "lista.xlsx")
    # Unbounded, this takes a minute here (and hours for a sheet of a million rows).
    assert time.monotonic() - started < 20
    assert table.headers[:2] == ["Imię", "Nazwisko"] and len(table.headers) <= MAX_COLUMNS
    assert table.rows == [(2, ["Anna", "Nowak"])]


@pytest.mark.parametrize("declared_size", [None, ""], ids=["size-stated", "no-size"])
def test_a_small_workbook_with_50000_styled_empty_rows_is_read_in_moments(declared_size):
    data = workbook_with_empty_rows(50_000, declared_size=declared_size)
    assert len(data) < 1024 * 1024
    assert (b"<dimension" in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")) is (declared_size is None)
    started = time.monotonic()
    table = read_table(data, "lista.xlsx", max_rows=20_000)
    # Before: every empty row was read and padded to 200 cells (and, without a stated size,
    # read once more when the workbook was opened), 70-80 s here; 300,000 such rows kept
    # the upload request busy for minutes.
    assert time.monotonic() - started < 5
    assert table.headers == HEADER
    assert table.rows == [(2, PEOPLE[0]), (3, PEOPLE[1])]


def test_a_run_of_empty_rows_ends_the_data():
    rows = [PEOPLE[0], *([None] * EMPTY_RUN_ENDS_DATA), PEOPLE[1]]
    table = read_table(workbook_with_empty_rows(0, rows=rows), "lista.xlsx")
    assert table.rows == [(2, PEOPLE[0])]
    # Fewer empty rows in a row are only skipped.
    rows = [PEOPLE[0], *([None] * (EMPTY_RUN_ENDS_DATA - 1)), PEOPLE[1]]
    table = read_table(workbook_with_empty_rows(0, rows=rows), "lista.xlsx")
    assert table.rows == [(2, PEOPLE[0]), (EMPTY_RUN_ENDS_DATA + 2, PEOPLE[1])]
    text = "Imię;Nazwisko\r\nAnna;Nowak\r\n" + ";\r\n" * EMPTY_RUN_ENDS_DATA + "Jan;Kowalski\r\n"
    assert read_table(text.encode(), "lista.csv").rows == [(2, ["Anna", "Nowak"])]


def test_empty_rows_between_the_data_count_towards_a_limit():
    # Each data row follows 3 empty ones: 15 empty rows below the header, limit 10.
    rows = [cells for person in [PEOPLE[0]] * 5 for cells in ([None] * 3 + [person])]
    with pytest.raises(UnreadableFile) as refused:
        read_table(workbook_with_empty_rows(0, rows=rows), "lista.xlsx", max_rows=10)
    assert "more than 10 empty rows between its data rows" in str(refused.value)
    assert len(read_table(workbook_with_empty_rows(0, rows=rows), "lista.xlsx",
                          max_rows=15).rows) == 5


def test_a_sheet_declaring_more_than_excel_can_hold_is_refused():
    with pytest.raises(UnreadableFile) as refused:
        read_table(workbook_with_empty_rows(0, declared_size="A1:XFE3"), "lista.xlsx")
    assert "3 × 16385 (rows × columns), more than Excel allows" in str(refused.value)


def test_a_workbook_unpacking_to_more_than_the_limit_is_refused(monkeypatch):
    from mosty.imports import reading

    data = workbook_with_empty_rows(2_000)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 100 * 1024)
    with pytest.raises(UnreadableFile) as refused:
        read_table(data, "lista.xlsx")
    assert "unpacks to more than" in str(refused.value)


# --- through the upload page, in Polish --------------------------------------------------------


@pytest.fixture
def clerk(app, factory):
    p = factory.partnership(slug="wczytywanie")
    mops = factory.institution(p, name="MOPS", teryt="1261011")
    return app, p, login(app.test_client(), factory.staff(mops))


def upload(clerk, data, filename):
    app, p, client = clerk
    return client.post(f"/{p.slug}/imports/", data={"format": "participants", "file": (
        io.BytesIO(data), filename)}, content_type="multipart/form-data")


def batches(clerk):
    app, p, _client = clerk
    with app.app_context(), partnership_scope(p.id):
        return db.session.scalar(select(func.count(ImportBatch.id)))


def test_an_over_long_csv_cell_is_named_by_line_and_column(clerk):
    long = "x" * 140_000
    data = f"Imię;Nazwisko;Uwagi\r\nAnna;Nowak;krótko\r\nJan;Kowalski;{long}\r\n".encode()
    response = upload(clerk, data, "lista.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ("Wiersz 3, kolumna 3: liczba znaków w komórce przekracza limit 131072." in page), \
        page[page.find("flash"):][:600]
    assert "field limit" not in page
    assert batches(clerk) == 0


def test_an_unclosed_quote_is_reported_at_the_line_where_its_cell_begins(clerk):
    rest = "".join(f"Osoba{i};Nowak\r\n" for i in range(20_000))
    data = f'Imię;Nazwisko\r\nAnna;"Nowak\r\n{rest}'.encode()
    page = upload(clerk, data, "lista.csv").get_data(as_text=True)
    assert "Wiersz 2, kolumna 2: liczba znaków w komórce przekracza limit" in page
    assert "cudzysłów" in page


def test_the_formatted_workbook_is_uploaded_with_its_two_rows_at_once(clerk):
    data = workbook_with_empty_rows(50_000)
    started = time.monotonic()
    response = upload(clerk, data, "lista.xlsx")
    assert time.monotonic() - started < 10  # the upload request reads the file
    assert response.status_code == 302
    app, p, _client = clerk
    with app.app_context(), partnership_scope(p.id):
        assert db.session.scalars(select(ImportBatch.row_count)).all() == [2]
