"""Paginated, sortable lists: every list page of the registry uses ``paginate``."""

from flask import abort, current_app, request


def requested_page():
    """The ``page`` query argument, validated (bad input gets 404, never a 500)."""
    raw = request.args.get("page", "1")
    # isascii: "²" is a digit to str.isdigit, but int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1 or int(raw) > 100_000:
        abort(404)
    return int(raw)


def sort_order(columns, default):
    """``?sort=name`` or ``?sort=-name`` mapped through ``columns`` ({key: column}); unknown
    keys fall back to the default, so a hand-edited URL never fails."""
    key = request.args.get("sort", default)
    descending, key = key.startswith("-"), key.lstrip("-")
    column = columns.get(key)
    if column is None:
        key, descending = default.lstrip("-"), default.startswith("-")
        column = columns[key]
    return (column.desc() if descending else column.asc()), ("-" if descending else "") + key


def paginate(query, per_page=None):
    from .extensions import db

    return db.paginate(query, page=requested_page(),
                       per_page=per_page or current_app.config["MOSTY_PAGE_SIZE"],
                       error_out=False, count=True)


def paginate_audited(query, object_type, **detail):
    """A page of personal records, with the one audit entry the read of that page needs."""
    from . import audit
    from .db import commit_keeping_loaded
    from .extensions import db

    page = paginate(query)
    audit.record("read", object_type=object_type,
                 detail={"ids": [row.id for row in page.items], "page": page.page, **detail})
    commit_keeping_loaded(db.session)
    return page
