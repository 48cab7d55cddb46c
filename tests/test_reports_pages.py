"""Report pages: who sees them, what they show, files made as jobs, stored reports."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mosty.audit.models import AuditEntry
from mosty.extensions import db
from mosty.jobs.models import Job
from mosty.reports.models import ReportRecipient, StoredReport
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from report_data import build_partnership

OCTOBER_ARGS = "?preset=custom&start=2026-10-01&end=2026-10-31"


def _world(app):
    return build_partnership(RegistryFactory(app), "alfa")


def test_coordinator_sees_the_report_with_charts_and_numbers(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    response = client.get(f"/alfa/reports/{OCTOBER_ARGS}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<svg") >= 4
    assert "style=" not in html.split("<main", 1)[-1]          # CSP: no inline styles
    assert "G2: Opiekunowie pracujący" in html
    assert 'data-table="participants"' in html
    with app.app_context(), partnership_scope(a.partnership.id):
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type == "PartnershipReport")).one()
        assert entry.action == "read" and entry.object_id == "2026-10"


def test_external_copy_on_screen_hides_small_numbers(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    html = client.get(f"/alfa/reports/{OCTOBER_ARGS}&variant=external").get_data(as_text=True)
    assert "hidden-cell" in html
    assert "<td class=\"number\">2</td>" not in html


def test_caseworker_and_strangers_get_404(app, client, login_as):
    a = _world(app)
    login_as(client, a.caseworker)
    assert client.get("/alfa/reports/").status_code == 404
    assert client.get("/alfa/reports/stored/").status_code == 404
    other = RegistryFactory(app).partnership(slug="beta")
    stranger = RegistryFactory(app).staff(RegistryFactory(app).institution(other),
                                          roles=("coordinator",))
    login_as(client, stranger)
    assert client.get("/alfa/reports/").status_code == 404


def test_bad_dates_get_a_message_not_an_error(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    response = client.get("/alfa/reports/?preset=custom&start=2026-10-31&end=2026-10-01")
    assert response.status_code == 422
    assert "okres" in response.get_data(as_text=True).lower() or \
        "period cannot end" in response.get_data(as_text=True)
    response = client.get("/alfa/reports/?preset=custom&start=nonsense&end=2026-10-01")
    assert response.status_code == 422


def test_chosen_dates_with_a_date_missing_ask_for_both_and_keep_what_was_typed(
        app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    for args, typed in [("start=1900-01-01", 'value="1900-01-01"'),
                        ("start=2026-10-01&end=", 'value="2026-10-01"'),
                        ("end=2026-10-31", 'value="2026-10-31"'),
                        ("start=&end=", None)]:
        response = client.get(f"/alfa/reports/?preset=custom&{args}")
        assert response.status_code == 422, args
        html = response.get_data(as_text=True)
        assert "Podaj obie daty okresu (RRRR-MM-DD)." in html, args
        # No report of another period instead (last month, before).
        assert 'id="report-files"' not in html, args
        if typed:
            assert typed in html, args
    with app.app_context(), partnership_scope(a.partnership.id):
        assert db.session.scalars(select(AuditEntry).where(
            AuditEntry.object_type == "PartnershipReport")).all() == []


def test_generating_an_xlsx_runs_a_job_with_the_file(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    response = client.post("/alfa/reports/generate", data={
        "start": "2026-10-01", "end": "2026-10-31", "variant": "internal", "format": "xlsx"})
    assert response.status_code == 302
    assert "/alfa/jobs/" in response.headers["Location"]
    with app.app_context(), partnership_scope(a.partnership.id):
        job = db.session.scalars(select(Job)).one()
        assert job.kind == "report" and job.state == "done", job.message
        job_id = job.id
    download = client.get(f"/alfa/jobs/{job_id}/result")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.data)).worksheets[0]
    assert any(r[:3] == ("G2: Opiekunowie pracujący", "Kraków (1261)", "35–44")
               for r in sheet.iter_rows(values_only=True))


def test_generating_with_a_forged_period_is_refused_politely(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)
    response = client.post("/alfa/reports/generate", data={
        "start": "2026-13-01", "end": "2026-10-31", "variant": "internal", "format": "xlsx"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/")
    response = client.post("/alfa/reports/generate", data={
        "start": "2026-10-01", "end": "2026-10-31", "variant": "internal", "format": "exe"})
    assert response.status_code == 302
    with app.app_context(), partnership_scope(a.partnership.id):
        assert db.session.scalars(select(Job)).all() == []


def test_admin_manages_recipients_and_coordinator_only_reads(app, client, login_as):
    a = _world(app)
    login_as(client, a.coordinator)                     # coordinator + partnership admin
    response = client.post("/alfa/reports/recipients", data={
        "email": "Rada@Gmina.example", "name": "Rada Gminy", "variant": "external"})
    assert response.status_code == 302
    bad = client.post("/alfa/reports/recipients", data={"email": "not an address",
                                                       "variant": "internal"})
    assert bad.status_code == 422
    with app.app_context(), partnership_scope(a.partnership.id):
        recipient = db.session.scalars(select(ReportRecipient)).one()
        assert (recipient.email, recipient.variant) == ("rada@gmina.example", "external")
        recipient_id = recipient.id
    coordinator = RegistryFactory(app).staff(a.leader, roles=("coordinator",))
    login_as(client, coordinator)
    assert client.get("/alfa/reports/recipients").status_code == 404
    assert client.post(f"/alfa/reports/recipients/{recipient_id}/remove").status_code == 404
    assert client.get("/alfa/reports/").status_code == 200
    login_as(client, a.coordinator)
    assert client.post(f"/alfa/reports/recipients/{recipient_id}/remove").status_code == 302
    with app.app_context(), partnership_scope(a.partnership.id):
        assert db.session.scalars(select(ReportRecipient)).all() == []


def test_stored_reports_list_and_download(app, client, login_as):
    from mosty.reports.tasks import schedule_monthly_reports

    a = _world(app)
    with app.app_context():
        schedule_monthly_reports.delay(today="2026-11-02")
    login_as(client, a.coordinator)
    html = client.get("/alfa/reports/stored/").get_data(as_text=True)
    assert "2026-10" in html
    with app.app_context(), partnership_scope(a.partnership.id):
        stored_id = db.session.scalars(select(StoredReport)).one().id
    response = client.get(f"/alfa/reports/stored/{stored_id}/external.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).sheetnames
    assert client.get(f"/alfa/reports/stored/{stored_id}/secret.xlsx").status_code == 404
    assert client.get(f"/alfa/reports/stored/{stored_id + 999}/internal.pdf").status_code == 404
    assert date(2026, 10, 1)


def test_module_sections_follow_the_grants_and_stay_inside(make_app, login_as):
    import sample_module
    from mosty.plugins.models import ModuleGrant, PartnershipModule

    app = make_app(MOSTY_EXTRA_PLUGINS=[sample_module])
    a = _world(app)
    client = login_as(app.test_client(), a.coordinator)
    assert "Sample section" not in client.get(f"/alfa/reports/{OCTOBER_ARGS}").get_data(
        as_text=True)                                              # module off
    with app.app_context(), partnership_scope(a.partnership.id):
        db.session.add(PartnershipModule(module_key="sample", enabled=True))
        db.session.add(ModuleGrant(module_key="sample", role="coordinator", access="read"))
        db.session.commit()
    html = client.get(f"/alfa/reports/{OCTOBER_ARGS}").get_data(as_text=True)
    assert "Sample section" in html
    # The external copy leaves module sections out: their cells are not known to be safe.
    html = client.get(f"/alfa/reports/{OCTOBER_ARGS}&variant=external").get_data(as_text=True)
    assert "Sample section" not in html
    # Beat writes for the coordinator role: the monthly report carries the section too.
    from mosty.reports.tasks import schedule_monthly_reports

    with app.app_context():
        schedule_monthly_reports.delay(today="2026-11-02")
    with app.app_context(), partnership_scope(a.partnership.id):
        stored_id = db.session.scalars(select(StoredReport)).one().id
    data = client.get(f"/alfa/reports/stored/{stored_id}/internal.xlsx").data
    assert len(load_workbook(io.BytesIO(data)).sheetnames) == 5



@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_a_module_whose_report_query_fails_loses_its_section_not_the_report(make_app, login_as,
                                                                            backend):
    import types

    from sqlalchemy import text

    from mosty import toolkit
    from mosty.plugins.models import ModuleGrant, PartnershipModule

    def failing_sections(partnership, period_start, period_end):
        # On PostgreSQL a failed statement aborts the transaction the report runs in.
        db.session.execute(text("SELECT no_such_column FROM participant"))

    def good_sections(partnership, period_start, period_end):
        return [toolkit.ReportSection(module="good", title="Dobra sekcja", columns=("a", "b"),
                                      rows=(("x", 1),))]

    plugins = []
    for key, sections in (("failing", failing_sections), ("good", good_sections)):
        plugin = types.ModuleType(f"mosty_{key}")
        plugin.mosty_modules = toolkit.hookimpl(
            lambda key=key: toolkit.Module(key=key, name=key.title()))
        plugin.mosty_report_sections = toolkit.hookimpl(sections)
        plugins.append(plugin)
    app = make_app(backend, MOSTY_EXTRA_PLUGINS=plugins)
    a = _world(app)
    with app.app_context(), partnership_scope(a.partnership.id):
        for key in ("failing", "good"):
            db.session.add(PartnershipModule(module_key=key, enabled=True))
            db.session.add(ModuleGrant(module_key=key, role="coordinator", access="read"))
        db.session.commit()
    client = login_as(app.test_client(), a.coordinator)
    response = client.get(f"/alfa/reports/{OCTOBER_ARGS}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Dobra sekcja" in html and "G2: Opiekunowie pracujący" in html
