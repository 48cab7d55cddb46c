"""Finding the real services tests may use: PostgreSQL and Redis.

Outside CI a missing service skips the tests that need it, with the reason; inside CI
(``CI=true``) it fails them, so a green CI run always means the services were exercised.
"""

import os

import pytest

PG_ADMIN_URL = os.environ.get(
    "MOSTY_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MOSTY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(service, error):
    message = f"{service} is not reachable ({type(error).__name__}: {error})"
    if in_ci():
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


def require_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means the service is unusable
        unavailable("Redis", error)
    return REDIS_URL
