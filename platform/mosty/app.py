"""The application factory."""

import logging
from pathlib import Path

from flask import Flask

from . import errors, i18n, models, plugins, security, tasks, templating  # noqa: F401 - models registers the tables
from .config import load_config
from .db import configure_sqlite, tune_postgresql
from .extensions import csrf, db, limiter, login_manager, migrate
from .navigation import partnership_menu
from .plugins.access import mount_module_blueprints
from .tenancy.roles import check_runtime_role

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def create_app(config=None):
    """Build a Mosty app. ``config`` overrides what the environment says (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)

    plugins.init_app(app)
    tune_postgresql(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    plugins.migrations.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    _init_login(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app, menu_provider=partnership_menu)
    _register_blueprints(app)
    _register_cli(app)
    tasks.init_app(app)
    from . import exchange
    from .auth import tasks as _auth_tasks  # noqa: F401 - registers the account tasks

    exchange.init_app(app)

    with app.app_context():
        configure_sqlite(db.engine)
        if app.config.get("MOSTY_CHECK_DB_ROLE", True):
            _check_database_role(app)
    return app


def _init_login(app):
    from .auth.loader import load_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "info"
    # A form sent after the sign-in ended comes back with what was typed (errors.py).
    login_manager.unauthorized_handler(errors.unauthorized)
    # Sessions are bound to a sign-in kept on the server and to the user's session_version
    # instead (auth/sign_ins.py, User.get_id).
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _register_blueprints(app):
    from .admin import init_admin
    from .auth.blueprint import bp as auth_bp
    from .partnerships.blueprint import bp as partnerships_bp
    from .partnerships.wall import init_request_wall

    init_request_wall(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(partnerships_bp)
    from .reports.blueprint import bp as reports_bp

    app.register_blueprint(reports_bp, url_prefix="/<partnership:partnership>/reports")
    for blueprint in _case_registry_blueprints():
        app.register_blueprint(blueprint, url_prefix=f"/<partnership:partnership>/{blueprint.name}")
    from .jobs.blueprint import bp as jobs_bp

    app.register_blueprint(jobs_bp, url_prefix="/<partnership:partnership>/jobs")
    from .imports.blueprint import bp as imports_bp

    app.register_blueprint(imports_bp, url_prefix="/<partnership:partnership>/imports")
    mount_module_blueprints(app)
    init_admin(app)


def _case_registry_blueprints():
    from .audit.blueprint import bp as audit_bp
    from .consents.blueprint import bp as consents_bp
    from .enrollment.blueprint import bp as enrollment_bp
    from .exchange.blueprint import bp as exchange_bp
    from .families.blueprint import bp as families_bp
    from .instruments.blueprint import bp as instruments_bp
    from .notes.blueprint import bp as notes_bp
    from .outcomes.blueprint import bp as outcomes_bp
    from .participants.blueprint import bp as participants_bp
    from .privacy.blueprint import bp as privacy_bp
    from .referrals.blueprint import bp as referrals_bp
    from .services.blueprint import bp as services_bp

    return (participants_bp, families_bp, consents_bp, referrals_bp, services_bp, enrollment_bp,
            outcomes_bp, audit_bp, exchange_bp, instruments_bp, privacy_bp, notes_bp)


def _register_cli(app):
    from .cli import register_commands

    register_commands(app)


def _check_database_role(app):
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    reasons = check_runtime_role(engine, allow_owner=app.config["MOSTY_DB_ALLOW_OWNER"])
    if reasons:
        log.warning("Development database setup, RLS not enforced for this role: %s",
                    "; ".join(reasons))
