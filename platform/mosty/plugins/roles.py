"""Roles: the core's own and those the installed modules bring."""

from ..i18n import lazy_gettext as _l
from .contributions import Role
from .manager import get_registry

CORE_ROLES = (
    Role("partnership_admin", _l("Partnership administrator"),
         _l("Manages the partnership's institutions, users, memberships and modules.")),
    Role("coordinator", _l("Coordinator"), _l("Sees the partnership's aggregates and reports.")),
    Role("caseworker", _l("Caseworker"),
         _l("Registers and supports participants for their institution.")),
)


def available_roles(app=None):
    """Every role an administrator may assign, core roles first: ``{key: Role}``."""
    roles = {role.key: role for role in CORE_ROLES}
    for role in get_registry(app).roles():
        roles.setdefault(role.key, role)
    return roles
