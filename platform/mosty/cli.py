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


def _partnerships(slug, reason):
    """(id, slug) of every partnership, or of the one named; an unknown slug is an error."""
    from .partnerships.models import Partnership

    with system_scope(reason):
        query = select(Partnership.id, Partnership.slug).order_by(Partnership.slug)
        if slug is not None:
            query = query.where(Partnership.slug == slug)
        rows = db.session.execute(query).all()
        db.session.commit()
    if slug is not None and not rows:
        raise click.BadParameter(f"no partnership {slug!r}", param_hint="--partnership")
    return rows


@click.group("privacy")
def privacy_group():
    """Data protection: retention and anonymisation."""


@privacy_group.command("anonymise-due")
@click.option("--partnership", "slug", default=None, help="Only this partnership (its slug).")
@click.option("--dry-run", is_flag=True, help="Only count who is due; change nothing.")
@with_appcontext
def anonymise_due_command(slug, dry_run):
    """Anonymise now the people past their retention date (what the nightly run does)."""
    from sqlalchemy import func

    from .privacy.retention import SYSTEM_ACTOR, due_for_anonymisation
    from .privacy.tasks import anonymise_due_people
    from .tenancy import partnership_scope

    total = 0
    for partnership_id, partnership_slug in _partnerships(
            slug, "privacy CLI: the partnerships to anonymise people of"):
        if dry_run:
            with partnership_scope(partnership_id):
                count = db.session.scalar(select(func.count()).select_from(
                    due_for_anonymisation().subquery()))
                db.session.rollback()
            click.echo(f"{partnership_slug}: {count} due for anonymisation")
        else:
            # In this process, like the nightly task but without its once-a-day key: the run
            # skips people already anonymised, so repeating it changes nothing.
            result = anonymise_due_people.apply(args=(partnership_id, SYSTEM_ACTOR)).get()
            count = len(result["anonymised"])
            click.echo(f"{partnership_slug}: {count} anonymised")
        total += count
    click.echo(f"Total: {total} {'due (dry run, nothing changed)' if dry_run else 'anonymised'}")


@click.group("reports")
def reports_group():
    """Partnership reports."""


def _month(ctx, param, value):
    from datetime import date

    from .reports.periods import month_of, previous_month

    if value is None:
        return previous_month()
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        period = month_of(date(int(year), int(month), 1))
    except ValueError:
        raise click.BadParameter("use YYYY-MM, e.g. 2026-10") from None
    if period.start > previous_month().start:
        # A report of a month still running would stand in for the real one (one per month).
        raise click.BadParameter(f"{value} has not ended yet")
    return period


@reports_group.command("monthly")
@click.option("--month", callback=_month, default=None, metavar="YYYY-MM",
              help="A month that has ended (default: last month).")
@click.option("--partnership", "slug", default=None, help="Only this partnership (its slug).")
@with_appcontext
def monthly_report_command(month, slug):
    """Store (and mail, if SMTP is set) the monthly report now, as the scheduled run does.

    Idempotent: a month already stored is not stored again, a report already mailed is not
    mailed again."""
    from .reports import service
    from .reports.tasks import SCHEDULER_ACTOR_ID, mail_monthly_report, make_monthly_report
    from .tenancy import partnership_scope

    failed = False
    for partnership_id, partnership_slug in _partnerships(
            slug, "reports CLI: the partnerships to make the monthly report of"):
        start = month.start.isoformat()
        # The scheduled run's key: whichever of the two runs first, the other stores nothing.
        made = make_monthly_report.apply(
            args=(partnership_id, SCHEDULER_ACTOR_ID, start),
            kwargs={"idempotency_key": f"mosty.reports.monthly:{partnership_id}:{month.key}"},
        ).get()
        stored = "stored" if made.get("created") else "already stored"
        try:
            # No key here: mailing checks the report's own mailed_at, so a run after SMTP is
            # set mails a report that an earlier run only stored.
            mailed = mail_monthly_report.apply(
                args=(partnership_id, SCHEDULER_ACTOR_ID, start)).get()["mailed"]
        except Exception as error:  # noqa: BLE001 - report it and go on to the next one
            failed = True
            click.echo(f"{partnership_slug} {month.key}: {stored}; mailing failed: {error}",
                       err=True)
            continue
        if mailed:
            mail = f"mailed to {mailed} recipient(s)"
        else:
            with partnership_scope(partnership_id):
                report = service.stored_report_for(month)
                mail = ("already mailed" if report.mailed_at is not None
                        else {"no_smtp": "not mailed: MOSTY_SMTP_URL is not set",
                              "no_recipients": "not mailed: no active recipients"}.get(
                                  report.mail_note, "not mailed"))
                db.session.rollback()
        click.echo(f"{partnership_slug} {month.key}: {stored}; {mail}")
    if failed:
        raise SystemExit(1)


def register_commands(app):
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(beat_command)
    app.cli.add_command(privacy_group)
    app.cli.add_command(reports_group)


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
