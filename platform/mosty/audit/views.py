"""The audit log viewer: partnership administrators only; reading it is audited too."""

from flask import abort, g, render_template, request

from ..extensions import db
from ..pagination import paginate, sort_order
from . import service
from .forms import AuditFilterForm
from .labels import action_label, detail_key_label, detail_text, object_type_label
from .models import AuditEntry

SORTS = {"at": AuditEntry.at}


def _require_partnership_admin():
    membership = g.get("membership")
    if membership is None or not membership.has_role("partnership_admin"):
        abort(404)


def index():
    _require_partnership_admin()
    form = AuditFilterForm(formdata=request.args, actors=service.partnership_actors(),
                           institutions=service.partnership_institutions(),
                           object_types=service.logged_object_types())
    form.validate()
    # A filter with a bad value is reported next to its field; the others still apply.
    filters = service.AuditFilters(
        actor_id=form.valid_value("actor", int),
        institution_id=form.valid_value("institution", int),
        action=form.valid_value("action"),
        object_type=form.valid_value("object_type"),
        date_from=form.valid_value("date_from", lambda d: d),
        date_to=form.valid_value("date_to", lambda d: d),
    )
    order, sort = sort_order(SORTS, "-at")
    page = paginate(service.entries_query(filters, order, newest_first=sort.startswith("-")))
    rows = service.describe(page.items)
    service.record_reading(rows, filters, page.page)
    db.session.commit()
    # Links keep the filters; only the page or the sort changes.
    args = {k: v for k, v in request.args.items() if k in form._fields and v}
    return render_template("audit/index.html", form=form, page=page, rows=rows, sort=sort,
                           args=args, action_label=action_label,
                           object_type_label=object_type_label,
                           detail_key_label=detail_key_label, detail_text=detail_text)
