"""One plugin manager per app: discovery, validation and the broken-plugin report.

A plugin that fails to import, breaks the naming rules or raises while registering is left
out and reported by name; the platform keeps running without it.
"""

import logging
from importlib.metadata import entry_points

import pluggy
from flask import current_app

from .. import hookspecs
from ..db import Base
from .contributions import Module

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mosty.plugins"

# Module keys become URL segments and blueprint names, so they may not take the core's.
RESERVED_KEYS = frozenset({
    "admin", "api", "auth", "partnerships", "static", "participants", "families", "referrals",
    "services", "reports", "audit", "enrollment", "consents", "outcomes", "jobs", "account",
    "instruments", "privacy", "notes", "imports", "exchange", "exchange_api", "mosty_admin",
})
# Flask-Admin names each model view's blueprint "admin_<view>"; a module may not take those.
RESERVED_PREFIXES = ("admin",)


class PluginError(Exception):
    """A plugin breaks the plugin contract; the message says how."""


class BrokenPlugin:
    """What the platform remembers of a plugin it could not load."""

    def __init__(self, name, error):
        self.name = name
        self.error = error

    def __repr__(self):
        return f"BrokenPlugin({self.name!r}: {self.error})"


class ModuleRegistry:
    """The modules the app's plugins provide, and which plugin provides each."""

    def __init__(self):
        self.modules = {}
        self.blueprints = {}
        self.plugin_modules = {}

    def module_keys_of(self, plugin_name):
        return self.plugin_modules.get(plugin_name, ())

    def roles(self):
        return [role for module in self.modules.values() for role in module.roles]


def _as_list(result):
    if result is None:
        return []
    return list(result) if isinstance(result, list | tuple) else [result]


def _package_of(plugin):
    name = getattr(plugin, "__name__", None) or type(plugin).__module__
    return name.split(".")[0]


def _call_one(pm, hook_name, plugin, **kwargs):
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        if impl.plugin is plugin:
            return _as_list(impl.function(**kwargs))
    return []


def _validate(pm, plugin, name, registry):
    modules = _call_one(pm, "mosty_modules", plugin)
    for module in modules:
        if not isinstance(module, Module):
            raise PluginError(f"mosty_modules must return Module objects, got {module!r}")
        if not (module.key.isidentifier() and module.key.islower() and len(module.key) <= 40):
            raise PluginError(
                f"module key {module.key!r} must be a lowercase identifier of at most 40 characters"
            )
        if module.key in RESERVED_KEYS or module.key.startswith(RESERVED_PREFIXES):
            raise PluginError(f"module key {module.key!r} is reserved for the core")
        if module.key in registry.modules or [m.key for m in modules].count(module.key) > 1:
            owner = next((p for p, keys in registry.plugin_modules.items() if module.key in keys),
                         name)
            raise PluginError(f"module key {module.key!r} is already provided by {owner!r}")
    keys = [m.key for m in modules]
    blueprints = _call_one(pm, "mosty_blueprints", plugin)
    for blueprint in blueprints:
        if blueprint.name not in keys:
            raise PluginError(
                f"blueprint {blueprint.name!r} must be named after the plugin's module key "
                f"({', '.join(keys) or 'none declared'})"
            )
    package = _package_of(plugin)
    for mapper in Base.registry.mappers:
        if mapper.class_.__module__.split(".")[0] != package:
            continue
        table = mapper.local_table.name
        if not any(table.startswith(f"{key}_") for key in keys):
            raise PluginError(
                f"table {table!r} must start with the module key and an underscore "
                f"({', '.join(k + '_' for k in keys)})"
            )
    for module in modules:
        registry.modules[module.key] = module
    for blueprint in blueprints:
        registry.blueprints[blueprint.name] = blueprint
    registry.plugin_modules[name] = tuple(keys)


def _register(pm, registry, broken, plugin, name):
    if pm.is_registered(plugin):
        # Found twice (entry point and configuration): the first registration stands.
        log.warning("Plugin %r is already registered; the second registration is ignored",
                    name or pm.get_name(plugin))
        return
    registered = False
    try:
        pm.register(plugin, name=name)
        registered = True
        name = pm.get_name(plugin)
        _validate(pm, plugin, name, registry)
    except Exception as error:  # noqa: BLE001 - one bad plugin must not stop the platform
        log.error("Plugin %r is left out: %s", name, error)
        if registered:
            pm.unregister(plugin)
        broken.append(BrokenPlugin(name or repr(plugin), f"{type(error).__name__}: {error}"))


def init_app(app, extra_plugins=()):
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    registry = ModuleRegistry()
    broken = []
    if app.config.get("MOSTY_LOAD_ENTRY_POINTS", True):
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                plugin = entry_point.load()
            except Exception as error:  # noqa: BLE001
                log.exception("Plugin %r could not be imported and is left out", entry_point.name)
                broken.append(BrokenPlugin(entry_point.name, f"{type(error).__name__}: {error}"))
                continue
            _register(pm, registry, broken, plugin, entry_point.name)
    for plugin in list(app.config.get("MOSTY_EXTRA_PLUGINS", ())) + list(extra_plugins):
        _register(pm, registry, broken, plugin, None)
    app.extensions["mosty.plugins"] = pm
    app.extensions["mosty.modules"] = registry
    app.extensions["mosty.broken_plugins"] = broken
    return pm


def get_plugin_manager(app=None):
    return (app or current_app).extensions["mosty.plugins"]


def get_registry(app=None):
    return (app or current_app).extensions["mosty.modules"]


def demo_loaders(app):
    """Demo-data loaders of every plugin, each called with ``{slug: partnership}``."""
    return [loader for loader in get_plugin_manager(app).hook.mosty_demo_data() if loader]
