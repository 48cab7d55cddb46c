"""Date arithmetic in SQL that SQLite and PostgreSQL spell differently."""

from sqlalchemy import Date, Integer, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class months_after(FunctionElement):  # noqa: N801 - used like an SQL function
    """``day + n months`` as a date (SQL)."""

    type = Date()
    inherit_cache = True

    def __init__(self, day, months):
        # The count is a literal column, so it is part of the statement's cache key.
        super().__init__(day, literal_column(str(int(months))))


@compiles(months_after, "sqlite")
def _months_after_sqlite(element, compiler, **kw):
    day, months = element.clauses
    return f"date({compiler.process(day, **kw)}, '+{months.name} months')"


@compiles(months_after, "postgresql")
def _months_after_postgresql(element, compiler, **kw):
    day, months = element.clauses
    return f"CAST(({compiler.process(day, **kw)} + interval '{months.name} months') AS DATE)"


class whole_years(FunctionElement):  # noqa: N801 - used like an SQL function
    """Whole years from ``start`` to ``end`` (an age on a given day), SQL."""

    type = Integer()
    inherit_cache = True


@compiles(whole_years, "sqlite")
def _whole_years_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return (f"((CAST(strftime('%Y', {end}) AS INTEGER) - CAST(strftime('%Y', {start}) AS INTEGER))"
            f" - (strftime('%m-%d', {end}) < strftime('%m-%d', {start})))")


@compiles(whole_years, "postgresql")
def _whole_years_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(date_part('year', age({end}, {start})) AS INTEGER)"
