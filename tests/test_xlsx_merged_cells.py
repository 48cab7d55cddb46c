"""A cell merged down over several rows reads as its value in every row it spans: a family's
name written once beside all its members makes one family, as the clerk who merged it sees
the sheet. Merges across columns copy nothing (the columns are different fields)."""

import io

from openpyxl import Workbook

from mosty.imports import xlsx
from mosty.imports.reading import read_table


def _workbook(build):
    book = Workbook()
    sheet = book.active
    build(sheet)
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def _family_sheet(sheet):
    sheet.append(["Imię", "Nazwisko", "Rodzina", "Uwagi", "Inne"])
    sheet.append(["Anna", "Kowalska", "Kowalscy", "a", "x"])
    sheet.append(["Jan", "Kowalski", None, None, None])
    sheet.append(["Ola", "Kowalska", None, None, None])
    sheet.append(["Piotr", "Nowak", "Nowakowie", None, None])
    sheet.merge_cells("C2:C4")   # the family, down over its three members
    sheet.merge_cells("D2:E2")   # a note across two columns: only its first column


def test_a_cell_merged_down_gives_its_value_to_every_row_it_spans():
    table = read_table(_workbook(_family_sheet), "rodziny.xlsx")
    rows = [cells for _line, cells in table.rows]
    assert [cells[2] for cells in rows] == ["Kowalscy", "Kowalscy", "Kowalscy", "Nowakowie"]
    assert rows[0][3:] == ["a"]      # the merge across D:E: E is not given D's value
    assert rows[1][3:] == []


def test_a_merge_reaching_below_the_data_adds_no_rows():
    def build(sheet):
        sheet.append(["Imię", "Nazwisko", "Rodzina"])
        sheet.append(["Anna", "Kowalska", "Kowalscy"])
        sheet.append(["Jan", "Kowalski", None])
        sheet.merge_cells("C2:C5000")

    table = read_table(_workbook(build), "rodziny.xlsx")
    assert [cells for _line, cells in table.rows] == [
        ["Anna", "Kowalska", "Kowalscy"], ["Jan", "Kowalski", "Kowalscy"]]


def test_merges_are_found_however_the_sheet_is_cut_into_chunks(monkeypatch):
    monkeypatch.setattr(xlsx, "CHUNK_BYTES", 7)  # every tag straddles a chunk's end
    table = read_table(_workbook(_family_sheet), "rodziny.xlsx")
    assert [cells[2] for _line, cells in table.rows] == [
        "Kowalscy", "Kowalscy", "Kowalscy", "Nowakowie"]


def test_a_sheet_without_merges_reads_as_before():
    def build(sheet):
        sheet.append(["Imię", "Rodzina"])
        sheet.append(["Anna", None])
        sheet.append(["Jan", "Nowakowie"])

    table = read_table(_workbook(build), "rodziny.xlsx")
    assert [cells for _line, cells in table.rows] == [["Anna"], ["Jan", "Nowakowie"]]
