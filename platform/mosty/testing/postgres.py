"""A throw-away PostgreSQL database migrated by an owner role and served by a runtime role."""

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .services import PG_ADMIN_URL, unavailable

OWNER_ROLE = "mosty_test_owner"
RUNTIME_ROLE = "mosty_test_app"


def database_name():
    # One database per test run, so runs side by side never empty each other's tables.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"mosty_test_{worker}_{os.getpid()}"


def role_url(role, database):
    return make_url(PG_ADMIN_URL).set(username=role, password=None, database=database)


def create_test_database():
    """Fresh database owned by the owner role; the runtime role exists, bound by RLS."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        unavailable("PostgreSQL", error)
    name = database_name()
    with admin.connect() as connection:
        for role, options in ((OWNER_ROLE, "LOGIN"),
                              (RUNTIME_ROLE, "LOGIN NOSUPERUSER NOBYPASSRLS")):
            exists = connection.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).scalar()
            if not exists:
                connection.execute(text(f"CREATE ROLE {role} {options}"))
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"
        ), {"d": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}'))
    admin.dispose()
    return (
        role_url(OWNER_ROLE, name).render_as_string(hide_password=False),
        role_url(RUNTIME_ROLE, name).render_as_string(hide_password=False),
    )


def truncate_all(owner_url, tables):
    engine = create_engine(owner_url)
    with engine.begin() as connection:
        connection.execute(text(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        ))
    engine.dispose()


def drop_test_database():
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)'))
    admin.dispose()
