"""Who may use which module: switched on for the partnership, then granted to a role.

Module routes are checked for every request by the blueprint guard below, so a view without
a decorator is still behind the wall; ``requires_write`` marks the views that change data.
"""

from functools import wraps

from flask import abort, current_app, g, request
from sqlalchemy import and_, select

from ..extensions import db
from .manager import get_plugin_manager, get_registry
from .models import ModuleGrant, PartnershipModule

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RANK = {None: 0, "read": 1, "write": 2}


def access_table():
    """``{module key: "read"|"write"}`` for the signed-in member, computed once per request
    (the request wall usually reads the grants along with the membership: ``remember_access``)."""
    if "module_access" in g:
        return g.module_access
    membership = g.get("membership")
    roles = list(membership.roles or []) if membership is not None else []
    grants = []
    if roles and g.get("partnership") is not None:
        # One query: the role's grants on modules switched on (both tables behind the wall).
        grants = db.session.execute(
            select(ModuleGrant.module_key, ModuleGrant.role, ModuleGrant.access)
            .join(PartnershipModule, and_(
                PartnershipModule.partnership_id == ModuleGrant.partnership_id,
                PartnershipModule.module_key == ModuleGrant.module_key))
            .where(ModuleGrant.role.in_(roles), PartnershipModule.enabled.is_(True)))
    return remember_access(membership, grants)


def remember_access(membership, grants):
    """Keep for this request the access table of ``membership`` built from ``grants``:
    ``(module key, role, access)`` of modules switched on in the partnership, any role (those
    of other roles are left out here)."""
    table = {}
    roles = set(membership.roles or []) if membership is not None else set()
    modules = get_registry().modules
    for key, role, access in grants:
        if role in roles and key in modules and _RANK[access] > _RANK[table.get(key)]:
            table[key] = access
    g.module_access = table
    return table


def module_access(module_key):
    """``"write"``, ``"read"`` or ``None`` for the current member and partnership."""
    return access_table().get(module_key)


def can_use(module_key, access="read"):
    return _RANK[module_access(module_key)] >= _RANK[access]


def requires_write(view):
    """Mark a module view that changes data: members with read access get 403."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not can_use(request.blueprint, "write"):
            abort(403)
        return view(*args, **kwargs)

    guarded.mosty_requires_write = True
    return guarded


def _guard_module(module_key):
    def guard():
        if not can_use(module_key, "read"):
            # Off or not granted: the module does not exist for this user.
            abort(404)
        if request.method not in SAFE_METHODS and not can_use(module_key, "write"):
            abort(403)

    return guard


def mount_module_blueprints(app):
    """Mount each module under ``/<partnership>/<key>/`` behind the module guard."""
    for key, blueprint in get_registry(app).blueprints.items():
        app.register_blueprint(blueprint, url_prefix=f"/<partnership:partnership>/{key}")
        # Attached to this app under the blueprint's name, so the blueprint object itself
        # stays untouched and can be mounted in many apps (tests build many).
        app.before_request_funcs.setdefault(key, []).append(_guard_module(key))


def visible(contributions, access_attr="access"):
    """Keep only the contributions of modules the member may use (at the level they need)."""
    return [c for c in contributions
            if can_use(c.module, getattr(c, access_attr, None) or "read")]


def collect(hook_name, **kwargs):
    """Call a contribution hook and keep what the current member may see.

    A contribution names one of its plugin's own modules. Only plugins with a module the
    member may use are asked: a module that is off or not granted does not read this
    person's rows at all (data minimisation), instead of reading them for a panel that would
    be thrown away. A plugin that raises here loses its contribution to this page, not the
    page itself.
    """
    results = []
    hook = getattr(get_plugin_manager().hook, hook_name)
    registry = get_registry()
    for impl in hook.get_hookimpls():
        keys = registry.module_keys_of(impl.plugin_name)
        if not any(can_use(key) for key in keys):
            continue
        try:
            value = impl.function(**kwargs)
        except Exception:  # noqa: BLE001
            current_app.logger.exception("Plugin %s failed in %s", impl.plugin_name, hook_name)
            continue
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            if getattr(item, "module", None) not in keys:
                current_app.logger.error(
                    "Plugin %s contributed to %s for module %r, which is not its own; left out",
                    impl.plugin_name, hook_name, getattr(item, "module", None))
                continue
            results.append(item)
    return visible(results)


def partnership_menu():
    """Menu items of the modules the member may use, in order."""
    if g.get("partnership") is None or g.get("membership") is None:
        return []
    items = collect("mosty_menu_items", partnership=g.partnership, membership=g.membership)
    return sorted(items, key=lambda item: (item.order, str(item.label)))
