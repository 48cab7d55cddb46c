"""Charts in the PDF: the same Chart objects as the page, drawn as bars; the external PDF
draws only the external copy's charts."""

import io
import re

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from mosty.extensions import db
from mosty.partnerships.models import Partnership
from mosty.reports.aggregates import build_report
from mosty.reports.files import render_pdf
from mosty.reports.tables import Chart, Report, Section, external_copy
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from report_data import OCTOBER, build_partnership


def _text(data):
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def _filled_rectangles(data):
    return sum(len(re.findall(rb" re f\b", page.get_contents().get_data()))
               for page in PdfReader(io.BytesIO(data)).pages)


def _reports(app):
    """The internal and external report in Polish, and both PDFs."""
    a = build_partnership(RegistryFactory(app), "alfa")
    with app.app_context(), force_locale("pl"), partnership_scope(a.partnership.id):
        internal = build_report(db.session.get(Partnership, a.partnership.id), OCTOBER)
        external = external_copy(internal, 5)
        return internal, external, render_pdf(internal), render_pdf(external)


def test_the_internal_pdf_draws_every_chart_with_its_title_and_bar_labels(app):
    internal, _external, data, _ext = _reports(app)
    text = _text(data)
    charts = [c for s in internal.sections for c in s.charts if c.bars]
    assert len(charts) >= 4
    for chart in charts:
        assert chart.title in text
        for label, _value in chart.bars:
            assert str(label) in text, (chart.title, label)
    assert _filled_rectangles(data) == sum(1 for c in charts for _l, v in c.bars if v) > 0
    # Polish titles with diacritics come through the bundled font.
    assert "Uczestnicy według płci" in text or any(
        re.search(r"[ąćęłńóśźż]", c.title) and c.title in text for c in charts)


def test_the_external_pdf_has_no_chart_the_external_copy_dropped(app):
    internal, external, _data, ext = _reports(app)
    text = _text(ext)
    kept = {c.title for s in external.sections for c in s.charts if c.bars}
    dropped = {c.title for s in internal.sections for c in s.charts} - kept
    assert dropped, "the constructed data set has internal-only charts"
    for title in kept:
        assert title in text
    # Some chart titles begin a table title ("... według instytucji i rodzaju usługi").
    for table in (t for s in external.sections for t in s.tables):
        text = text.replace(table.title, "")
    for title in dropped:
        assert title not in text, title
    # One filled rectangle per non-zero bar of the external copy's charts, and no more.
    bars = sum(1 for s in external.sections for c in s.charts for _l, v in c.bars if v)
    assert _filled_rectangles(ext) == bars


def test_chart_bars_are_rectangles_in_proportion_with_long_labels_cut(app):
    long_label = "Gminny Ośrodek Pomocy Społecznej w Świeszynie i okolicznych sołectwach " * 2
    chart = Chart("Usługi według rodzaju", [("Doradztwo zawodowe", 8), ("Szkolenia", 4),
                                            (long_label, 2)])
    with app.app_context(), force_locale("pl"):
        report = Report("Partnerstwo Żuławy", OCTOBER,
                        [Section("s", "Usługi", charts=[chart])], generated_at=None)
        data = render_pdf(report)
    text = _text(data)
    assert "Usługi według rodzaju" in text and "Doradztwo zawodowe" in text
    assert "Gminny Ośrodek Pomocy" in text and long_label not in text
    page = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    widths = [float(w) for w in re.findall(r"[\d.]+ [\d.]+ ([\d.]+) -?[\d.]+ re f", page)]
    assert len(widths) == 3 and widths[0] == pytest.approx(2 * widths[1], abs=0.02) \
        == pytest.approx(4 * widths[2], abs=0.04)


# --- demo data -------------------------------------------------------------------------------

def test_demo_reports_give_a_recipient_and_last_months_report_once(app):
    from datetime import date

    from sqlalchemy import func, select

    from mosty.reports.demo import load_reports_demo
    from mosty.reports.models import ReportRecipient, StoredReport, StoredReportFile
    from mosty.testing.factories import login

    a = build_partnership(RegistryFactory(app), "alfa")
    for _ in range(2):  # the second load adds nothing
        with app.app_context():
            partnership = db.session.get(Partnership, a.partnership.id)
            load_reports_demo({"alfa": partnership}, today=date(2026, 11, 23))
            db.session.commit()
    with app.app_context(), partnership_scope(a.partnership.id):
        recipients = db.session.scalars(select(ReportRecipient)).all()
        assert [(r.email, r.variant, r.active) for r in recipients] == [
            ("raporty.gmina@alfa.mosty.test", "external", True)]
        stored = db.session.scalars(select(StoredReport)).all()
        assert [(s.kind, s.period_start, s.period_end) for s in stored] == [
            ("monthly", date(2026, 10, 1), date(2026, 10, 31))]
        assert db.session.scalar(select(func.count(StoredReportFile.id))) == 4
        report_id = stored[0].id
    client = login(app.test_client(), a.coordinator)
    html = client.get("/alfa/reports/stored/").get_data(as_text=True)
    assert "<td>2026-10</td>" in html
    link = f"/alfa/reports/stored/{report_id}/external.pdf"
    assert link in html
    assert client.get(link).data.startswith(b"%PDF")
