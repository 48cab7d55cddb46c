"""Imports read only as much of a sheet as any format needs: a workbook whose recorded size is
the whole grid is read in seconds, not hours."""

import io
import time

from openpyxl import Workbook

from mosty.imports.reading import MAX_COLUMNS, read_table


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
