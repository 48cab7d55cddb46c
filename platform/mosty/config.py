"""Configuration read from ``MOSTY_*`` environment variables, with an embedded default.

With nothing set, Mosty runs on a SQLite file in the instance folder, executes tasks in
process and keeps rate-limit counters in memory. ``MOSTY_ENV=production`` turns the checks on
that a real deployment needs (an explicit secret key and a server database).
"""

import os
import secrets
from pathlib import Path

ENV_PREFIX = "MOSTY_"


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def _env(name, default=None):
    value = os.environ.get(ENV_PREFIX + name)
    return default if value in (None, "") else value


def _env_flag(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_secret_key(instance_path):
    """A key generated once and kept in the instance folder, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Created readable by the owner only, and only once: of two processes starting
        # together, the second finds the file and uses the first one's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(instance_path):
    """Build the Flask config dict from the environment."""
    env = _env("ENV", "development")
    database_url = normalise_database_url(
        _env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'mosty.sqlite'}"
    )
    redis_url = _env("REDIS_URL")
    secret_key = _env("SECRET_KEY")
    production = env == "production"

    if production:
        if not secret_key:
            raise ConfigError("MOSTY_SECRET_KEY must be set when MOSTY_ENV=production.")
        if not database_url.startswith("postgresql"):
            raise ConfigError(
                "MOSTY_DATABASE_URL must point to PostgreSQL when MOSTY_ENV=production."
            )

    config = {
        "MOSTY_ENV": env,
        "SECRET_KEY": secret_key or _instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The table owner, used only by `mosty db upgrade`; the app itself runs as a role that
        # neither owns the tables nor bypasses row-level security.
        "MOSTY_MIGRATION_DATABASE_URL": normalise_database_url(
            _env("MIGRATION_DATABASE_URL", database_url)
        ),
        "MOSTY_DB_ALLOW_OWNER": _env_flag("DB_ALLOW_OWNER", default=not production),
        "MOSTY_REDIS_URL": redis_url,
        "MOSTY_BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _env_flag("RATELIMIT_ENABLED", default=True),
        "MOSTY_LOGIN_LIMIT": _env("LOGIN_LIMIT", "10 per 15 minutes"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": int(_env("SESSION_HOURS", "8")) * 3600,
        # A sign-in ends this long after it began, even while in use (auth/sign_ins.py).
        "MOSTY_SIGN_IN_MAX_HOURS": _sign_in_max_hours(),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": _env("DEFAULT_LOCALE", "pl"),
        "BABEL_DEFAULT_TIMEZONE": "Europe/Warsaw",
        "MOSTY_LOCALES": ["pl", "en"],
        "MOSTY_PAGE_SIZE": int(_env("PAGE_SIZE", "25")),
        # Lists count their records up to this many ("1–25 of more than 1000"), see pagination.
        "MOSTY_COUNT_CAP": int(_env("COUNT_CAP", "1000")),
        "MOSTY_DORMANT_DAYS": int(_env("DORMANT_DAYS", "180")),
        # Years a programme path's records are kept after it ends (then anonymised).
        "MOSTY_RETENTION_YEARS": int(_env("RETENTION_YEARS", "5")),
        # Reports that leave the partnership hide cells of fewer people than this (never < 3).
        "MOSTY_REPORT_MIN_CELL": _report_min_cell(),
        # smtp://user:password@host:port (STARTTLS with ?starttls=1) or smtps://...; unset:
        # scheduled reports are stored but not mailed.
        "MOSTY_SMTP_URL": _env("SMTP_URL"),
        "MOSTY_MAIL_FROM": _env("MAIL_FROM", "mosty@localhost"),
        # Webhook deliveries: first retry after this many seconds, doubling up to 10 minutes;
        # each request waits at most MOSTY_WEBHOOK_TIMEOUT seconds for the partner system.
        "MOSTY_WEBHOOK_RETRY_SECONDS": float(_env("WEBHOOK_RETRY_SECONDS", "30")),
        "MOSTY_WEBHOOK_TIMEOUT": float(_env("WEBHOOK_TIMEOUT", "10")),
        # Webhooks to loopback/private addresses: allowed for development, off in production.
        "MOSTY_WEBHOOK_ALLOW_PRIVATE": _env_flag("WEBHOOK_ALLOW_PRIVATE", default=not production),
        # Uploads for import: at most this many bytes and data rows per file.
        "MOSTY_IMPORT_MAX_BYTES": int(_env("IMPORT_MAX_BYTES", str(10 * 1024 * 1024))),
        "MOSTY_IMPORT_MAX_ROWS": int(_env("IMPORT_MAX_ROWS", "20000")),
        # Tasks run in process unless a broker is configured.
        "MOSTY_TASKS_EAGER": _env_flag("TASKS_EAGER", default=redis_url is None),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    return config


def _sign_in_max_hours():
    value = _env("SIGN_IN_MAX_HOURS", "12")
    if not value.isdecimal() or int(value) < 1:
        # Zero or less would sign everyone out at once, on every request.
        raise ConfigError(f"MOSTY_SIGN_IN_MAX_HOURS must be a whole number of hours, at least "
                         f"1; got {value!r}")
    return int(value)


def _report_min_cell():
    from .reports.suppression import check_threshold

    return check_threshold(_env("REPORT_MIN_CELL", "5"))


def normalise_database_url(url):
    """Prefer the psycopg 3 driver for PostgreSQL URLs written the short way."""
    for short in ("postgres://", "postgresql://"):
        if url.startswith(short):
            return "postgresql+psycopg://" + url[len(short):]
    return url
