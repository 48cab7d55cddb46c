"""Where Alembic finds revisions: the core's, then each installed plugin's own branch."""

import os
from pathlib import Path

from flask import current_app

CORE_VERSIONS = Path(__file__).resolve().parents[3] / "migrations" / "versions"


def version_locations(app):
    from .manager import get_plugin_manager

    locations = [str(CORE_VERSIONS)]
    for directory in get_plugin_manager(app).hook.mosty_migrations_dir():
        if directory:
            locations.append(str(directory))
    return locations


def _add_plugin_branches(config):
    # Alembic reads version_locations when it builds its script directory, before env.py runs,
    # so the plugin branches must be added here. The Migrate object is shared by every app
    # of the process; the current app decides which plugins are installed.
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(version_locations(current_app)))
    return config


def init_app(app):
    from ..extensions import migrate

    if _add_plugin_branches not in migrate.configure_callbacks:
        migrate.configure(_add_plugin_branches)
