"""WSGI entry points for the load test (``gunicorn -w 2 'bench.wsgi:mosty_app()'``).

``mosty_app()``: the platform as it is served, on ``BENCH_RUNTIME_URL`` (the runtime role,
bound by row-level security). ``bare_app()``: a bare Flask app on ``BENCH_OWNER_URL``
serving the participant page's essential SQL (no login, no walls, no audit).
"""

import os


def mosty_app():
    from mosty import create_app

    url = os.environ["BENCH_RUNTIME_URL"]
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "MOSTY_MIGRATION_DATABASE_URL": url,
                       "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
                       "MOSTY_REDIS_URL": None, "MOSTY_TASKS_EAGER": True,
                       "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": False})


def bare_app():
    from types import SimpleNamespace

    from .pages import bare_app as build

    target = SimpleNamespace(**{k: int(os.environ[f"BENCH_{k.upper()}"])
                                for k in ("pid", "iid", "person", "family")})
    return build(os.environ["BENCH_OWNER_URL"], target)
