"""The inbox in the menu."""

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from ..registration.access import keeps_office_lists


def menu_items(partnership, membership):
    if not keeps_office_lists(membership):
        return None  # referrals to a labour office, for its case staff
    return toolkit.MenuItem(module=KEY, label=_l("Referrals to the labour office"),
                            endpoint=f"{KEY}.inbox", order=60)
