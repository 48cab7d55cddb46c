"""Writing many new rows of one model at once, for the commit of a large import.

ORM objects flushed by the thousand spend most of their time in SQLAlchemy's unit of work
and, on PostgreSQL, in psycopg parsing the placeholders of each multi-row ``INSERT ...
RETURNING`` (one per column and row). Here a chunk of rows is one statement on PostgreSQL,
``INSERT ... SELECT ... FROM json_populate_recordset(<the rows as one JSON array>)``: one
parameter whatever the number of rows (JSON is encoded in C; arrays of values per column
would be dumped value by value in Python). Elsewhere (SQLite) the rows go through an
ORM-enabled ``executemany``.

On PostgreSQL the ids of new rows can be reserved from the table's sequence beforehand
(``reserve_ids``), so that nothing waits for an INSERT's result, and the INSERTs of a block
can be sent without waiting for each (``pipelined``): the database writes one chunk while
Python prepares the next (COPY, faster still, is refused on tables with row-level security).

Either way every row must name the current partnership, as the partnership wall
(``tenancy.orm``) requires of bulk writes; PostgreSQL's row-level security checks it again.
"""

import json
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import insert, text

from ..extensions import db
from ..tenancy import TenancyViolation, current_partnership_id


class ReservedIds:
    """Ids taken from a table's sequence for rows not written yet, handed out in order."""

    def __init__(self, ids):
        self._ids, self._next = ids, 0

    def take(self, count):
        ids = self._ids[self._next:self._next + count]
        if len(ids) != count:
            raise ValueError(f"{count} ids asked for, {len(ids)} left")
        self._next += count
        return ids


def reserve_ids(model, count):
    """``ReservedIds`` for ``count`` new ``model`` rows (one statement), or None where the
    database has no sequence to take them from (SQLite: ``insert_new`` reads them back)."""
    if not _postgresql() or count == 0:
        return None
    ids = db.session.scalars(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
             "FROM generate_series(1, :count)"),
        {"table": model.__table__.name, "count": count}).all()
    return ReservedIds(sorted(ids))


@contextmanager
def pipelined():
    """On PostgreSQL, the block's statements are sent without waiting for each result
    (psycopg's pipeline mode); leaving the block waits for all of them and raises the first
    error, which fails the job's transaction as any error would. Only writes whose result
    nobody reads belong inside: ``insert_all`` and ``insert_new`` with reserved ids."""
    # Pending ORM changes go first, and none inside (on every database, so the block means
    # the same everywhere): an ORM UPDATE checks the rows it matched, which a pipelined
    # statement cannot tell until the block ends.
    db.session.flush()
    with db.session.no_autoflush:
        if not _postgresql():
            yield
            return
        with db.session.connection().connection.driver_connection.pipeline():
            yield


def insert_new(model, rows, reserved=None):
    """Insert ``rows`` (dicts of column values, ``partnership_id`` included) as new
    ``model`` records in the current transaction; their ids, in the order of ``rows``.
    With ``reserved`` (``reserve_ids``) the rows take their ids from it and the INSERT
    returns nothing, so it can be pipelined."""
    if not rows:
        return []
    _check_partnership(rows)
    if reserved is not None:
        ids = reserved.take(len(rows))
        insert_all(model, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
        return ids
    if not _postgresql():
        # SQLite cannot return ids in the order of the rows: one INSERT per row there.
        return list(db.session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows))
    # The rows are read in their order (ORDER BY ordinality), so the sequence gives them
    # rising ids in that order: sorted, the returned ids follow the rows. SQLAlchemy's own
    # ordered multi-row INSERT on PostgreSQL relies on the same.
    return sorted(db.session.scalars(*_from_json(model.__table__, rows, returning="id")))


def insert_all(model, rows):
    """Insert ``rows`` whose ids nobody needs back."""
    if not rows:
        return
    _check_partnership(rows)
    if _postgresql():
        db.session.execute(*_from_json(model.__table__, rows))
    else:
        db.session.execute(insert(model), rows)


def _postgresql():
    return db.session.get_bind().dialect.name == "postgresql"


def _check_partnership(rows):
    partnership_id = current_partnership_id()
    if partnership_id is None or any(row.get("partnership_id") != partnership_id
                                     for row in rows):
        raise TenancyViolation("bulk rows must name the current partnership")


def _from_json(table, rows, returning=None):
    """``INSERT ... SELECT`` of ``rows`` sent as one JSON array (PostgreSQL reads it with the
    table's own column types), and its parameters. The columns' Python-side defaults
    (timestamps, empty texts) are filled in first, as an ORM insert would."""
    # Evaluated once for the chunk (its rows share their timestamps, to the microsecond).
    defaults = {column.name: _json_ready(_default_value(column.default))
                for column in table.columns
                if column.name not in rows[0] and column.default is not None
                and not column.primary_key}
    if defaults:
        rows = [{**row, **defaults} for row in rows]
    quote = db.session.get_bind().dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in rows[0])
    sql = (f"INSERT INTO {quote(table.name)} ({names}) SELECT {names} "
           f"FROM json_populate_recordset(NULL::{quote(table.name)}, CAST(:rows AS json)) "
           f"WITH ORDINALITY AS source")
    if returning:
        sql += f" ORDER BY source.ordinality RETURNING {quote(returning)}"
    return text(sql), {"rows": json.dumps(rows, default=_json_value)}


def _default_value(default):
    return default.arg(None) if default.is_callable else default.arg


def _json_ready(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _json_value(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be imported in bulk")
