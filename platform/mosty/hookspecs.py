"""Hook specifications: the whole plugin API of Mosty.

Every hook is prefixed ``mosty_``, called with keyword arguments only, and documented in
``docs/plugins.md`` (a test fails when the two drift apart). Specs only ever grow.
"""

import pluggy

PROJECT = "mosty"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def mosty_modules():
    """Return the Module (or a list of them) the plugin provides, with the roles it brings."""


@hookspec
def mosty_blueprints():
    """Return Flask blueprints named after the plugin's module key; mounted under /<partnership>/<key>/."""


@hookspec
def mosty_menu_items(partnership, membership):
    """Return MenuItems for the partnership menu; shown only where the module is on and granted."""


@hookspec
def mosty_participant_panels(participant, membership):
    """Return Panels for the participant page of ``participant``."""


@hookspec
def mosty_family_panels(family, membership):
    """Return Panels for the family page of ``family``."""


@hookspec
def mosty_timeline_entries(subject, membership):
    """Return TimelineEntries about ``subject`` (a participant or a family) for its timeline."""


@hookspec
def mosty_report_sections(partnership, period_start, period_end):
    """Return ReportSections of the partnership report for the period (dates, inclusive)."""


@hookspec
def mosty_exchange_formats():
    """Return ExchangeFormats (imports and exports) the plugin offers."""


@hookspec
def mosty_personal_data(participant):
    """Return PersonalDataSections: what the plugin holds about ``participant`` (access requests)."""


@hookspec
def mosty_anonymise_participant(participant):
    """Blank what the plugin holds that identifies ``participant``; keep what statistics count."""


@hookspec
def mosty_admin_views():
    """Return Flask-Admin views for the plugin's own settings; each carries a ``module`` key."""


@hookspec
def mosty_demo_data():
    """Return a callable that adds the plugin's demo data, given ``{slug: Partnership}``."""


@hookspec
def mosty_migrations_dir():
    """Return the folder of the plugin's Alembic revisions (its own branch, labelled by its key)."""
