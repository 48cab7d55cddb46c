"""Moments and dates as partner systems read them.

A moment (a ``datetime``) always carries its UTC offset, ``2026-11-23T09:12:00+00:00``:
PostgreSQL hands ``DateTime(timezone=True)`` columns back aware, SQLite naive, and a naive
string would be read as local time by a partner system in Poland (an hour or two off). A date
(``due_on``) has no time of day and stays plain ``YYYY-MM-DD``.
"""

from datetime import UTC, datetime

from ..db import as_utc


def iso_moment(value):
    """ISO 8601 for the API, webhooks and the outbox: ``None`` stays ``None``, a date stays
    ``YYYY-MM-DD``, a moment is given in UTC with its ``+00:00`` offset."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value).astimezone(UTC).isoformat()
    return value.isoformat()
