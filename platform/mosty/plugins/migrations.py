"""Where Alembic finds revisions: the core's, then each installed plugin's own branch."""

from pathlib import Path

CORE_VERSIONS = Path(__file__).resolve().parents[3] / "migrations" / "versions"


def version_locations(app):
    from .manager import get_plugin_manager

    locations = [str(CORE_VERSIONS)]
    for directory in get_plugin_manager(app).hook.mosty_migrations_dir():
        if directory:
            locations.append(str(directory))
    return locations
