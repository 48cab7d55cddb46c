"""Files made for spreadsheets never run what people typed: a name or a text that starts like a
formula stays text (CSV, XLSX, report XLSX), and control characters pasted into a text do not
fail an export."""

import csv
import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from mosty.exchange.exports import to_csv, to_xlsx
from mosty.extensions import db
from mosty.partnerships.models import Institution
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from report_data import build_partnership
from test_reports import report_of

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


def test_csv_cells_that_start_like_formulas_are_written_as_text():
    data = to_csv(["A"], [[p] for p in PAYLOADS]).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(data), delimiter=";")][1:]
    assert cells == ["'" + p for p in PAYLOADS]


def test_xlsx_export_keeps_formulas_as_text_and_drops_control_characters():
    data = to_xlsx(["A", "B"], [["=1+1", "Powód\x0bz\x1bwklejki"]], "Eksport")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"
    assert sheet["B2"].value == "Powódzwklejki"


def test_report_xlsx_keeps_a_formula_like_institution_name_as_text(app):
    a = build_partnership(RegistryFactory(app), "formula")
    with app.app_context(), partnership_scope(a.partnership.id):
        db.session.get(Institution, a.leader.id).name = '=HYPERLINK("http://evil.example")\x0b'
        db.session.commit()
    from mosty.reports.files import render_xlsx

    report = report_of(app, a.partnership.id)
    with app.app_context(), force_locale("pl"):
        data = render_xlsx(report)
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and "evil.example" in cell.value]
    assert cells, "the institution's name appears in the report"
    assert all(cell.data_type == "s" for cell in cells)
    assert all("\x0b" not in cell.value for cell in cells)


@pytest.mark.postgres
def test_ids_beyond_a_database_integer_are_404_on_postgresql(pg_app, login_as):
    a = build_partnership(RegistryFactory(pg_app), "wielkie")
    caseworker = RegistryFactory(pg_app).staff(a.leader, roles=("caseworker",))
    client = pg_app.test_client()
    huge = 2**40
    login_as(client, a.coordinator)
    assert client.get(f"/wielkie/reports/stored/{huge}/internal.pdf").status_code == 404
    assert client.post(f"/wielkie/reports/recipients/{huge}/remove").status_code == 404
    assert client.get(f"/wielkie/jobs/{huge}").status_code == 404
    assert client.get(f"/wielkie/jobs/{huge}/result").status_code == 404
    login_as(client, caseworker)
    assert client.get(f"/wielkie/imports/{huge}/").status_code == 404
    assert client.get(f"/wielkie/jobs/{huge}/progress").status_code == 404
