"""The partnership menu: the core's case pages for those who work with cases, then modules."""

from flask import current_app, g

from .consents.access import current_institution_id
from .i18n import lazy_gettext as _l
from .plugins.access import partnership_menu as module_menu
from .plugins.contributions import MenuItem

CORE_CASE_PAGES = (
    MenuItem("core", _l("Participants"), "participants.index", order=10),
    MenuItem("core", _l("Families"), "families.index", order=20),
    MenuItem("core", _l("Referrals"), "referrals.inbox", order=30),
    MenuItem("core", _l("Services"), "services.index", order=40),
)
CORE_ADMIN_PAGES = (
    MenuItem("core", _l("Audit log"), "audit.index", order=90),
    # Access, restriction and erasure requests for any person (caseworkers start from the
    # participant page).
    MenuItem("core", _l("Data protection"), "privacy.index", order=92),
)
# Instruments: given by those who work with cases, defined by partnership admins.
INSTRUMENTS_PAGE = MenuItem("core", _l("Instruments"), "instruments.index", order=45)
# Imports register people, so they are for those who work with cases; everyone has jobs.
IMPORTS_PAGE = MenuItem("core", _l("Import"), "imports.index", order=70)
JOBS_PAGE = MenuItem("core", _l("Jobs"), "jobs.index", order=80)
# Reports are aggregates: coordinators and partnership admins, whatever their institution.
REPORTS_PAGE = MenuItem("core", _l("Reports"), "reports.index", order=60)
# Webhooks, API tokens and the delivery log: admins manage them, coordinators follow them.
EXCHANGE_PAGE = MenuItem("core", _l("Data exchange"), "exchange.index", order=85)
# Exports of the institution's own records, for those who work with its cases.
EXPORTS_PAGE = MenuItem("core", _l("Exports"), "exchange.exports", order=75)


def partnership_menu():
    if g.get("partnership") is None or g.get("membership") is None:
        return []
    items = []
    if current_institution_id() is not None:
        items.extend(CORE_CASE_PAGES)
    if g.membership.has_role("partnership_admin"):
        items.extend(CORE_ADMIN_PAGES)
    if current_institution_id() is not None or g.membership.has_role("partnership_admin"):
        items.append(INSTRUMENTS_PAGE)
    if g.membership.has_role("partnership_admin", "coordinator"):
        items.append(EXCHANGE_PAGE)
        items.append(REPORTS_PAGE)
    if current_institution_id() is not None:
        items.append(IMPORTS_PAGE)
        items.append(EXPORTS_PAGE)
    items.append(JOBS_PAGE)
    # Pages of the core that are not installed in this build are simply not offered.
    items = [i for i in items if i.endpoint in current_app.view_functions]
    return sorted(items + module_menu(), key=lambda item: (item.order, str(item.label)))
