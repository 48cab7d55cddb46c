"""Reading an uploaded table: XLSX or CSV in UTF-8 (with or without BOM) or Windows-1250,
separated by ``;``, ``,`` or tabs. Whatever the file, the result is a header row and data rows
with their line numbers, or an ``UnreadableFile`` with a readable reason.

The work is bounded by the data, not by what the file claims: a run of ``EMPTY_RUN_ENDS_DATA``
empty rows ends the table, and empty rows between data rows count towards a limit of their
own, so a sheet formatted down to its millionth row is read in the time its data takes."""

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass, field

from ..i18n import lazy_gettext as _l

XLSX_MAGIC = b"PK\x03\x04"
# The compound-document header of an Excel 97-2003 workbook (.xls), which is not read.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SEPARATORS = (";", ",", "\t")
# Letters that tell Windows-1250 from Latin-1-like guesses are irrelevant here: a file that is
# not valid UTF-8 is read as Windows-1250, the code page of Polish Windows and Excel.
FALLBACK_ENCODING = "cp1250"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# No import format has nearly this many columns: only the first ones of a file are read.
MAX_COLUMNS = 200
# This many empty rows in a row end the data: nothing below them is read. Styled but empty
# rows (a format applied down the sheet) would otherwise be read one by one, for minutes.
EMPTY_RUN_ENDS_DATA = 1000
# The largest sheet Excel can make; a sheet declaring more is damaged or was not made by a
# spreadsheet program.
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
# What an XLSX may unpack to. Compressed XML shrinks a hundredfold and more, and openpyxl reads
# a sheet that does not state its size (or every cell of a row) in full; 20,000 rows of a
# few dozen columns unpack to a few dozen MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class UnreadableFile(Exception):
    """The upload cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Table:
    headers: list
    rows: list = field(default_factory=list)  # (line number, [cell text, ...])
    encoding: str = ""
    separator: str = ""
    kind: str = "csv"


def read_table(data, filename="", max_rows=20000):
    if not data or not data.strip():
        raise UnreadableFile(_l("The file is empty."))
    table = _read_xlsx(data, max_rows) if _is_xlsx(data, filename) else _read_csv(data, max_rows)
    if not any(h.strip() for h in table.headers):
        raise UnreadableFile(_l("The first line must name the columns (for example Imię; "
                                "Nazwisko; PESEL), but it is empty."))
    if not table.rows:
        raise UnreadableFile(_l("The file has a header line but no data rows."))
    return table


def _is_xlsx(data, filename):
    """Whether to open the upload as a workbook: by what it holds, not by its name. A text
    file named .xlsx (a CSV renamed, as clerks do to make it open in Excel) is read as CSV;
    what no reader here takes is refused with its own reason."""
    if data.startswith(XLSX_MAGIC):
        return True
    if data.startswith(XLS_MAGIC):
        raise UnreadableFile(_l("This is a workbook in the old Excel format (.xls), which "
                                "cannot be read. Open it in Excel or LibreOffice and save it as "
                                "an Excel workbook (.xlsx) or as CSV."))
    if _is_web_page(data):
        raise UnreadableFile(_l("This file is a web page (HTML), not a spreadsheet, though "
                                "its name may say .xls: some systems export tables this way. "
                                "Open it in Excel or LibreOffice and save it as an Excel "
                                "workbook (.xlsx) or as CSV."))
    return (filename.lower().endswith((".xlsx", ".xlsm")) and _looks_binary(data)
            and not data.startswith(UTF16_BOMS))


def _is_web_page(data):
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table")) or (
        head.startswith(b"<") and b"<table" in data[:65536].lower())


def decode(data):
    """(text, encoding name) of CSV bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode(FALLBACK_ENCODING, errors="replace"), "Windows-1250"


def _looks_binary(data):
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return controls > len(sample) * 0.02


