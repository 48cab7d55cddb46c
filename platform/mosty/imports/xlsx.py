"""Opening an uploaded XLSX with openpyxl, read-only, without its pass over whole sheets.

``load_workbook(read_only=True)`` sizes every sheet when the workbook is opened: it looks for
the ``<dimension>`` element and, in a sheet that states none (streaming writers save none),
reads the sheet to its end, every empty styled row included, before a single row is asked for.
Here the size is looked for only where the format puts it, before the rows."""

import io
import re

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

# <dimension> follows <sheetPr> and precedes <sheetViews>, <cols> and the rows: a few hundred
# bytes into the sheet in every file seen, so this much is plenty.
HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self):
        with self._get_source() as source:
            head = source.read(HEAD_BYTES)
        rows_begin = _SHEET_DATA.search(head)
        found = _DIMENSION.search(head, 0, rows_begin.start() if rows_begin else len(head))
        if found is None:
            return
        # A malformed reference is a ValueError, reported as a file that cannot be opened.
        boundaries = range_boundaries(found.group(1).decode("ascii", "replace"))
        if None not in boundaries:
            self._min_column, self._min_row, self._max_column, self._max_row = boundaries


class _Reader(ExcelReader):
    def read_worksheets(self):
        # openpyxl's read-only branch, with the sheet class above.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_workbook(data):
    """The workbook of XLSX bytes, read-only, cell values rather than formulas."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb
