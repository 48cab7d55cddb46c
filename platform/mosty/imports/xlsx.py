"""Opening an uploaded XLSX with openpyxl, read-only, without its pass over whole sheets.

``load_workbook(read_only=True)`` sizes every sheet when the workbook is opened: it looks for
the ``<dimension>`` element and, in a sheet that states none (streaming writers save none),
reads the sheet to its end, every empty styled row included, before a single row is asked for.
Here the size is looked for only where the format puts it, before the rows.

Cells are read as values, not formulas. A formula saved without its result (a file written by
a program rather than by Excel or LibreOffice, which save both) has no value to read: it is
refused (``FormulaWithoutValue``) rather than read as an empty cell, which would lose a phone
or a family silently or call a name in the sheet missing.

A cell merged down over several rows (a family's name once, beside all its members) gives
its value to every row it spans, as the person who merged it sees the sheet. openpyxl's
read-only mode leaves the rows under it empty: the merges are listed after the rows, which it
never reaches. Across columns nothing is copied: the columns a merge spans are different
fields, and the value belongs to the first of them."""

import io
import re

from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

# <dimension> follows <sheetPr> and precedes <sheetViews>, <cols> and the rows: a few hundred
# bytes into the sheet in every file seen, so this much is plenty.
HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([^"]*)"')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="([^"]*)"')
CHUNK_BYTES = 1024 * 1024


class FormulaWithoutValue(Exception):
    """A cell holds a formula saved without its result."""

    def __init__(self, coordinate):
        super().__init__(coordinate)
        self.coordinate = coordinate


class _Parser(WorkSheetParser):
    def parse_cell(self, element):
        cell = super().parse_cell(element)
        # A formula whose result is an empty text (=JEŻELI(A2="";"";…)) is saved as an empty
        # value of type "str"; of any other type, an empty value is no result at all.
        if (cell["value"] is None and self.data_only and element.get("t") != "str"
                and element.find(FORMULA_TAG) is not None):
            raise FormulaWithoutValue(element.get("r") or "")
        return cell


class _Sheet(ReadOnlyWorksheet):
    def _cells_by_row(self, min_col, min_row, max_col, max_row, values_only=False):
        """openpyxl's, with the parser above: the rows from ``min_row`` (those the sheet leaves
        out given as empty ones, so that each row keeps its number) up to ``max_row``."""
        max_col = max_col or self.max_column
        max_row = max_row or self.max_row
        filler = None if values_only else EMPTY_CELL
        empty_row = (filler,) * (max_col + 1 - min_col) if max_col is not None else ()
        expected = min_row
        fill_down = _FillDown(self._merged_down(), min_col)
        with self._get_source() as source:
            parser = _Parser(source, self._shared_strings, data_only=self.parent.data_only,
                             epoch=self.parent.epoch, date_formats=self.parent._date_formats,
                             timedelta_formats=self.parent._timedelta_formats)
            for number, cells in parser.parse():
                if max_row is not None and number > max_row:
                    return
                if number < expected:
                    continue
                for _missing in range(expected, number):
                    yield empty_row
                expected = number + 1
                row = self._get_row(cells, min_col, max_col, values_only)
                yield fill_down(number, row) if values_only else row

    def _merged_down(self):
        """The merges of the sheet that span more than one row, as (column, first row, last
        row): read from the end of the sheet, after its rows."""
        found = []
        with self._get_source() as source:
            tail, after_rows = b"", False
            while chunk := source.read(CHUNK_BYTES):
                text = tail + chunk
                if not after_rows:
                    end = _SHEET_DATA_END.search(text)
                    if end is None:
                        tail = text[-64:]  # the closing tag may straddle two chunks
                        continue
                    after_rows, text = True, text[end.end():]
                tail = b""
                # A ref cut by the chunk's end is read whole with the next chunk.
                cut = text.rfind(b"<")
                text, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
                found.extend(_MERGE.findall(text))
            found.extend(_MERGE.findall(tail))
        spans = []
        for ref in found:
            try:
                column, first, _last_column, last = range_boundaries(ref.decode("ascii"))
            except (ValueError, TypeError):
                continue  # a malformed merge hides nothing: the rows are read as they are
            if None not in (column, first, last) and last > first:
                spans.append((column, first, last))
        return spans


class _FillDown:
    """Gives each row the value of the merged cells above it that span it (``_merged_down``)."""

    def __init__(self, spans, min_col):
        self.starting = {}
        for column, first, last in spans:
            self.starting.setdefault(first, []).append((column - min_col, last))
        self.open = []  # (index in the row, last row, value)

    def __call__(self, number, row):
        if not self.starting and not self.open:
            return row
        self.open = [span for span in self.open if span[1] >= number]
        # A row empty but for the merge stays empty: a merge drawn far below the data (a
        # whole column) must not turn the sheet's empty rows into rows to import.
        if self.open and any(value is not None for value in row):
            row = list(row)
            for index, _last, value in self.open:
                if 0 <= index < len(row) and row[index] is None:
                    row[index] = value
            row = tuple(row)
        for index, last in self.starting.pop(number, ()):
            if 0 <= index < len(row):
                self.open.append((index, last, row[index]))
        return row

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
