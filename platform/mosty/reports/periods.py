"""Report periods: a first and last day (inclusive), from presets or chosen dates."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import has_app_context
from flask_babel import format_date

from .. import dates

PRESETS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @property
    def key(self):
        """``2026-10`` for a calendar month, else ``2026-10-01_2026-12-31``."""
        if self == month_of(self.start):
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def __str__(self):
        """The period as people read it, in the reader's date format ("1 gru 2026 – 31 gru
        2026"); ISO dates outside the app (names and keys use ``key``)."""
        if not has_app_context():
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        return f"{format_date(self.start)} – {format_date(self.end)}"


def month_of(day):
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return Period(start, following - timedelta(days=1))


def previous_month(today=None):
    today = today or dates.today()
    return month_of(today.replace(day=1) - timedelta(days=1))


def quarter_of(day):
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    return Period(start, month_of(date(day.year, first_month + 2, 1)).end)


def year_of(day):
    return Period(date(day.year, 1, 1), date(day.year, 12, 31))


def preset(name, today=None):
    """The last complete month, quarter or year before ``today``."""
    today = today or dates.today()
    if name == "month":
        return previous_month(today)
    if name == "quarter":
        return quarter_of(quarter_of(today).start - timedelta(days=1))
    if name == "year":
        return year_of(date(today.year - 1, 1, 1))
    raise ValueError(f"unknown period preset {name!r}")
