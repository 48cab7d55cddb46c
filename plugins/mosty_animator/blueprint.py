"""The module's one blueprint, named after its key."""

from flask import Blueprint, abort

KEY = "animator"

bp = Blueprint(KEY, __name__, template_folder="templates")

# The largest id a database integer holds.
MAX_ID = 2**31 - 1


@bp.url_value_preprocessor
def _ids_that_can_name_a_row(endpoint, values):
    """A number in the URL beyond a database integer is nobody's row: 404 before any query
    (PostgreSQL would refuse the comparison with an error instead of finding nothing)."""
    if any(isinstance(value, int) and not 0 <= value <= MAX_ID
           for value in (values or {}).values()):
        abort(404)
