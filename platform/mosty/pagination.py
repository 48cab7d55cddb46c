"""Paginated, sortable lists: every list page of the registry uses ``paginate``."""

from flask import abort, current_app, redirect, request, url_for
from flask_babel import format_number
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import lazyload


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


class CappedPagination(SelectPagination):
    """A page whose total is counted only up to a cap ("1–25 of more than 1000").

    Counting every visible record of a large partnership means evaluating the access rule for
    all of them, on each page view: 60-300 ms at benchmark volume (bench/RESULTS.md), while
    nobody pages through thousands of records (they search). The count stops at the cap or just
    past the current page, whichever is further, so "Next" is always right.
    """

    def __init__(self, *, cap, **kwargs):
        self.cap = cap
        self.capped = False
        super().__init__(**kwargs)

    def _query_count(self):
        limit = max(self.cap, self.page * self.per_page) + 1
        select = self._query_args["select"]
        sub = select.options(lazyload("*")).order_by(None).limit(limit).subquery()
        found = self._query_args["session"].execute(
            sa_select(func.count()).select_from(sub)).scalar()
        self.capped = found == limit
        self.counted_to = limit - 1
        return found

    @property
    def total_shown(self):
        """The total as the pager writes it: a number, or "more than N" past the cap."""
        from .i18n import gettext

        if self.capped:
            return gettext("more than %(count)s", count=format_number(self.counted_to))
        return format_number(self.total or 0)


def paginate(query, per_page=None):
    from .extensions import db

    page = CappedPagination(
        select=query, session=db.session(), page=requested_page(),
        per_page=per_page or current_app.config["MOSTY_PAGE_SIZE"], error_out=False,
        cap=current_app.config["MOSTY_COUNT_CAP"])
    if not page.items and page.page > 1:
        _go_to_last_page(page)
    return page


def _go_to_last_page(page):
    """A page past the end (a bookmark or link from before records were removed, a hand-edited
    URL) goes to the list's last page, with the same search and sort, instead of an empty list
    saying "0–0 of 101". The total is exact here: the count ran past this page."""
    last = max(1, -(-(page.total or 0) // page.per_page))
    arguments = {**request.view_args, **request.args.to_dict(flat=False), "page": last}
    abort(redirect(url_for(request.endpoint, **arguments)))


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
