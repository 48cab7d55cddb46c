"""What plugins hand to the core through hooks. Each object names the module it belongs to,
so the core can show it only where that module is switched on and granted."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CORE_ROLES_KEY = "core"


@dataclass(frozen=True)
class Role:
    """A role a module brings (e.g. ``animator``); administrators assign it to memberships."""

    key: str
    name: Any
    description: Any = ""


@dataclass(frozen=True)
class Module:
    """A role module: its key is the URL segment, the blueprint name and the table prefix."""

    key: str
    name: Any
    description: Any = ""
    roles: tuple[Role, ...] = ()
    # Grants suggested when a partnership switches the module on: {role key: "read"|"write"}.
    default_grants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MenuItem:
    module: str
    label: Any
    endpoint: str
    access: str = "read"
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A box on the participant or family page, rendered from the module's template."""

    module: str
    title: Any
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class TimelineEntry:
    module: str
    at: datetime | date
    title: Any
    detail: Any = ""
    url: str | None = None


@dataclass(frozen=True)
class ReportSection:
    """A section of the partnership report: a title and rows of (label, value...) cells."""

    module: str
    title: Any
    columns: tuple = ()
    rows: tuple = ()
    order: int = 100


@dataclass(frozen=True)
class ExchangeFormat:
    """An import or export format a module offers (e.g. a labour office registry file)."""

    module: str
    key: str
    name: Any
    direction: str
    handler: Any = None


@dataclass(frozen=True)
class PersonalDataSection:
    """What a module holds about one person, for a data-protection access request.

    ``records`` is a tuple of dicts (field label -> value), one per row the module keeps about the
    person; values must be the person's own data only, never a third party's.
    """

    module: str
    title: Any
    records: tuple = ()
