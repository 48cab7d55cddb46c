"""Hook specifications: the whole plugin API of Mosty. Every hook is documented in docs/plugins.md."""

import pluggy

PROJECT = "mosty"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def mosty_demo_data():
    """Return a callable that adds the plugin's demo data, given ``{slug: Partnership}``."""


@hookspec
def mosty_migrations_dir():
    """Return the folder of the plugin's Alembic revisions (its own branch, labelled by its key)."""
