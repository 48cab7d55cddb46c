"""Mosty's PostgreSQL connections plan each query for its own values and never JIT-compile
(mosty.db.tune_postgresql; why: docs/benchmarks.md). SQLite is left alone."""

from sqlalchemy import text

from mosty.db import tune_postgresql
from mosty.extensions import db


def test_the_app_connections_use_custom_plans_and_no_jit(pg_app):
    with pg_app.app_context(), db.engine.connect() as conn:
        assert conn.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
        assert conn.scalar(text("SHOW jit")) == "off"


def test_options_given_by_the_operator_are_kept():
    config = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://mosty@db/mosty",
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                            "connect_args": {"options": "-c work_mem=64MB"}}}
    tune_postgresql(config)
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert options["connect_args"]["options"] == (
        "-c work_mem=64MB -c jit=off -c plan_cache_mode=force_custom_plan")


def test_sqlite_is_left_alone():
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite:///mosty.sqlite",
              "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    tune_postgresql(config)
    assert config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}
