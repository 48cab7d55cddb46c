"""A real Celery worker over Redis, on PostgreSQL as the RLS-bound runtime role.

Tasks are delivered twice and some fail before succeeding; every effect must land exactly
once and only in its own partnership.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery.result import AsyncResult

import task_samples
from mosty.extensions import db
from mosty.tenancy import system_scope
from mosty.testing.plugin import build_two_partnerships
from mosty.testing.services import require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.celery_worker]

TESTS_DIR = Path(__file__).resolve().parent


@pytest.fixture
def worker_app(make_app, postgres_database):
    redis_url = require_redis()
    redis.Redis.from_url(redis_url).flushdb()
    return make_app(backend="postgresql", MOSTY_REDIS_URL=redis_url, MOSTY_TASKS_EAGER=False)


@pytest.fixture
def worker(worker_app, postgres_database, tmp_path):
    queue = f"mosty-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "MOSTY_DATABASE_URL": postgres_database.runtime_url,
        "MOSTY_MIGRATION_DATABASE_URL": postgres_database.owner_url,
        "MOSTY_REDIS_URL": worker_app.config["MOSTY_REDIS_URL"],
        "MOSTY_SECRET_KEY": "worker-test",
        "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed in the finaliser below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mosty_worker:celery_app", "worker",
         "--pool=solo", "--concurrency=1", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--include=task_samples", f"--queues={queue}", "--loglevel=INFO"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    if process.returncode not in (0, -15):
        print((tmp_path / "worker.log").read_text()[-4000:])


def test_real_worker_applies_every_effect_once_in_its_own_partnership(worker_app, worker):
    world = build_two_partnerships(worker_app)
    sent = []
    with worker_app.app_context():
        for n in range(40):
            side = world.a if n % 2 else world.b
            for _delivery in range(2):
                sent.append(task_samples.record_probe.apply_async(
                    args=(side.partnership.id, side.admin.id),
                    kwargs={"probe": f"p{n}", "idempotency_key": f"probe-{n}",
                            "fail_until_retry": 1 if n % 10 == 0 else 0},
                    queue=worker,
                ).id)
        deadline = time.monotonic() + 120
        for task_id in sent:
            result = AsyncResult(task_id, app=worker_app.extensions["celery"])
            result.get(timeout=max(1, deadline - time.monotonic()))
            assert result.successful()
    with worker_app.app_context(), system_scope("test inspection"):
        entries = db.session.scalars(task_samples.probe_entries()).all()
    assert sorted(e.object_id for e in entries) == sorted(f"p{n}" for n in range(40))
    for entry in entries:
        n = int(entry.object_id[1:])
        expected = world.a if n % 2 else world.b
        assert entry.partnership_id == expected.partnership.id
