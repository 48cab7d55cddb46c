"""The ``mosty`` command: a Flask CLI group with Mosty's own commands."""

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, run_command, with_appcontext
from sqlalchemy import select

from .extensions import db
from .tenancy import system_scope
from .tenancy.roles import check_runtime_role


def _create_cli_app():
    from .app import create_app

    # CLI commands run as whoever the environment says; serving is checked in `mosty run`.
    return create_app({"MOSTY_CHECK_DB_ROLE": False})


class _CheckedRun(click.Command):
    """``flask run``, after refusing an unsafe PostgreSQL role."""

    def invoke(self, ctx):
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            check_runtime_role(db.engine, allow_owner=app.config["MOSTY_DB_ALLOW_OWNER"])
        return super().invoke(ctx)


checked_run = _CheckedRun(
    name="run", params=run_command.params, callback=run_command.callback,
    help=run_command.help, short_help="Run the development server.",
)


@click.command("demo")
@click.option("--password", default=None, help="Password of every demo login.")
@with_appcontext
def demo_command(password):
    """Create or refresh the demo partnerships, institutions and logins."""
    from .demo import DEFAULT_PASSWORD, load_demo
    from .plugins import demo_loaders

    password = password or DEFAULT_PASSWORD
    logins = load_demo(password=password, extra_loaders=demo_loaders(current_app))
    click.echo(f"Demo data loaded. Logins (password: {password}):")
    for email, partnership, roles in logins:
        click.echo(f"  {email:32} {partnership:8} {roles}")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin_command(email, name, password):
    """Create a platform administrator, or make an existing user one."""
    from .auth.models import User
    from .auth.passwords import MIN_PASSWORD_LENGTH
    from .auth.service import normalise_email

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"at least {MIN_PASSWORD_LENGTH} characters", param_hint="password")
    email = normalise_email(email)
    with system_scope("creating a platform administrator from the command line"):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name)
            db.session.add(user)
        user.name = name
        user.is_platform_admin = True
        user.active = True
        user.set_password(password)
        db.session.commit()
    click.echo(f"Platform administrator {email} is ready.")


@click.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker_command(celery_args):
    """Run a Celery worker (extra arguments go to `celery worker`)."""
    current_app.extensions["celery"].worker_main(["worker", "--loglevel=INFO", *celery_args])


@click.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def beat_command(celery_args):
    """Run Celery beat, which starts the scheduled tasks."""
    current_app.extensions["celery"].start(["beat", "--loglevel=INFO", *celery_args])


def register_commands(app):
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(beat_command)


def _db_group():
    """Flask-Migrate's ``db`` group, but ``upgrade`` goes to every head by default.

    Each installed plugin brings its own Alembic branch, so there is more than one head.
    """
    from flask_migrate.cli import db as migrate_db
    from flask_migrate.cli import upgrade as migrate_upgrade

    group = click.Group("db", help=migrate_db.help, commands=dict(migrate_db.commands),
                        callback=migrate_db.callback, params=list(migrate_db.params))
    upgrade = click.Command(
        name="upgrade", callback=migrate_upgrade.callback, help=migrate_upgrade.help,
        params=[click.Argument(["revision"], default="heads") if p.name == "revision" else p
                for p in migrate_upgrade.params],
    )
    group.add_command(upgrade)
    return group


def main():
    cli = FlaskGroup(create_app=_create_cli_app, add_default_commands=False,
                     help="Mosty: run, migrate and administer the platform.")
    cli.add_command(_db_group())
    # Our own `db` group stands; Flask-Migrate's entry-point copy would replace it.
    cli._loaded_plugin_commands = True
    cli.add_command(checked_run)
    from flask.cli import routes_command, shell_command

    cli.add_command(shell_command)
    cli.add_command(routes_command)
    cli.main(prog_name="mosty")
