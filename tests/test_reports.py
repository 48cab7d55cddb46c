"""The partnership report: known counts on a constructed data set, and the walls."""

import re
from datetime import date

import pytest
from flask_babel import force_locale

from mosty.extensions import db
from mosty.partnerships.models import Partnership
from mosty.reports.aggregates import build_report
from mosty.reports.periods import Period, month_of, preset, previous_month, quarter_of
from mosty.reports.tables import external_copy
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from report_data import EXPECTED_PARTICIPANTS, OCTOBER, build_partnership


def report_of(app, partnership_id, period=OCTOBER):
    with app.app_context(), force_locale("en"), partnership_scope(partnership_id):
        return build_report(db.session.get(Partnership, partnership_id), period)


def cells_by_row(table):
    return {tuple(row): cells for row, cells in zip(table.rows, table.cells, strict=True)}


@pytest.fixture
def world(any_app):
    f = RegistryFactory(any_app)
    a = build_partnership(f, "alfa")
    b = build_partnership(f, "beta")
    return any_app, a, b


def test_participants_by_target_group_county_age_and_sex(world):
    app, a, _b = world
    table = report_of(app, a.partnership.id).section("participants").tables[0]
    assert cells_by_row(table) == EXPECTED_PARTICIPANTS
    assert table.column_totals == [3, 2]
    assert table.grand_total == 5
    assert table.row_totals == [sum(v) for v in cells_by_row(table).values()]


def test_services_count_people_per_institution_and_kind(world):
    app, a, _b = world
    services, volume = report_of(app, a.partnership.id).section("services").tables
    assert services.columns == ["advisory", "training"]
    assert cells_by_row(services) == {("MOPS alfa",): [0, 1], ("Stowarzyszenie alfa",): [2, 0]}
    assert cells_by_row(volume) == {("advisory",): [3, 3.0], ("training",): [1, 1.0]}


def test_referrals_by_status_and_median_lead_time(world):
    app, a, _b = world
    status, lead = report_of(app, a.partnership.id).section("referrals").tables
    assert status.columns == ["waiting for an answer", "accepted", "declined", "completed"]
    assert cells_by_row(status) == {("MOPS alfa",): [1, 1, 1, 0]}
    assert cells_by_row(lead) == {("MOPS alfa",): [6.5], ("All institutions",): [6.5]}
    assert lead.support == [2, 2]


def test_outcomes_exits_and_follow_ups(world):
    app, a, _b = world
    outcomes, exits, follow_ups = report_of(app, a.partnership.id).section("outcomes").tables
    assert cells_by_row(outcomes) == {("job started",): [1, 1], ("training completed",): [0, 1]}
    assert cells_by_row(exits) == {("found work",): [1, 1]}
    assert cells_by_row(follow_ups) == {("employed",): [1, 0]}


def test_report_of_a_never_counts_b_rows(any_app):
    f = RegistryFactory(any_app)
    a = build_partnership(f, "alfa")
    b = build_partnership(f, "beta")
    # B holds the same data with the same target group codes: an A report that saw any of it
    # would count every cell twice, and list B's institutions.
    a_report, b_report = report_of(any_app, a.partnership.id), report_of(any_app, b.partnership.id)
    assert cells_by_row(a_report.section("participants").tables[0]) == EXPECTED_PARTICIPANTS
    names = {row[0] for s in a_report.sections for t in s.tables for row in t.rows if row}
    assert not any("beta" in name for name in names)
    assert all("alfa" not in row[0] for s in b_report.sections for t in s.tables
               for row in t.rows if row)


def test_an_empty_period_gives_empty_tables(app):
    f = RegistryFactory(app)
    a = build_partnership(f, "alfa")
    report = report_of(app, a.partnership.id, Period(date(2020, 1, 1), date(2020, 1, 31)))
    assert all(t.empty or t.key == "lead_time" for s in report.sections for t in s.tables)


