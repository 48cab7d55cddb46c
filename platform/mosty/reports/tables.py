"""The shape of a report: sections of tables and charts, and the external (suppressed) copy.

A report is built once from the database (``aggregates``) and rendered three ways (page, XLSX,
PDF). The external copy is derived from it here, so the three renderings of the external
report hide exactly the same cells.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import format_decimal

from . import suppression

HIDDEN = "—"


@dataclass
class Table:
    """Rows of labels with cells under value columns.

    ``counts`` tables count people: they carry row/column/grand totals and are suppressed in
    the external report. Other tables (``counts=False``) hold values such as a median; each of
    their rows rests on ``support`` people, and rows resting on too few are hidden outside.
    """

    key: str
    title: str
    row_headers: list
    columns: list
    rows: list
    cells: list
    counts: bool = True
    support: list | None = None
    note: str = ""
    row_totals: list | None = None
    column_totals: list | None = None
    grand_total: int | None = None
    hidden_cells: int = 0

    def __post_init__(self):
        if self.counts and self.row_totals is None and self.column_totals is None:
            rows, columns, grand = suppression.published_margins(len(self.rows),
                                                                 len(self.columns))
            if rows:
                self.row_totals = [sum(r) for r in self.cells]
            if columns:
                self.column_totals = [sum(r[c] for r in self.cells)
                                      for c in range(len(self.columns))]
            if grand:
                self.grand_total = sum(map(sum, self.cells))

    @property
    def empty(self):
        return not self.rows


@dataclass
class Chart:
    """A bar chart drawn from a table's totals.

    ``source`` names the totals the bars are, ``(table key, "rows" | "columns")``, so the
    external copy can redraw the chart from the totals it publishes. A chart that adds totals
    up further (by target group, by age band) has no source and stays inside the partnership:
    its sums, next to the published totals, could give a hidden total back.
    """

    title: str
    bars: list  # [(label, value)]
    source: tuple | None = None


@dataclass
class Section:
    key: str
    title: str
    description: str = ""
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    module: str | None = None


@dataclass
class Report:
    partnership_name: str
    period: object
    sections: list
    generated_at: datetime
    external: bool = False
    threshold: int | None = None

    def section(self, key):
        return next(s for s in self.sections if s.key == key)


def external_copy(report, threshold):
    """The report as it may leave the partnership: small cells and their shields hidden.

    Module sections are left out: the core cannot know whether their cells count people or
    how their rows add up, so it cannot protect them.
    """
    threshold = suppression.check_threshold(threshold)
    sections = []
    for section in report.sections:
        if section.module is not None:
            continue
        tables = [_external_table(t, threshold) for t in section.tables]
        sections.append(replace(section, tables=tables,
                                charts=_external_charts(section.charts, tables)))
    return replace(report, sections=sections, external=True, threshold=threshold)


def _external_charts(charts, tables):
    """Charts redrawn from the published totals; a hidden total loses its bar."""
    by_key = {table.key: table for table in tables}
    redrawn = []
    for chart in charts:
        if chart.source is None:
            continue
        table = by_key[chart.source[0]]
        totals = table.row_totals if chart.source[1] == "rows" else table.column_totals
        bars = [(label, value) for (label, _value), value in zip(chart.bars, totals, strict=True)
                if value is not None]
        redrawn.append(replace(chart, bars=bars))
    return redrawn


def _external_table(table, threshold):
    if table.counts:
        if table.empty:
            return table
        shown, row_totals, column_totals, grand = suppression.publish(table.cells, threshold)
        hidden = sum(v is None for row in shown for v in row)
        return replace(table, cells=shown, row_totals=row_totals, column_totals=column_totals,
                       grand_total=grand, hidden_cells=hidden)
    support = table.support or [threshold] * len(table.rows)
    shown = [row if n >= threshold else [None] * len(row)
             for row, n in zip(table.cells, support, strict=True)]
    hidden = sum(v is None for row in shown for v in row) - \
        sum(v is None for row in table.cells for v in row)
    return replace(table, cells=shown, support=None, hidden_cells=hidden)


def display(value):
    """A cell as text: hidden cells as a dash, medians with one decimal."""
    if value is None:
        return HIDDEN
    if isinstance(value, float):
        return format_decimal(value, "0.0")
    return str(value)
