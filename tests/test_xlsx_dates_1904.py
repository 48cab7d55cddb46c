"""A workbook saved with the 1904 date system (Excel for Mac before 2011, and any workbook with
"Use 1904 date system" ticked) stores each date as days since 1 January 1904, 1462 fewer than
the usual count. The import reads the workbook's own date system, so the same day reads the
same either way, never four years and a day early."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from mosty.imports.reading import read_table


def _workbook(epoch):
    book = Workbook()
    book.epoch = epoch
    sheet = book.active
    sheet.append(["Imię", "Data urodzenia", "Data rejestracji"])
    sheet.append(["Anna", date(1987, 3, 14), datetime(2024, 2, 1, 9, 15)])
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


@pytest.mark.parametrize("epoch", [CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904],
                         ids=["1900", "1904"])
def test_dates_read_the_same_in_either_date_system(epoch):
    data = _workbook(epoch)
    table = read_table(data, "eksport.xlsx")
    (_line, cells), = table.rows
    assert cells[1:] == ["1987-03-14", "2024-02-01 09:15:00"]


def test_the_1904_file_really_stores_the_shorter_count():
    """Guards the test above: the two files differ in the stored number, not only in a flag."""
    import zipfile

    def stored(data):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("xl/worksheets/sheet1.xml").decode()

    windows, mac = stored(_workbook(CALENDAR_WINDOWS_1900)), stored(_workbook(CALENDAR_MAC_1904))
    assert "<v>31850</v>" in windows  # 14 March 1987 counted from 1900
    assert "<v>30388</v>" in mac      # the same day counted from 1904: 1462 fewer
