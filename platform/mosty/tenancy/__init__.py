"""Tenancy: one partnership per request or task, enforced by three walls.

1. the request wall (``mosty.partnerships.blueprint``): the slug in the URL, membership checked;
2. the ORM wall (``orm``): every query and flush is limited to the current partnership;
3. the database wall (``rls``): PostgreSQL row-level security on every partnership-owned table.
"""

from .context import (
    NoPartnershipContext,
    TenancyViolation,
    current_partnership_id,
    in_system_scope,
    partnership_scope,
    system_scope,
)
from .models import PartnershipOwned, partnership_owned_tables

__all__ = [
    "NoPartnershipContext",
    "PartnershipOwned",
    "TenancyViolation",
    "current_partnership_id",
    "in_system_scope",
    "partnership_owned_tables",
    "partnership_scope",
    "system_scope",
]
