"""Every core model, imported in one place so the metadata (and Alembic) sees them all."""

from .audit.models import AuditEntry
from .auth.models import Membership, User
from .partnerships.models import Agreement, AgreementParty, Institution, Partnership, TerritoryUnit
from .plugins.models import ModuleGrant, PartnershipModule
from .task_receipts import TaskReceipt

__all__ = [
    "Agreement",
    "AgreementParty",
    "AuditEntry",
    "Institution",
    "Membership",
    "ModuleGrant",
    "Partnership",
    "PartnershipModule",
    "TaskReceipt",
    "TerritoryUnit",
    "User",
]