def detect_separator(lines):
    """The separator that splits the first lines into the most, and the same number of,
    columns (quoted values are respected)."""
    best, best_score = ";", (-1, -1)
    sample = lines[:20]
    for separator in SEPARATORS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=separator)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        steady = sum(1 for count in counts if count == counts[0])
        score = (steady, counts[0])
        if score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(data, max_rows):
    if _looks_binary(data) and not data.startswith(UTF16_BOMS):
        raise UnreadableFile(_l("This does not look like a CSV or XLSX file. Save the sheet "
                                "as “CSV (separated by semicolons)” or as an Excel workbook "
                                "(.xlsx) and try again."))
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError:
        raise UnreadableFile(_l("The file's characters cannot be read. Save it in UTF-8 or "
                                "Windows-1250.")) from None
    first_lines = itertools.islice((line for line in text.splitlines() if line.strip()), 20)
    separator = detect_separator(list(first_lines))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    done = [0]  # the last line of the last record read whole

    def records():
        for record in reader:
            # The first MAX_COLUMNS, as of a sheet: a line of a million separators would
            # otherwise be a mapping page of a million columns.
            yield reader.line_num, [_unguarded(cell.strip()) for cell in record[:MAX_COLUMNS]]
            done[0] = reader.line_num

    try:
        return _collect(records(), max_rows, Table(headers=[], encoding=encoding,
                                                  separator=separator))
    except csv.Error as error:
        raise _csv_error(error, text, separator, done[0] + 1, reader.line_num) from None


def _unguarded(cell):
    """A cell as it was before an export guarded it: Mosty's CSV exports (and other programs)
    write a cell that starts like a formula ("+48 601…", "=…") with an apostrophe first, so a
    spreadsheet never runs it. Read back, the apostrophe goes, or an exported file would not
    import again (every phone refused, names no longer matching). Only before =, +, -, @."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def _csv_error(error, text, separator, first_line, line):
    """A readable reason for the csv module's error (its English text is not shown)."""
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(error):
        column = _overlong_column(text, separator, first_line, limit)
        return UnreadableFile(_l(
            "Line %(line)d, column %(column)d: a cell is longer than the limit of %(limit)d "
            "characters. Shorten it, or check that every quotation mark (\") that opens a cell "
            "also closes it.", line=first_line, column=column, limit=limit))
    return UnreadableFile(_l("The file cannot be read as CSV near line %(line)d. Save it again "
                             "from the spreadsheet as “CSV (separated by semicolons)”.",
                             line=line))


def _overlong_column(text, separator, first_line, limit):
    """The column (from 1) of the first cell longer than ``limit`` in the record that begins
    on ``first_line``, read as the csv module reads it (a quoted cell may span lines)."""
    lines = io.StringIO(text, newline="")
    record = "".join(itertools.islice(lines, first_line - 1, None))
    column, length, quoted, at_start, index = 1, 0, False, True, 0
    while index < len(record):
        character = record[index]
        index += 1
        if quoted:
            if character == '"':
                if record[index:index + 1] == '"':
                    index += 1
                else:
                    quoted = False
                    continue
        elif at_start and character == '"':
            quoted, at_start = True, False
            continue
        elif character == separator:
            column, length, at_start = column + 1, 0, True
            continue
        elif character in "\r\n":
            break
        at_start = False
        length += 1
        if length > limit:
            break
    return column


