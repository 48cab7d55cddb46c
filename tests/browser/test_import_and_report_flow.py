"""Issue #8 in a browser: import a CSV with one bad row (the error is shown), fix it, import it
(the progress bar finishes), then make the monthly report and download its XLSX."""

import io
import re
from datetime import date

from openpyxl import load_workbook
from playwright.sync_api import expect

from .conftest import csp_violations, sign_in, sign_out

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def make_pesel(born, serial, female):
    """A valid PESEL for a date in 1900-1999 (serial: 3 digits; the sex digit is added)."""
    sex_digit = (0 if female else 1) + 2 * (serial % 5)
    digits = f"{born:%y%m%d}{serial:03d}{sex_digit}"
    check = (10 - sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 10) % 10
    return digits + str(check)


HEADER = "Imię;Nazwisko;PESEL;Gmina;Miejscowość;Telefon\n"
JANINA = f"Janina;Źródlewska;{make_pesel(date(1979, 4, 12), 731, True)};1261011;Kraków;600100200\n"
MAREK = "Marek;{last};{pesel};1261011;Kraków;600100201\n".format
MAREK_PESEL = make_pesel(date(1984, 9, 3), 452, False)


def upload_and_check(page, live_server, path):
    """Upload a file as participants, keep the recognised columns, run the dry run; returns
    on the import's page."""
    page.goto(f"{live_server.url}/krakow/imports/")
    page.locator("#import-upload input[type='file']").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("#import-upload-submit").click()
    expect(page.locator("#import-mapping")).to_be_visible()
    with page.expect_navigation():
        page.locator("#import-dry-run").click()
    # The dry run is a job: its page, then on to the import's page.
    expect(page.locator("#job")).to_have_attribute("data-state", re.compile("done|failed"))
    with page.expect_navigation():
        page.locator("#job-continue").click()
    expect(page.locator("#import-status")).to_be_visible()


def test_import_with_a_bad_row_then_fixed_then_monthly_report(page, live_server, console_errors,
                                                              tmp_path):
    sign_in(page, live_server, "doradca@krakow.mosty.test")

    bad = tmp_path / "uczestnicy.csv"
    bad.write_text(HEADER + JANINA + MAREK(last="", pesel=MAREK_PESEL), encoding="utf-8-sig")
    upload_and_check(page, live_server, bad)
    errors = page.locator("#import-errors tr.import-error")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text("3")          # the file's line
    expect(errors.first.locator("td").nth(1)).to_have_text("Nazwisko")   # its column
    expect(page.locator("#import-blocked")).to_be_visible()
    expect(page.locator("#import-commit")).to_have_count(0)

    fixed = tmp_path / "uczestnicy-poprawione.csv"
    fixed.write_text(HEADER + JANINA + MAREK(last="Próbny", pesel=MAREK_PESEL),
                     encoding="utf-8-sig")
    upload_and_check(page, live_server, fixed)
    expect(page.locator("#import-errors")).to_have_count(0)
    with page.expect_navigation():
        page.locator("#import-commit").click()
    # The import job's page: the progress bar runs to the end.
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-progress-text")).to_contain_text("100%")
    page.goto(f"{live_server.url}/krakow/participants/?q=Źródlewska")
    expect(page.locator("main")).to_contain_text("Źródlewska")
    sign_out(page)

    # The coordinator makes last month's report and downloads it as a spreadsheet.
    sign_in(page, live_server, "admin@krakow.mosty.test")
    with page.expect_navigation():
        page.locator("nav a[href$='/krakow/reports/']").first.click()
    expect(page.locator("#report-files")).to_be_visible()
    expect(page.locator("#section-participants svg.report-chart").first).to_be_visible()
    with page.expect_navigation():
        page.locator("#generate-xlsx").click()
    expect(page.locator("#job")).to_have_attribute("data-state", "done")
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.locator("#job-result").click()
    download = download_info.value
    assert re.fullmatch(r"raport-\d{4}-\d{2}-wewn\.xlsx", download.suggested_filename)
    with open(download.path(), "rb") as handle:       # the saved file has no .xlsx suffix
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames[:4] == ["Uczestnicy", "Usługi", "Skierowania", "Rezultaty"]
    first = book.worksheets[0]
    assert "Równowaga" in first["A1"].value
    headers = [c.value for c in first[5]]
    assert headers[:5] == ["Grupa docelowa", "Powiat", "Wiek", "kobieta", "mężczyzna"]

    assert csp_violations(console_errors) == []
