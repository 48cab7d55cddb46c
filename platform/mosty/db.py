"""The declarative base and column helpers every model of Mosty uses."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from . import collation

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow():
    return datetime.now(UTC)


def as_utc(moment):
    """A stored moment as an aware UTC datetime: SQLite hands ``DateTime(timezone=True)``
    columns back naive, though they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


def configure_sqlite(engine):
    """SQLite as a serious embedded default: foreign keys on, real transactions and savepoints.

    pysqlite by default neither enforces foreign keys (so ON DELETE CASCADE would not run) nor
    begins transactions where SQLAlchemy expects; this is SQLAlchemy's documented remedy.
    """
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        # SQLite's lower() folds ASCII only; lower() compares e-mail addresses on both sides
        # (auth.service), as PostgreSQL folds every letter. (Name searches use a regular
        # expression, mosty.collation.matches, and SQLAlchemy's REGEXP function.)
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        collation.register_sqlite(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request takes the write lock when its transaction begins (IMMEDIATE). Nearly
        # every request reads, then writes (at least its audit entry); with a plain deferred
        # BEGIN, two overlapping requests both read, then each waits for the other to upgrade
        # its lock, and SQLite answers "database is locked" at once instead of waiting out
        # busy_timeout (a 500 for one of two users clicking at the same moment). Now the
        # second request waits up to busy_timeout for the first to finish. Work outside a
        # request (commands, a shell) and views marked ``reads_only`` keep the deferred BEGIN,
        # so a reader there never waits for a write lock it does not need (a job's progress,
        # polled while an in-process job holds that lock).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")


def reads_only(view):
    """Mark a view that never writes, so that on SQLite its transaction does not take the
    write lock (see ``configure_sqlite``); PostgreSQL is unaffected."""
    view.reads_only = True
    return view


def _request_may_write():
    from flask import current_app, has_request_context, request

    if not has_request_context():
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "reads_only", False)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def tune_postgresql(config):
    """Engine options for PostgreSQL: a plan for each query's own values, and no JIT.

    - ``plan_cache_mode=force_custom_plan``: psycopg prepares a statement after its fifth run,
      and PostgreSQL then may switch to one generic plan for every parameter value. With
      partnerships of very different sizes in the same tables (and institutions within them),
      the generic plan suits none: the referral inbox went from about 80 ms to 800 ms after its
      tenth request at benchmark volume (bench/RESULTS.md). Planning each run costs 0.1-5 ms
      (the access rule's queries are the dearest), and no page was faster with generic plans
      allowed (docs/benchmarks.md).
    - ``jit=off``: the access rule's subplans make the estimated cost of a list's count cross
      the JIT threshold; compiling took 60-70 ms of a 150 ms query, far more than it ever
      saves on queries like these. Reports aggregate in SQL too but finish in tens of ms.
    """
    if not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["options"] = (f"{connect_args.get('options', '')} -c jit=off "
                               "-c plan_cache_mode=force_custom_plan").strip()
    options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def commit_keeping_loaded(session):
    """Commit the read's audit entry without expiring what the request already loaded.

    A plain commit expires every loaded object, and the template then reloads each row of a
    list with its own SELECT (an N+1 measured by ``tests/test_query_counts.py``). The rows were
    read in the transaction just committed, so rendering them as loaded is exact.
    """
    session = session()  # the request's Session behind the scoped proxy
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep
