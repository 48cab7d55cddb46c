"""Where personal data lives: the core's sources and the plugins' declared tables.

A **core source** is a ``privacy.py`` module in a core package (``mosty.<package>.privacy``)
that keeps rows linked to a person. It provides:

- ``TABLES``: the person-linked tables it covers;
- ``personal_data(participant) -> list[PersonalDataSection]``: what it holds about the person,
  leaving out third parties' data;
- ``anonymise_participant(participant)``: blank identifying fields and free text, keep the rows
  and what statistics count;
- optionally ``audit_objects(participant) -> [(object type, id), ...]``: the objects whose audit
  entries are about this person.

Sources are found by looking for that module in every package of ``mosty``, so a new package
is covered as soon as it has one. Plugins answer the hooks ``mosty_personal_data`` and
``mosty_anonymise_participant`` and declare their tables with ``PERSONAL_TABLES`` on the
plugin object.
"""

import importlib
import importlib.util
import pkgutil
from functools import cache

import mosty

from ..plugins.manager import get_plugin_manager

# The person's own record first; the rest in alphabetical order.
FIRST = ("participants", "families")
# Packages whose own module is the privacy machinery (its sources live in privacy.history).
EXTRA_SOURCES = ("mosty.privacy.history",)


@cache
def core_source_names():
    names = []
    for info in pkgutil.iter_modules(mosty.__path__):
        if not info.ispkg or info.name == "privacy":
            continue
        name = f"mosty.{info.name}.privacy"
        if importlib.util.find_spec(name) is not None:
            names.append(name)
    names.sort(key=lambda n: (n.split(".")[1] not in FIRST,
                              FIRST.index(n.split(".")[1]) if n.split(".")[1] in FIRST else 0, n))
    return tuple(names) + EXTRA_SOURCES


def core_sources():
    """The imported source modules, in export order."""
    return [importlib.import_module(name) for name in core_source_names()]


def core_tables():
    return {table: source.__name__ for source in core_sources() for table in source.TABLES}


def plugin_tables():
    """{table: plugin name} declared by the installed plugins with ``PERSONAL_TABLES``."""
    pm = get_plugin_manager()
    tables = {}
    for plugin in pm.get_plugins():
        for table in getattr(plugin, "PERSONAL_TABLES", ()) or ():
            tables[table] = pm.get_name(plugin)
    return tables


def declared_tables():
    return {**core_tables(), **plugin_tables()}
