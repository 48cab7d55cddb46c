"""Configuration from MOSTY_* variables: the embedded default and the production checks."""

import os
import stat

import pytest

from mosty.config import ConfigError, load_config, normalise_database_url

PG_URL = "postgresql://mosty_app:secret@db.example:5432/mosty"
PG_PSYCOPG_URL = "postgresql+psycopg://mosty_app:secret@db.example:5432/mosty"


@pytest.fixture(autouse=True)
def no_mosty_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("MOSTY_"):
            monkeypatch.delenv(name)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("MOSTY_ENV", "production")
    return monkeypatch


def test_default_database_is_a_sqlite_file_in_the_instance_folder(tmp_path):
    config = load_config(tmp_path)
    assert config["MOSTY_ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'mosty.sqlite'}"
    assert config["MOSTY_MIGRATION_DATABASE_URL"] == config["SQLALCHEMY_DATABASE_URI"]


def test_default_runs_tasks_in_process_and_counts_limits_in_memory(tmp_path):
    config = load_config(tmp_path)
    assert config["MOSTY_REDIS_URL"] is None
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["MOSTY_TASKS_EAGER"] is True
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["BABEL_DEFAULT_LOCALE"] == "pl"


def test_default_secret_key_is_generated_once_and_kept_in_the_instance_folder(tmp_path):
    first = load_config(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 32
    assert load_config(tmp_path)["SECRET_KEY"] == first


def test_secret_key_file_is_readable_by_the_owner_only(tmp_path):
    previous = os.umask(0)
    try:
        load_config(tmp_path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_each_instance_folder_gets_its_own_secret_key(tmp_path):
    assert (load_config(tmp_path / "one")["SECRET_KEY"]
            != load_config(tmp_path / "two")["SECRET_KEY"])


def test_explicit_secret_key_wins_and_no_key_file_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_SECRET_KEY", "from-the-environment")
    assert load_config(tmp_path)["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_empty_variable_counts_as_unset(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_DATABASE_URL", "")
    monkeypatch.setenv("MOSTY_SECRET_KEY", "")
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()


def test_production_without_secret_key_names_the_variable(tmp_path, production):
    production.setenv("MOSTY_DATABASE_URL", PG_URL)
    with pytest.raises(ConfigError, match="MOSTY_SECRET_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_an_empty_secret_key_is_refused(tmp_path, production):
    production.setenv("MOSTY_DATABASE_URL", PG_URL)
    production.setenv("MOSTY_SECRET_KEY", "")
    with pytest.raises(ConfigError, match="MOSTY_SECRET_KEY"):
        load_config(tmp_path)


@pytest.mark.parametrize("url", [None, "sqlite:////srv/mosty/mosty.sqlite", "sqlite://"])
def test_production_on_sqlite_is_refused(tmp_path, production, url):
    production.setenv("MOSTY_SECRET_KEY", "a-real-secret")
    if url:
        production.setenv("MOSTY_DATABASE_URL", url)
    with pytest.raises(ConfigError, match="MOSTY_DATABASE_URL"):
        load_config(tmp_path)


def test_production_with_secret_and_postgresql_works_with_secure_cookies(tmp_path, production):
    production.setenv("MOSTY_SECRET_KEY", "a-real-secret")
    production.setenv("MOSTY_DATABASE_URL", PG_URL)
    config = load_config(tmp_path)
    assert config["MOSTY_ENV"] == "production"
    assert config["SECRET_KEY"] == "a-real-secret"
    assert config["SQLALCHEMY_DATABASE_URI"] == PG_PSYCOPG_URL
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["MOSTY_DB_ALLOW_OWNER"] is False
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_the_short_postgres_scheme(tmp_path, production):
    production.setenv("MOSTY_SECRET_KEY", "a-real-secret")
    production.setenv("MOSTY_DATABASE_URL", "postgres://mosty_app:secret@db.example:5432/mosty")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == PG_PSYCOPG_URL


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql+psycopg://u:p@h/d", "postgresql+psycopg://u:p@h/d"),
    ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
])
def test_database_urls_are_normalised_to_psycopg(url, expected):
    assert normalise_database_url(url) == expected


def test_database_and_migration_urls_from_the_environment_are_normalised(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_DATABASE_URL", "postgres://app@h/d")
    monkeypatch.setenv("MOSTY_MIGRATION_DATABASE_URL", "postgres://owner@h/d")
    config = load_config(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@h/d"
    assert config["MOSTY_MIGRATION_DATABASE_URL"] == "postgresql+psycopg://owner@h/d"


def test_migration_url_defaults_to_the_database_url(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_DATABASE_URL", PG_URL)
    assert load_config(tmp_path)["MOSTY_MIGRATION_DATABASE_URL"] == PG_PSYCOPG_URL


def test_redis_url_moves_rate_limits_to_redis_and_tasks_to_the_broker(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_REDIS_URL", "redis://cache.example:6379/0")
    config = load_config(tmp_path)
    assert config["MOSTY_REDIS_URL"] == "redis://cache.example:6379/0"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"
    assert config["MOSTY_TASKS_EAGER"] is False


def test_tasks_can_be_forced_in_process_with_a_broker_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("MOSTY_TASKS_EAGER", "true")
    assert load_config(tmp_path)["MOSTY_TASKS_EAGER"] is True


def test_login_limit_and_session_length_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MOSTY_LOGIN_LIMIT", "3 per minute")
    monkeypatch.setenv("MOSTY_SESSION_HOURS", "2")
    config = load_config(tmp_path)
    assert config["MOSTY_LOGIN_LIMIT"] == "3 per minute"
    assert config["PERMANENT_SESSION_LIFETIME"] == 2 * 3600


def test_a_sign_in_lasts_twelve_hours_unless_set(tmp_path, monkeypatch):
    assert load_config(tmp_path)["MOSTY_SIGN_IN_MAX_HOURS"] == 12
    monkeypatch.setenv("MOSTY_SIGN_IN_MAX_HOURS", "24")
    assert load_config(tmp_path)["MOSTY_SIGN_IN_MAX_HOURS"] == 24


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "²"])
def test_a_sign_in_length_that_would_sign_everyone_out_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("MOSTY_SIGN_IN_MAX_HOURS", value)
    with pytest.raises(ConfigError, match="MOSTY_SIGN_IN_MAX_HOURS"):
        load_config(tmp_path)
