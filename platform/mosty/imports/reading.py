"""Reading an uploaded table: XLSX or CSV in UTF-8 (with or without BOM) or Windows-1250,
separated by ``;``, ``,`` or tabs. Whatever the file, the result is a header row and data rows
with their line numbers, or an ``UnreadableFile`` with a readable reason."""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from ..i18n import lazy_gettext as _l

XLSX_MAGIC = b"PK\x03\x04"
SEPARATORS = (";", ",", "\t")
# Letters that tell Windows-1250 from Latin-1-like guesses are irrelevant here: a file that is
# not valid UTF-8 is read as Windows-1250, the code page of Polish Windows and Excel.
FALLBACK_ENCODING = "cp1250"
# No import format has nearly this many columns.
MAX_COLUMNS = 200


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
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(data, max_rows)
    else:
        table = _read_csv(data, max_rows)
    if not any(h.strip() for h in table.headers):
        raise UnreadableFile(_l("The first line must name the columns (for example Imię; "
                                "Nazwisko; PESEL), but it is empty."))
    if not table.rows:
        raise UnreadableFile(_l("The file has a header line but no data rows."))
    return table


def decode(data):
    """(text, encoding name) of CSV bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
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
    if _looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(_l("This does not look like a CSV or XLSX file. Save the sheet "
                                "as “CSV (separated by semicolons)” or as an Excel workbook "
                                "(.xlsx) and try again."))
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError:
        raise UnreadableFile(_l("The file's characters cannot be read. Save it in UTF-8 or "
                                "Windows-1250.")) from None
    lines = text.splitlines()
    separator = detect_separator([line for line in lines if line.strip()])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    table = None
    try:
        for record in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in record]
            if table is None:
                if not any(cells):
                    continue
                table = Table(headers=cells, encoding=encoding, separator=separator)
                continue
            if not any(cells):
                continue
            if len(table.rows) >= max_rows:
                raise UnreadableFile(_l("The file has more than %(max)d rows. Split it into "
                                        "smaller files.", max=max_rows))
            table.rows.append((line, cells))
    except csv.Error as error:
        raise UnreadableFile(_l("The file cannot be read as CSV near line %(line)d (%(error)s).",
                                line=reader.line_num, error=str(error))) from None
    if table is None:
        raise UnreadableFile(_l("The file is empty."))
    return table


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
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(_l("The Excel file cannot be opened: it may be damaged or in an "
                                "old format (.xls). Save it as .xlsx or as CSV.")) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on malformed archives
        raise UnreadableFile(_l("The Excel file cannot be opened: it may be damaged or in an "
                                "old format (.xls). Save it as .xlsx or as CSV.")) from None
    try:
        sheet = workbook.worksheets[0]
        table = None
        # Only the first MAX_COLUMNS columns are read: a sheet whose recorded size is the
        # whole grid (16384 columns) would otherwise give every row, empty ones too, as that
        # many values and keep the job busy for hours.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for line, values in enumerate(rows, start=1):
            cells = [_cell_text(value) for value in values]
            while cells and cells[-1] == "":
                cells.pop()
            if table is None:
                if not any(cells):
                    continue
                table = Table(headers=cells, encoding="XLSX", separator="", kind="xlsx")
                continue
            if not any(cells):
                continue
            if len(table.rows) >= max_rows:
                raise UnreadableFile(_l("The file has more than %(max)d rows. Split it into "
                                        "smaller files.", max=max_rows))
            table.rows.append((line, cells))
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001
        raise UnreadableFile(_l("The Excel file cannot be read: it may be damaged. Save it "
                                "again as .xlsx or as CSV.")) from None
    finally:
        workbook.close()
    if table is None:
        raise UnreadableFile(_l("The file is empty."))
    return table
