"""Background tasks: the Celery app of each Flask app, and the rules every task obeys.

Tasks take ids, never ORM objects or personal data. A partnership task names its
``partnership_id`` and ``actor_id`` explicitly and runs inside that partnership's walls; an
idempotency key is stored in the same transaction as the task's effect, so a task delivered
twice (``acks_late`` after a worker died) changes nothing the second time.
"""

import functools
import logging

from celery import Celery, Task, shared_task
from celery.schedules import crontab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .tenancy import partnership_scope, system_scope

log = logging.getLogger(__name__)

# Retries back off up to 10 minutes, well below the broker's visibility timeout (1 hour),
# so a retried task is never also redelivered as "lost".
RETRY_BACKOFF_MAX = 600
VISIBILITY_TIMEOUT = 3600


class TaskRefused(Exception):
    """A task was called without what it needs to respect the walls."""


def init_app(app):
    """Build the Celery app bound to this Flask app (eager without a broker)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("MOSTY_REDIS_URL")
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=redis_url or "memory://",
        result_backend=redis_url or "cache+memory://",
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        task_always_eager=app.config["MOSTY_TASKS_EAGER"],
        task_eager_propagates=True,
        timezone="Europe/Warsaw",
        beat_schedule=beat_schedule(),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


# Beat entries added by plugins (``add_beat_entry``), merged into the core's schedule. A plugin
# module adds its entries when it is imported, which happens before the Celery app is built.
_EXTRA_BEAT_ENTRIES = {}


def add_beat_entry(name, task, schedule):
    """Run the task ``task`` (a registered task name) on ``schedule`` (a ``crontab``), under the
    beat entry ``name``. Adding the same name again replaces the entry."""
    _EXTRA_BEAT_ENTRIES[name] = {"task": task, "schedule": schedule}


def beat_schedule():
    # A plugin cannot replace a core entry: the core's names win.
    return {**_EXTRA_BEAT_ENTRIES, **_core_beat_schedule()}


def _core_beat_schedule():
    return {
        "deactivate-dormant-accounts": {
            "task": "mosty.auth.deactivate_dormant_accounts",
            "schedule": crontab(minute=15, hour=3),
        },
        "purge-expired-sign-ins": {
            "task": "mosty.auth.purge_expired_sign_ins",
            "schedule": crontab(minute=20, hour=3),
        },
        # Last month's report for every partnership, early on the first day of the month.
        "monthly-partnership-reports": {
            "task": "mosty.reports.schedule_monthly_reports",
            "schedule": crontab(minute=30, hour=5, day_of_month=1),
        },
        "anonymise-after-retention": {
            "task": "mosty.privacy.anonymise_after_retention",
            "schedule": crontab(minute=45, hour=2),
        },
    }


def _already_done(key):
    from .task_receipts import TaskReceipt

    return db.session.scalar(select(TaskReceipt.id).where(TaskReceipt.key == key)) is not None


def _store_receipt(key, name):
    from .task_receipts import TaskReceipt

    db.session.add(TaskReceipt(key=key, task=name))


def partnership_task(name, **options):
    """Declare a task that works on one partnership's data.

    The task function receives ``partnership_id`` and ``actor_id`` as its first arguments and
    must not commit; the wrapper commits its effect together with the idempotency receipt.
    """
    options.setdefault("retry_backoff", True)
    options.setdefault("retry_backoff_max", RETRY_BACKOFF_MAX)
    options.setdefault("max_retries", 5)

    def decorate(func):
        @shared_task(name=name, bind=True, **options)
        @functools.wraps(func)
        def run(self, partnership_id=None, actor_id=None, *args, idempotency_key=None, **kwargs):
            if not isinstance(partnership_id, int) or isinstance(partnership_id, bool):
                raise TaskRefused(f"{name} needs an explicit partnership_id")
            if not isinstance(actor_id, int) or isinstance(actor_id, bool):
                raise TaskRefused(f"{name} needs an explicit actor_id")
            with partnership_scope(partnership_id):
                if idempotency_key and _already_done(idempotency_key):
                    log.info("%s %s already done, skipped", name, idempotency_key)
                    return {"skipped": True}
                result = func(partnership_id, actor_id, *args, **kwargs)
                if idempotency_key:
                    _store_receipt(idempotency_key, name)
                try:
                    db.session.commit()
                except IntegrityError:
                    # A twin delivery committed first: its effect stands, ours is dropped.
                    db.session.rollback()
                    if idempotency_key and _already_done(idempotency_key):
                        return {"skipped": True}
                    raise
                return result

        return run

    return decorate


def system_task(name, reason, **options):
    """Declare a platform-level task (no partnership data of its own), run in the system scope."""

    def decorate(func):
        @shared_task(name=name, **options)
        @functools.wraps(func)
        def run(*args, **kwargs):
            with system_scope(reason):
                result = func(*args, **kwargs)
                db.session.commit()
                return result

        return run

    return decorate
