"""One plugin manager per app: discovery, registration and the broken-plugin report."""

import logging
from importlib.metadata import entry_points

import pluggy
from flask import current_app

from .. import hookspecs

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "mosty.plugins"


class BrokenPlugin:
    """What the platform remembers of a plugin it could not load."""

    def __init__(self, name, error):
        self.name = name
        self.error = error

    def __repr__(self):
        return f"BrokenPlugin({self.name!r}: {self.error})"


def _discover(pm, broken):
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            plugin = entry_point.load()
            pm.register(plugin, name=entry_point.name)
        except Exception as error:  # noqa: BLE001 - one bad plugin must not stop the platform
            log.exception("Plugin %r could not be loaded and is left out", entry_point.name)
            broken.append(BrokenPlugin(entry_point.name, f"{type(error).__name__}: {error}"))


def init_app(app, extra_plugins=()):
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    broken = []
    if app.config.get("MOSTY_LOAD_ENTRY_POINTS", True):
        _discover(pm, broken)
    for plugin in list(app.config.get("MOSTY_EXTRA_PLUGINS", ())) + list(extra_plugins):
        pm.register(plugin)
    app.extensions["mosty.plugins"] = pm
    app.extensions["mosty.broken_plugins"] = broken
    return pm


def get_plugin_manager(app=None):
    return (app or current_app).extensions["mosty.plugins"]


def demo_loaders(app):
    """Demo-data loaders of every plugin, each called with ``{slug: partnership}``."""
    return get_plugin_manager(app).hook.mosty_demo_data()
