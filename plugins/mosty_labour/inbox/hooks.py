"""The inbox in the menu."""

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..blueprint import KEY
from ..registration.access import READER_ROLES


def menu_items(partnership, membership):
    if not membership.has_role(*READER_ROLES):
        return None  # the inbox lists people: only case staff have one
    return toolkit.MenuItem(module=KEY, label=_l("Referrals to the labour office"),
                            endpoint=f"{KEY}.inbox", order=60)
