"""Row ids in URLs: a number a database integer column can hold, or no match at all."""

from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column. A bigger number is nobody's row, and the database
# would refuse the comparison (PostgreSQL: integer out of range; SQLite: overflow) instead of
# finding nothing.
MAX_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """The app's ``<int:...>``: an id beyond ``MAX_ID`` does not match the route, so it is a
    404 before any view or query runs, on every blueprint, core or plugin."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def row_id(value):
    """A query-string or form value as a row id, for ``request.args.get(name, type=row_id)``:
    anything that cannot name a row (not ASCII digits, such as "-1" or "²"; 0; beyond
    ``MAX_ID``) raises ValueError, so ``get`` answers None, as for a missing value."""
    if not (isinstance(value, str) and value.isascii() and value.isdigit()):
        raise ValueError("not a row id")
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError("not a row id")
    return number
