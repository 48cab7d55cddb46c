"""The inbox in the menu, and demo referrals answered by the labour offices."""

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY


def menu_items(partnership, membership):
    return toolkit.MenuItem(module=KEY, label=_l("Referrals to the labour office"),
                            endpoint=f"{KEY}.inbox", order=60)
