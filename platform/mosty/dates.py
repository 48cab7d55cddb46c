"""The date "today" as the platform's users count it: the Polish calendar date.

The servers run in UTC and the users are in Poland. ``date.today()`` is the server's date,
which is still yesterday for the first hour (winter) or two (summer) of each Polish day: today's
date would then be refused as "in the future", an export named after yesterday, and a due date,
a retention period or a consent check one day off. Every calendar "today" of the platform and
its modules comes from ``today()`` here (plugins: ``mosty.toolkit.today``). Moments (created,
sent, answered at) stay aware UTC datetimes (``mosty.db.utcnow``); only the day is local
(``day_of`` gives a moment's Polish date, to count days against ``today()``).

The zone is the app's ``BABEL_DEFAULT_TIMEZONE`` (the one dates are shown in). Requests, Celery
tasks and CLI commands all run inside an app context; outside one (a script importing a model)
the day is Poland's all the same.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .db import as_utc

DEFAULT_TIMEZONE = "Europe/Warsaw"


def _utc_now():
    """The current moment (one place, so that a test can pin the clock)."""
    return datetime.now(UTC)


def timezone():
    """The platform's time zone: the app's ``BABEL_DEFAULT_TIMEZONE``, else Poland's."""
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    return ZoneInfo(name)


def today():
    """The current date in the platform's time zone (not the server's)."""
    return _utc_now().astimezone(timezone()).date()


def local(moment):
    """A stored moment in the platform's time zone (a naive one, as SQLite hands them back,
    is UTC): what a person in Poland reads on the clock."""
    return as_utc(moment).astimezone(timezone())


def day_of(moment):
    """The date of a stored moment in the platform's time zone: a referral sent at 23:30 UTC
    was sent the next day in Poland."""
    return local(moment).date()
