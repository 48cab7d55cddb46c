"""The monthly reports under a real Celery worker (Redis, PostgreSQL as the RLS-bound role):
the fan-out, the stored reports and the mail, with nobody running anything by hand."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from sqlalchemy import select

from mosty.extensions import db
from mosty.reports.models import ReportRecipient, StoredReport
from mosty.reports.tasks import schedule_monthly_reports
from mosty.tenancy import partnership_scope
from mosty.testing.factories import RegistryFactory
from mosty.testing.services import require_redis
from report_data import build_partnership
from test_reports_schedule import Inbox, _free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.celery_worker]

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


@pytest.fixture
def worker_app(make_app, postgres_database, inbox):
    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()
    return make_app(backend="postgresql", MOSTY_REDIS_URL=redis_url, MOSTY_TASKS_EAGER=False,
                    MOSTY_SMTP_URL=inbox[1])


@pytest.fixture
def worker(worker_app, postgres_database, inbox, tmp_path):
    env = {
        **os.environ,
        "MOSTY_DATABASE_URL": postgres_database.runtime_url,
        "MOSTY_MIGRATION_DATABASE_URL": postgres_database.owner_url,
        "MOSTY_REDIS_URL": worker_app.config["MOSTY_REDIS_URL"],
        "MOSTY_SECRET_KEY": "worker-test",
        "MOSTY_SMTP_URL": inbox[1],
        "MOSTY_MAIL_FROM": "raporty@mosty.example",
        "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in the finaliser below
    # The fan-out hands its steps to the default queue, so this worker serves that one (the
    # broker's database was emptied above).
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mosty_worker:celery_app", "worker",
         "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--loglevel=INFO"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


def _stored_months(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        rows = db.session.scalars(select(StoredReport)).all()
        result = [(r.period_start.isoformat(), len(r.files), r.mailed_count) for r in rows]
        db.session.rollback()
        return result


def test_real_worker_stores_and_mails_each_partnership_report_once(worker_app, worker, inbox):
    handler, _url = inbox
    f = RegistryFactory(worker_app)
    a, b = build_partnership(f, "alfa"), build_partnership(f, "beta")
    for side, address in ((a, "koordynator@alfa.example"), (b, "rada@beta.example")):
        with worker_app.app_context(), partnership_scope(side.partnership.id):
            db.session.add(ReportRecipient(email=address, variant="internal"))
            db.session.commit()

    with worker_app.app_context():
        for _delivery in range(2):                  # beat firing twice for the same month
            schedule_monthly_reports.apply_async(kwargs={"today": "2026-11-02"})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = [_stored_months(worker_app, s.partnership.id) for s in (a, b)]
        if all(m and m[0][2] == 1 for m in done) and len(handler.messages) >= 2:
            break
        assert worker.poll() is None, "the worker died"
        time.sleep(0.5)
    time.sleep(2)                                   # room for a wrongly repeated effect
    assert _stored_months(worker_app, a.partnership.id) == [("2026-10-01", 4, 1)]
    assert _stored_months(worker_app, b.partnership.id) == [("2026-10-01", 4, 1)]
    assert sorted(rcpt[0] for rcpt, _m in handler.messages) == [
        "koordynator@alfa.example", "rada@beta.example"]