def test_external_copy_hides_small_cells_and_small_totals(app):
    f = RegistryFactory(app)
    a = build_partnership(f, "alfa")
    report = report_of(app, a.partnership.id)
    with app.app_context():
        outside = external_copy(report, 5)
    table = outside.section("participants").tables[0]
    assert all(v is None for row in table.cells for v in row if v != 0)
    # Each row counts one or two people and the sexes three and two: those totals are small
    # numbers too. Five people in all would say that each of the four groups holds one or two
    # (every hidden total is at least 1), so the grand total is hidden as well.
    assert table.row_totals == [None, None, None, None]
    assert table.column_totals == [None, None] and table.grand_total is None
    # Charts outside are redrawn from the published totals only: no bar gives a hidden total
    # back, and the charts that add totals up further (target group, age) stay inside.
    charts = outside.section("participants").charts
    assert [c.source for c in charts] == [("participants", "columns")]
    assert all(not c.bars for c in charts)
    assert all(value >= 5 for s in outside.sections for c in s.charts for _l, value in c.bars)
    assert outside.section("referrals").tables[1].cells == [[None], [None]]
    with app.app_context():
        assert external_copy(report, 3).section("referrals").tables[1].cells == [[None], [None]]


def test_period_presets():
    assert month_of(date(2026, 2, 10)) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert previous_month(date(2026, 1, 5)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    assert quarter_of(date(2026, 5, 5)) == Period(date(2026, 4, 1), date(2026, 6, 30))
    assert preset("quarter", date(2026, 5, 5)) == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert preset("year", date(2026, 5, 5)) == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert previous_month(date(2026, 11, 1)).key == "2026-10"
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


# --- files -----------------------------------------------------------------------------------

def _files(app, partnership_id, external=False):

    from mosty.reports.files import render_pdf, render_xlsx

    report = report_of(app, partnership_id)
    with app.app_context(), force_locale("pl"):
        if external:
            report = external_copy(report, 5)
        return render_xlsx(report), render_pdf(report), report


def test_xlsx_has_one_sheet_per_section_with_the_numbers(app):
    import io

    from openpyxl import load_workbook

    a = build_partnership(RegistryFactory(app), "alfa")
    data, _pdf, _report = _files(app, a.partnership.id)
    book = load_workbook(io.BytesIO(data))
    assert len(book.sheetnames) == 4
    sheet = book[book.sheetnames[0]]
    rows = list(sheet.iter_rows(values_only=True))
    assert any(r[:6] == ("G2: Opiekunowie pracujący", "Kraków (1261)", "35–44", 2, 0, 2)
               for r in rows)
    services = book[book.sheetnames[1]]
    values = [row for row in services.iter_rows(values_only=True)]
    assert ("Stowarzyszenie alfa", 2, 0, 2) in [tuple(v[:4]) for v in values]


def test_external_xlsx_shows_dashes_for_small_cells_and_small_totals(app):
    import io

    from openpyxl import load_workbook

    a = build_partnership(RegistryFactory(app), "alfa")
    data, _pdf, _report = _files(app, a.partnership.id, external=True)
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    body = [r for r in rows if r[0] and str(r[0]).startswith("G")]
    assert len(body) == 4
    # Every non-zero cell of the participants table counts fewer than 5 people: all hidden.
    assert all(v in ("—", 0) for r in body for v in r[3:5])
    assert [r[5] for r in body] == ["—"] * 4                    # 1, 1, 2, 1 people: hidden
    assert any(r[0] in ("Razem", "Total") and tuple(r[3:6]) == ("—", "—", "—") for r in rows)


def test_pdf_is_a_pdf_with_the_report_text(app):
    import io

    from pypdf import PdfReader

    a = build_partnership(RegistryFactory(app), "alfa")
    _xlsx, data, _report = _files(app, a.partnership.id)
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Opiekunowie pracujący" in text
    assert "Stowarzyszenie alfa" in text
    assert "Partnerstwo alfa" in text


def test_charts_are_svg_with_escaped_labels_and_no_inline_style():
    from mosty.reports.charts import bar_chart_svg
    from mosty.reports.tables import Chart

    svg = str(bar_chart_svg(Chart("Grupy <b>", [("<script>alert(1)</script>", 7),
                                                ("Kobiety", 3)]), "c1"))
    assert svg.startswith("<svg") and "<script>" not in svg and "&lt;script&gt;" in svg
    assert "style" not in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > 0                        # bars in proportion