def _cell_text(value):
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data, max_rows):
    from .xlsx import FormulaWithoutValue, open_workbook

    try:
        _check_unpacked_size(data)
        workbook = open_workbook(data)
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(_l("The Excel file cannot be opened: it may be damaged or in an "
                                "old format (.xls). Save it as .xlsx or as CSV.")) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on malformed archives
        raise UnreadableFile(_l("The Excel file cannot be opened: it may be damaged or in an "
                                "old format (.xls). Save it as .xlsx or as CSV.")) from None
    try:
        # The first sheet a person sees in Excel: a hidden one (lookup lists, a template's
        # helper sheet) is not what they meant to import.
        sheet = next((ws for ws in workbook.worksheets
                      if getattr(ws, "sheet_state", "visible") == "visible"),
                     workbook.worksheets[0])
        _check_declared_size(sheet)
        # The rows are read as the file holds them; padding them to the declared size
        # (possibly the whole grid) would make empty rows to read.
        sheet.reset_dimensions()
        # Only the first MAX_COLUMNS columns are read: a sheet whose recorded size is the
        # whole grid (16384 columns) would otherwise give every row, empty ones too, as that
        # many values and keep the job busy for hours.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _collect(((line, _cells(values)) for line, values in enumerate(rows, start=1)),
                        max_rows, Table(headers=[], encoding="XLSX", separator="", kind="xlsx"))
    except UnreadableFile:
        raise
    except FormulaWithoutValue as formula:
        raise UnreadableFile(_l(
            "Cell %(cell)s holds a formula saved without its result: the file was written by a "
            "program, not saved by Excel or LibreOffice. Open it in Excel or LibreOffice and "
            "save it again, or replace the formulas with their values.",
            cell=formula.coordinate)) from None
    except Exception:  # noqa: BLE001
        raise UnreadableFile(_l("The Excel file cannot be read: it may be damaged. Save it "
                                "again as .xlsx or as CSV.")) from None
    finally:
        workbook.close()


def _check_unpacked_size(data):
    # The sizes the archive states bound what is read: zipfile stops at the stated size.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(_l(
            "The Excel file unpacks to more than %(mb)d MB, far more than a table to import "
            "needs. Keep only the sheet to import, delete the unused rows and columns, and "
            "save it again as .xlsx, or save it as CSV.", mb=MAX_UNPACKED_BYTES // (1024 * 1024)))


def _check_declared_size(sheet):
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > EXCEL_MAX_ROWS or columns > EXCEL_MAX_COLUMNS:
        raise UnreadableFile(_l(
            "The sheet states a size of %(rows)d × %(columns)d (rows × columns), more than "
            "Excel allows (%(max_rows)d × %(max_columns)d): the file is damaged or was not "
            "saved by a spreadsheet program. Open it in Excel or LibreOffice and save it again "
            "as .xlsx or as CSV.", rows=rows, columns=columns, max_rows=EXCEL_MAX_ROWS,
            max_columns=EXCEL_MAX_COLUMNS))


def _cells(values):
    if values.count(None) == len(values):  # most rows of a formatted but empty sheet
        return []
    cells = [_cell_text(value) for value in values]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _collect(records, max_rows, table):
    """The header and the data rows of ``(line, cells)`` records into ``table``: empty rows
    are skipped, a run of ``EMPTY_RUN_ENDS_DATA`` of them ends the data, and at most
    ``max_rows`` data rows and ``max_rows`` empty rows between them are read."""
    header_found = False
    empty_run = empty_between = 0
    for line, cells in records:
        if not any(cells):
            empty_run += 1
            if empty_run >= EMPTY_RUN_ENDS_DATA:
                break
            continue
        if not header_found:
            table.headers, header_found = cells, True
        else:
            empty_between += empty_run
            if len(table.rows) >= max_rows:
                raise UnreadableFile(_l("The file has more than %(max)d rows. Split it into "
                                        "smaller files.", max=max_rows))
            if empty_between > max_rows:
                raise UnreadableFile(_l(
                    "The file has more than %(max)d empty rows between its data rows. Delete "
                    "the empty rows and try again.", max=max_rows))
            table.rows.append((line, cells))
        empty_run = 0
    if not header_found:
        if empty_run >= EMPTY_RUN_ENDS_DATA:
            raise UnreadableFile(_l(
                "The first %(count)d rows of the file are empty. The first line must name the "
                "columns (for example Imię; Nazwisko; PESEL).", count=EMPTY_RUN_ENDS_DATA))
        raise UnreadableFile(_l("The file is empty."))
    return table
