"""1,000 webhook deliveries under real workers: some fail on the first attempt, one worker is
killed (SIGKILL) mid-run, a second worker finishes. Every delivery ends delivered, and no
effect lands twice: one successful attempt row and one idempotency receipt per delivery.

The workers (threads pool, 4 at a time) use ``acks_late`` (Mosty's setting) and a short
visibility timeout (``resilience_worker``), so the messages the killed worker held are handed
to the second worker after a few seconds. Retries wait about a second (``MOSTY_WEBHOOK_RETRY_SECONDS``),
well below that timeout, so a waiting retry is never taken for a lost message. A message lost
outright at the kill is sent again as the beat sweep would (``wait_for_every_delivery``).
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from mosty.exchange import service as exchange_service
from mosty.exchange.delivery import create_deliveries, deliver, idempotency_key
from mosty.exchange.models import DeliveryAttempt, OutboxEvent, WebhookDelivery
from mosty.extensions import db
from mosty.task_receipts import TaskReceipt
from mosty.tenancy import partnership_scope
from mosty.testing.plugin import build_two_partnerships
from mosty.testing.services import require_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.celery_worker]

TESTS_DIR = Path(__file__).resolve().parent
TASKS = 1000
FAIL_EVERY = 7  # every 7th delivery is refused (503) on its first attempt
KILL_AFTER = 250  # deliveries done before the first worker is killed
DEADLINE = 150
CONCURRENCY = 4  # threads per worker: at most this many deliveries are in flight at the kill
VISIBILITY_TIMEOUT = 6  # seconds, for the workers' broker (resilience_worker)


class CountingReceiver:
    """The partner system: counts requests per delivery id; refuses chosen ids once."""

    def __init__(self, refuse_first):
        self.refuse_first = set(refuse_first)
        self.seen = Counter()
        self.accepted = Counter()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                delivery_id = self.headers.get("X-Mosty-Delivery", "")
                with receiver.lock:
                    receiver.seen[delivery_id] += 1
                    refuse = (delivery_id in receiver.refuse_first
                              and receiver.seen[delivery_id] == 1)
                    if not refuse:
                        receiver.accepted[delivery_id] += 1
                self.send_response(503 if refuse else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def own_redis_database(url, number=14):
    """The test's own Redis database: other worker tests empty theirs (``flushdb``) when they
    start, which would also wipe this test's queue and the killed worker's unacknowledged
    messages if they shared it."""
    base, _slash, database = url.rpartition("/")
    return f"{base}/{number}" if database.isdigit() else f"{url.rstrip('/')}/{number}"


@pytest.fixture
def worker_app(make_app, postgres_database):
    redis_url = own_redis_database(require_redis())
    return make_app(backend="postgresql", MOSTY_REDIS_URL=redis_url, MOSTY_TASKS_EAGER=False)


@pytest.fixture
def start_worker(worker_app, postgres_database, tmp_path):
    env = {
        **os.environ,
        "MOSTY_DATABASE_URL": postgres_database.runtime_url,
        "MOSTY_MIGRATION_DATABASE_URL": postgres_database.owner_url,
        "MOSTY_REDIS_URL": worker_app.config["MOSTY_REDIS_URL"],
        "MOSTY_SECRET_KEY": "worker-test",
        "MOSTY_WEBHOOK_RETRY_SECONDS": "1",
        "MOSTY_WEBHOOK_TIMEOUT": "5",
        "MOSTY_TEST_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
    }
    processes = []

    def start(queue, name):
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "resilience_worker:celery_app", "worker",
             "--pool=threads", f"--concurrency={CONCURRENCY}", "--without-heartbeat", "--without-gossip",
             "--without-mingle", f"--queues={queue}", "--loglevel=WARNING", f"-n{name}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
        )
        processes.append((process, log, name))
        return process

    yield start
    for process, log, name in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        if process.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
            print(name, (tmp_path / f"{name}.log").read_text()[-4000:])


def counts(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        delivered = db.session.scalar(select(func.count()).select_from(WebhookDelivery)
                                      .where(WebhookDelivery.state == "delivered"))
        db.session.rollback()
        return delivered


def pending_deliveries(app, partnership_id):
    with app.app_context(), partnership_scope(partnership_id):
        pending = db.session.execute(select(WebhookDelivery).where(
            WebhookDelivery.state == "pending")).scalars().all()
        found = [(d.id, idempotency_key(d)) for d in pending]
        db.session.rollback()
        return found


def wait_for_every_delivery(app, side, queue, deadline):
    """Wait until every delivery is delivered; how many the sweep had to send again.

    A message the killed worker had taken from Redis but not yet recorded as unacknowledged
    is gone from the broker (a window of Kombu's Redis transport), so no visibility timeout
    brings it back. In production the beat sweep sends such a delivery again (``sweep`` and
    ``stale_deliveries``, after two visibility timeouts); here, once nothing has moved for
    three of the test's visibility timeouts, the test does what the sweep would do, with the
    same idempotency keys."""
    stall = 3 * VISIBILITY_TIMEOUT
    done, moved_at, swept = -1, time.monotonic(), 0
    while (now_done := counts(app, side.partnership.id)) < TASKS:
        assert time.monotonic() < deadline, f"only {now_done} of {TASKS} delivered"
        if now_done != done:
            done, moved_at = now_done, time.monotonic()
        elif time.monotonic() - moved_at > stall and not swept:
            lost = pending_deliveries(app, side.partnership.id)
            with app.app_context():
                for delivery_id, key in lost:
                    deliver.apply_async(args=(side.partnership.id, side.admin.id, delivery_id),
                                        kwargs={"idempotency_key": key}, queue=queue)
            swept = len(lost)
        time.sleep(0.2)
    return swept


def test_a_thousand_deliveries_survive_failures_and_a_killed_worker(worker_app, start_worker):
    world = build_two_partnerships(worker_app)
    side = world.a
    queue = f"mosty-resilience-{uuid.uuid4().hex[:8]}"
    redis.Redis.from_url(worker_app.config["MOSTY_REDIS_URL"]).delete(queue)
    # The first worker boots while the outbox is filled.
    first = start_worker(queue, "first")

    # The outbox: 1,000 events of one institution, one endpoint, one delivery each.
    with worker_app.app_context(), partnership_scope(side.partnership.id):
        endpoint = exchange_service.create_webhook(
            institution_id=side.other.id, name="Odbiornik", url="http://127.0.0.1:9/unused",
            event_kinds=["status.changed"], active=True, actor_id=side.admin.id)
        db.session.flush()
        db.session.add_all([
            OutboxEvent(institution_id=side.other.id, kind="status.changed",
                        subject_type="Probe", subject_id=n, payload={"n": n})
            for n in range(TASKS)])
        db.session.flush()
        deliveries, more = create_deliveries()
        while more:
            batch, more = create_deliveries()
            deliveries += batch
        assert len(deliveries) == TASKS
        jobs = [(d.id, d.delivery_uuid, idempotency_key(d)) for d in deliveries]
        refused = {uuid_ for n, (_id, uuid_, _key) in enumerate(jobs) if n % FAIL_EVERY == 0}
        receiver = CountingReceiver(refused)
        endpoint.url = receiver.url
        db.session.commit()

    try:
        with worker_app.app_context():
            for delivery_id, _uuid, key in jobs:
                deliver.apply_async(args=(side.partnership.id, side.admin.id, delivery_id),
                                    kwargs={"idempotency_key": key}, queue=queue)

        deadline = time.monotonic() + DEADLINE
        while counts(worker_app, side.partnership.id) < KILL_AFTER:
            assert first.poll() is None, "the first worker stopped by itself"
            assert time.monotonic() < deadline, "the first worker made no progress"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        done_at_kill = counts(worker_app, side.partnership.id)
        assert done_at_kill < TASKS, "the worker finished before it could be killed"

        start_worker(queue, "second")
        swept = wait_for_every_delivery(worker_app, side, queue, deadline)
        # The broker hands back what the killed worker held; the sweep is for the rare message
        # lost in between, never for the bulk.
        assert swept <= CONCURRENCY
    finally:
        receiver.close()

    with worker_app.app_context(), partnership_scope(side.partnership.id):
        states = Counter(db.session.scalars(select(WebhookDelivery.state)))
        successes = Counter(db.session.scalars(
            select(DeliveryAttempt.delivery_id).where(DeliveryAttempt.status_code == 200)))
        refusals = Counter(db.session.scalars(
            select(DeliveryAttempt.delivery_id).where(DeliveryAttempt.status_code == 503)))
        receipts = Counter(db.session.scalars(
            select(TaskReceipt.key).where(TaskReceipt.key.like("exchange-delivery-%"))))
        refused_ids = {d_id for d_id, uuid_, _key in jobs if uuid_ in refused}

    assert states == {"delivered": TASKS}
    # No effect applied twice: one successful attempt and one receipt per delivery.
    assert len(successes) == TASKS and set(successes.values()) == {1}
    assert len(receipts) == TASKS and set(receipts.values()) == {1}
    # The injected failures were logged and retried (a refusal lost with the killed worker
    # is not in the log: its transaction never committed).
    assert sum(refusals.values()) >= len(refused_ids) - CONCURRENCY
    assert set(refusals) <= refused_ids and set(refusals.values()) <= {1}
    # The partner system got every event; those in flight at the kill may come twice and are
    # told apart by their X-Mosty-Delivery id.
    assert set(receiver.accepted) == {uuid_ for _id, uuid_, _key in jobs}
    assert sum(receiver.accepted.values()) - TASKS <= CONCURRENCY
    assert 0 < done_at_kill < TASKS
