"""Plugins: role modules arrive as pluggy plugins (entry-point group ``mosty.plugins``)."""

from . import migrations
from .manager import demo_loaders, get_plugin_manager, get_registry, init_app

__all__ = ["migrations", "demo_loaders", "get_plugin_manager", "get_registry", "init_app"]
