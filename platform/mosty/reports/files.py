"""The report as files: XLSX (one sheet per section) and PDF (with a Unicode font).

The PDF draws each section's charts as horizontal bar charts (rectangles and text) from the
same ``Chart`` objects as the page, so the external PDF shows only the external copy's charts.

Headers are written in the language of the caller's locale (Polish by default). Hidden cells
of the external report are written as a dash in both files.
"""

import io
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..i18n import gettext
from .charts import COLOURS
from .tables import HIDDEN, display

FONTS = Path(__file__).resolve().parent / "static" / "fonts"
HEADER_FILL = PatternFill("solid", fgColor="DDE7EE")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def report_heading(report):
    kind = gettext("external report, small numbers hidden") if report.external else \
        gettext("internal report")
    return gettext("%(partnership)s: report for %(period)s (%(kind)s)",
                   partnership=report.partnership_name, period=str(report.period), kind=kind)


def hidden_note(report):
    return gettext(
        "%(mark)s: hidden, because it counts fewer than %(threshold)d people or would let such "
        "a number be worked out from the totals.", mark=HIDDEN, threshold=report.threshold)


def filename(report, extension):
    variant = "zewn" if report.external else "wewn"
    return f"raport-{report.period.key}-{variant}.{extension}"


# --- XLSX ------------------------------------------------------------------------------------

def _sheet_title(title, taken):
    base = SHEET_NAME_FORBIDDEN.sub(" ", str(title))[:31].strip() or "Arkusz"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _xlsx_value(value):
    return HIDDEN if value is None else value


def _as_text(workbook):
    """Labels are names people typed (institutions, services, target groups, plugin data): a
    cell that starts like a formula stays text, so opening the report never runs it."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _clean(text):
    """Control characters a spreadsheet cannot hold (pasted text) are left out, not fatal."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def render_xlsx(report):
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = set()
    bold = Font(bold=True)
    for section in report.sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, taken))
        sheet.append([report_heading(report)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([str(section.title)])
        sheet["A2"].font = bold
        widths = {}
        for table in section.tables:
            sheet.append([])
            sheet.append([str(table.title)])
            sheet.cell(sheet.max_row, 1).font = bold
            header = [_clean(str(h)) for h in table.row_headers] + \
                [_clean(str(c)) for c in table.columns]
            if table.row_totals is not None:
                header.append(gettext("Total"))
            sheet.append(header)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if table.empty:
                sheet.append([gettext("No data in this period.")])
            for index, (labels, cells) in enumerate(zip(table.rows, table.cells, strict=True)):
                row = [_clean(str(label)) for label in labels] + [_xlsx_value(v) for v in cells]
                if table.row_totals is not None:
                    row.append(_xlsx_value(table.row_totals[index]))
                sheet.append(row)
            if table.column_totals is not None and not table.empty:
                row = [gettext("Total")] + [""] * (len(table.row_headers) - 1) \
                    if table.row_headers else []
                row += [_xlsx_value(v) for v in table.column_totals]
                if table.row_totals is not None:
                    row.append(_xlsx_value(table.grand_total))
                sheet.append(row)
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
            if table.note:
                sheet.append([str(table.note)])
            for column, value in enumerate(header, start=1):
                widths[column] = max(widths.get(column, 10), min(len(value) + 2, 45))
        if report.external:
            sheet.append([])
            sheet.append([hidden_note(report)])
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
    _as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------

class _ReportPDF(FPDF):
    def __init__(self, footer_text):
        super().__init__(orientation="landscape", format="A4")
        self.footer_text = footer_text
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 8, f"{self.footer_text} · {self.page_no()}", align="C")


def render_pdf(report):
    pdf = _ReportPDF(report_heading(report))
    pdf.set_title(report_heading(report))
    pdf.set_creator("Mosty")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, report_heading(report), align="L", new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    if report.external:
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(0, 5, hidden_note(report), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in report.sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 8, str(section.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        # The same Chart objects as the page: the external copy's charts are already redrawn
        # from its published totals, so a chart it dropped is not drawn here either.
        for chart in section.charts:
            if chart.bars:
                _pdf_chart(pdf, chart)
        for table in section.tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())


PDF_BAR_HEIGHT = 5
PDF_BAR_GAP = 1.5
PDF_LABEL_WIDTH = 80
PDF_BAR_AREA = 120
PDF_COLOURS = tuple(tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in COLOURS)


def _fit(pdf, text, width):
    """``text`` cut (with an ellipsis) to fit ``width`` millimetres in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _pdf_chart(pdf, chart):
    """A horizontal bar chart drawn with rectangles and text, like the page's SVG."""
    bars = [(_clean(str(label)), value or 0) for label, value in chart.bars]
    top = max((value for _label, value in bars), default=0) or 1
    height = 7 + len(bars) * (PDF_BAR_HEIGHT + PDF_BAR_GAP) + 3
    if pdf.get_y() + height > pdf.page_break_trigger and height < pdf.eph:
        pdf.add_page()  # a chart is not split across pages when it fits on one
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 6, str(chart.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8)
    left = pdf.l_margin
    for index, (label, value) in enumerate(bars):
        if pdf.get_y() + PDF_BAR_HEIGHT > pdf.page_break_trigger:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_xy(left, y)
        pdf.cell(PDF_LABEL_WIDTH - 2, PDF_BAR_HEIGHT, _fit(pdf, label, PDF_LABEL_WIDTH - 3),
                 align="R")
        length = PDF_BAR_AREA * value / top
        if length > 0:
            pdf.set_fill_color(*PDF_COLOURS[index % len(PDF_COLOURS)])
            pdf.rect(left + PDF_LABEL_WIDTH, y, length, PDF_BAR_HEIGHT, style="F")
        pdf.set_xy(left + PDF_LABEL_WIDTH + length + 1.5, y)
        pdf.cell(20, PDF_BAR_HEIGHT, display(value))
        pdf.set_xy(left, y + PDF_BAR_HEIGHT + PDF_BAR_GAP)
    pdf.ln(3)


def _pdf_table(pdf, table):
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 6, str(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8)
    if table.empty:
        pdf.multi_cell(0, 5, gettext("No data in this period."), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        return
    header = [str(h) for h in table.row_headers] + [str(c) for c in table.columns]
    total_column = table.row_totals is not None
    if total_column:
        header.append(gettext("Total"))
    body = []
    for index, (labels, cells) in enumerate(zip(table.rows, table.cells, strict=True)):
        row = [str(label) for label in labels] + [display(v) for v in cells]
        if total_column:
            row.append(display(table.row_totals[index]))
        body.append(row)
    if table.column_totals is not None:
        row = ([gettext("Total")] + [""] * (len(table.row_headers) - 1)) \
            if table.row_headers else []
        row += [display(v) for v in table.column_totals]
        if total_column:
            row.append(display(table.grand_total))
        body.append(row)
    labels = len(table.row_headers)
    values = len(header) - labels
    label_widths = (2.2,) * labels
    widths = [w for w in label_widths] + [1.0] * values
    scale = pdf.epw / sum(widths)
    with pdf.table(col_widths=tuple(w * scale for w in widths), text_align="LEFT",
                   line_height=5, first_row_as_headings=True) as grid:
        heading = grid.row()
        for text in header:
            heading.cell(text)
        for row in body:
            line = grid.row()
            for text in row:
                line.cell(text)
    if table.note:
        pdf.set_font("DejaVu", "", 7)
        pdf.multi_cell(0, 4, str(table.note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
