"""Import formats: the core's own and those modules offer through ``mosty_exchange_formats``
(``ExchangeFormat(direction="import", handler=...)``)."""

import logging
from dataclasses import dataclass
from typing import Any

from ..i18n import lazy_gettext as _l
from .contract import as_field

CORE = "core"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportFormat:
    key: str
    name: Any
    handler: Any
    module: str = CORE
    description: Any = ""

    @property
    def fields(self):
        return [as_field(f) for f in self.handler.fields]

    def field(self, key):
        return next((f for f in self.fields if f.key == key), None)


def core_formats():
    from .cases import CaseNumberImport
    from .people import ParticipantImport

    return [
        ImportFormat("participants", _l("Participants and families"), ParticipantImport(),
                     description=_l("New participants are registered by your institution; "
                                    "people already registered (same PESEL, or same name and "
                                    "date of birth) are merged, not added again.")),
        ImportFormat("social_assistance_cases",
                     _l("Case numbers from the social-assistance system"), CaseNumberImport(),
                     description=_l("Matched by PESEL to participants your institution can "
                                    "see; rows of other people are skipped.")),
    ]


def module_formats():
    """Import formats of every installed module (whether switched on or not)."""
    from ..plugins.manager import get_plugin_manager

    formats = []
    for impl in get_plugin_manager().hook.mosty_exchange_formats.get_hookimpls():
        try:
            result = impl.function()
        except Exception:  # noqa: BLE001 - a broken module loses its formats, not the page
            log.exception("Plugin %s failed in mosty_exchange_formats", impl.plugin_name)
            continue
        for fmt in (result if isinstance(result, list | tuple) else [result]):
            if fmt is None or getattr(fmt, "direction", None) != "import":
                continue
            if getattr(fmt, "handler", None) is None:
                continue
            formats.append(ImportFormat(f"{fmt.module}.{fmt.key}", fmt.name, fmt.handler,
                                        module=fmt.module))
    return formats


def available_formats():
    """Formats the signed-in member may import: the core's, and those of modules switched on
    for the partnership and granted to one of their roles with write access."""
    from ..plugins.access import can_use

    return core_formats() + [f for f in module_formats() if can_use(f.module, "write")]


def format_by_key(key, formats=None):
    for fmt in formats if formats is not None else core_formats() + module_formats():
        if fmt.key == key:
            return fmt
    return None
