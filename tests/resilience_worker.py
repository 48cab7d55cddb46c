"""The Celery app for the resilience test's workers: Mosty's own, with a short visibility
timeout so that the tasks of a killed worker come back within seconds instead of an hour."""

import os

from mosty_worker import celery_app, flask_app

VISIBILITY_TIMEOUT = int(os.environ.get("MOSTY_TEST_VISIBILITY_TIMEOUT", "6"))

celery_app.conf.broker_transport_options = {
    "visibility_timeout": VISIBILITY_TIMEOUT,
    # Look for unacknowledged messages of dead workers every second.
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # A worker killed while it held the restore lock would otherwise block every other
    # worker's restoring for the default five minutes.
    "unacked_mutex_expire": 3,
}

__all__ = ["celery_app", "flask_app"]
