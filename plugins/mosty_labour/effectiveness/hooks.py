"""What the effectiveness part adds: a menu entry and a section of the partnership report."""

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from . import service


def menu_items(partnership, membership):
    return toolkit.MenuItem(module=KEY, label=_l("Employment effectiveness"),
                            endpoint=f"{KEY}.effectiveness", order=140)


def report_sections(partnership, period_start, period_end):
    # Counts as they are: the partnership report stays inside the partnership; reports that
    # leave it suppress small cells in the reports package.
    rows = service.table("instrument", period_start, period_end)
    every = rows + [service.total(rows)]
    return toolkit.ReportSection(
        module=KEY, title=_l("Employment after activation instruments"), order=150,
        columns=(_l("Instrument"), _l("People who completed"), _l("Employed within 3 months"),
                 _l("Employed within 6 months")),
        rows=tuple((r.label, r.completed, r.employed_3, r.employed_6) for r in every),
    )
