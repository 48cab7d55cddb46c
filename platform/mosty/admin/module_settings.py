"""Switching modules on and off for a partnership and granting them to roles.

Each function works in the current partnership scope, writes its audit entries and leaves the
commit to the caller.
"""

from dataclasses import dataclass

from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..plugins.models import ACCESS_LEVELS, ModuleGrant, PartnershipModule

NO_ACCESS = "none"
GRANT_CHOICES = (NO_ACCESS, *ACCESS_LEVELS)


@dataclass(frozen=True)
class ModuleState:
    module: object
    enabled: bool
    # {role key: "read" | "write"}; roles without a grant are missing.
    grants: dict


def module_states(modules):
    """The state of every installed module in the current partnership, in registry order."""
    switches = {s.module_key: s.enabled for s in db.session.scalars(select(PartnershipModule))}
    grants = {}
    for grant in db.session.scalars(select(ModuleGrant)):
        grants.setdefault(grant.module_key, {})[grant.role] = grant.access
    return [ModuleState(module, switches.get(key, False), grants.get(key, {}))
            for key, module in modules.items()]


def switch_module(module, enabled):
    """Turn ``module`` on or off; the first time it is turned on, its default grants apply."""
    switch = db.session.scalar(
        select(PartnershipModule).where(PartnershipModule.module_key == module.key)
    )
    first_time = switch is None
    if first_time:
        switch = PartnershipModule(module_key=module.key, enabled=enabled)
        db.session.add(switch)
    elif switch.enabled == enabled:
        return switch
    else:
        switch.enabled = enabled
    db.session.flush()
    audit.record("create" if first_time else "update", switch, detail={"fields": ["enabled"]})
    if first_time and enabled:
        for role, access in module.default_grants.items():
            if _grant_of(module.key, role) is None:
                set_grant(module.key, role, access)
    return switch


def _grant_of(module_key, role):
    return db.session.scalar(
        select(ModuleGrant).where(ModuleGrant.module_key == module_key, ModuleGrant.role == role)
    )


def set_grant(module_key, role, access):
    """Give ``role`` read or write access to the module, or take it away (``"none"``).

    Returns whether anything changed.
    """
    if access not in GRANT_CHOICES:
        raise ValueError(f"unknown access level {access!r}")
    grant = _grant_of(module_key, role)
    if access == NO_ACCESS:
        if grant is None:
            return False
        audit.record("revoke", grant, detail={"fields": ["access"]})
        db.session.delete(grant)
        return True
    if grant is not None and grant.access == access:
        return False
    if grant is None:
        grant = ModuleGrant(module_key=module_key, role=role, access=access)
        db.session.add(grant)
    else:
        grant.access = access
    db.session.flush()
    audit.record("grant", grant, detail={"fields": ["access"]})
    return True
