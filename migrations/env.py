"""Alembic environment: migrations run as the table owner, then the runtime role is granted."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine

from mosty.tenancy.roles import grant_runtime_role, runtime_role_name

config = context.config
if config.config_file_name and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = current_app.extensions["migrate"].db.metadata
owner_url = current_app.config["MOSTY_MIGRATION_DATABASE_URL"]
runtime_url = current_app.config["SQLALCHEMY_DATABASE_URI"]


def run_migrations_offline():
    context.configure(url=owner_url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=owner_url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_autogenerate(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    engine = create_engine(owner_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            process_revision_directives=skip_empty_autogenerate,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "postgresql":
            runtime_role = runtime_role_name(runtime_url)
            if runtime_role and runtime_role != runtime_role_name(owner_url):
                grant_runtime_role(connection, runtime_role)
                connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
