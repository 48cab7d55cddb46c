"""Monthly reports by beat: one stored report per partnership and month, mailed once."""

import email
import email.policy
import io
import logging
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from sqlalchemy import func, select

from mosty.extensions import db
from mosty.reports.mail import MailNotConfigured, smtp_settings
from mosty.reports.models import ReportRecipient, StoredReport, StoredReportFile
from mosty.reports.tasks import (
    SCHEDULER_ACTOR_ID,
    make_monthly_report,
    schedule_monthly_reports,
)
from mosty.tasks import TaskRefused, beat_schedule
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory, login
from report_data import build_partnership


class Inbox:
    """A local SMTP receiver's handler: keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.original_content,
                                                       policy=email.policy.default)))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def _recipients(app, partnership_id, *entries):
    with app.app_context(), partnership_scope(partnership_id):
        for address, variant in entries:
            db.session.add(ReportRecipient(email=address, name="", variant=variant))
        db.session.commit()


def _stored(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        reports = db.session.scalars(select(StoredReport)).all()
        return [(r.period_start, r.period_end, r.mailed_count, r.mail_note,
                 sorted((f.variant, f.format) for f in r.files)) for r in reports]


def _attachments(message):
    return {part.get_filename(): part.get_payload(decode=True)
            for part in message.iter_attachments()}


def test_beat_runs_the_monthly_reports_on_the_first_of_the_month():
    entry = beat_schedule()["monthly-partnership-reports"]
    assert entry["task"] == "mosty.reports.schedule_monthly_reports"
    assert entry["schedule"].day_of_month == {1}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_one_report_per_partnership_and_month_mailed_once(make_app, smtp_inbox, backend):
    inbox, url = smtp_inbox
    app = make_app(backend, MOSTY_SMTP_URL=url, MOSTY_MAIL_FROM="raporty@mosty.example")
    f = RegistryFactory(app)
    a, b = build_partnership(f, "alfa"), build_partnership(f, "beta")
    _recipients(app, a.partnership.id, ("koordynator@alfa.example", "internal"),
                ("rada@gmina.example", "external"))
    _recipients(app, b.partnership.id, ("biuro@beta.example", "internal"))

    with app.app_context():
        result = schedule_monthly_reports.delay(today="2026-11-02").get()
        assert result == {"period": "2026-10", "partnerships": 2}
        schedule_monthly_reports.delay(today="2026-11-15").get()     # the same month again

    expected_files = [("external", "pdf"), ("external", "xlsx"), ("internal", "pdf"),
                      ("internal", "xlsx")]
    assert _stored(app, a.partnership.id) == [
        (date(2026, 10, 1), date(2026, 10, 31), 2, "", expected_files)]
    assert _stored(app, b.partnership.id) == [
        (date(2026, 10, 1), date(2026, 10, 31), 1, "", expected_files)]

    assert sorted(rcpt[0] for rcpt, _m in inbox.messages) == [
        "biuro@beta.example", "koordynator@alfa.example", "rada@gmina.example"]
    by_address = {rcpt[0]: message for rcpt, message in inbox.messages}
    internal = by_address["koordynator@alfa.example"]
    assert internal["From"] == "raporty@mosty.example"
    assert "2026-10" in internal["Subject"]
    files = _attachments(internal)
    assert sorted(files) == ["raport-2026-10-wewn.pdf", "raport-2026-10-wewn.xlsx"]
    assert files["raport-2026-10-wewn.pdf"].startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(files["raport-2026-10-wewn.xlsx"])).worksheets[0]
    assert any(r[:4] == ("G2: Opiekunowie pracujący", "Kraków (1261)", "35–44", 2)
               for r in sheet.iter_rows(values_only=True))
    outside = _attachments(by_address["rada@gmina.example"])
    assert sorted(outside) == ["raport-2026-10-zewn.pdf", "raport-2026-10-zewn.xlsx"]
    sheet = load_workbook(io.BytesIO(outside["raport-2026-10-zewn.xlsx"])).worksheets[0]
    assert not any(r[:4] == ("G2: Opiekunowie pracujący", "Kraków (1261)", "35–44", 2)
                   for r in sheet.iter_rows(values_only=True))
    client = login(app.test_client(), a.coordinator)
    html = client.get("/alfa/reports/stored/").get_data(as_text=True)
    assert "wysłano na 2 adresy" in html or "sent to 2 addresses" in html
    # B's mail carries B's report only.
    b_sheet = load_workbook(io.BytesIO(
        _attachments(by_address["biuro@beta.example"])["raport-2026-10-wewn.xlsx"])).worksheets
    text = " ".join(str(v) for ws in b_sheet for row in ws.iter_rows(values_only=True)
                    for v in row if v)
    assert "beta" in text and "alfa" not in text


def test_running_the_partnership_task_twice_stores_one_report(any_app):
    app = any_app
    a = build_partnership(RegistryFactory(app), "alfa")
    with app.app_context():
        for key in ("k1", "k2"):                 # even under different delivery keys
            make_monthly_report.delay(a.partnership.id, SCHEDULER_ACTOR_ID, "2026-10-01",
                                      idempotency_key=key).get()
    with app.app_context(), partnership_scope(a.partnership.id):
        assert db.session.scalar(select(func.count(StoredReport.id))) == 1
        assert db.session.scalar(select(func.count(StoredReportFile.id))) == 4


def test_without_smtp_the_report_is_stored_and_the_log_says_so(app, caplog):
    a = build_partnership(RegistryFactory(app), "alfa")
    _recipients(app, a.partnership.id, ("koordynator@alfa.example", "internal"))
    with caplog.at_level(logging.INFO, logger="mosty.reports.tasks"), app.app_context():
        schedule_monthly_reports.delay(today="2026-11-02").get()
    [(start, _end, mailed, note, files)] = _stored(app, a.partnership.id)
    assert (start, mailed, note, len(files)) == (date(2026, 10, 1), 0, "no_smtp", 4)
    assert "MOSTY_SMTP_URL is not set" in caplog.text
    html = login(app.test_client(), a.coordinator).get("/alfa/reports/stored/").get_data(
        as_text=True)
    assert "nie skonfigurowano serwera poczty" in html or "no mail server" in html


def test_monthly_report_task_needs_partnership_and_actor(app):
    with app.app_context(), pytest.raises(TaskRefused):
        make_monthly_report.delay(None, SCHEDULER_ACTOR_ID, "2026-10-01").get()


def test_smtp_url_forms():
    assert smtp_settings("smtps://user:p%40ss@mail.example")["port"] == 465
    settings = smtp_settings("smtp://u:pw@mail.example:587?starttls=1")
    assert (settings["host"], settings["port"], settings["starttls"], settings["password"]) == \
        ("mail.example", 587, True, "pw")
    with pytest.raises(MailNotConfigured):
        smtp_settings("")
    with pytest.raises(ValueError):
        smtp_settings("http://mail.example")
