"""Every core model, imported in one place so the metadata (and Alembic) sees them all."""

from .audit.models import AuditEntry
from .auth.models import Membership, User
from .consents.models import Consent, ConsentInstitution
from .enrollment.models import Enrollment, TargetGroup
from .exchange.models import (
    ApiToken,
    DeliveryAttempt,
    OutboxEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from .families.models import Family, FamilyMember
from .imports.models import ImportBatch, ImportMapping
from .instruments.models import Administration, FamilyRound, Instrument, InstrumentVersion
from .jobs.models import Job
from .notes.models import CaseNote
from .outcomes.models import FollowUp, Outcome
from .participants.models import CareRelation, Dependant, Participant
from .partnerships.models import Agreement, AgreementParty, Institution, Partnership, TerritoryUnit
from .plugins.models import ModuleGrant, PartnershipModule
from .privacy.models import ErasureRequest, Rectification, RestrictionChange
from .referrals.models import Referral
from .reports.models import ReportRecipient, StoredReport, StoredReportFile
from .services.models import Service, ServiceDelivery
from .task_receipts import TaskReceipt

__all__ = [
    "Agreement",
    "Administration",
    "AgreementParty",
    "ApiToken",
    "AuditEntry",
    "CareRelation",
    "CaseNote",
    "Consent",
    "ConsentInstitution",
    "DeliveryAttempt",
    "Dependant",
    "Enrollment",
    "ErasureRequest",
    "Family",
    "FamilyMember",
    "FamilyRound",
    "FollowUp",
    "ImportBatch",
    "ImportMapping",
    "Institution",
    "Instrument",
    "InstrumentVersion",
    "Job",
    "Membership",
    "ModuleGrant",
    "Outcome",
    "OutboxEvent",
    "Participant",
    "Partnership",
    "PartnershipModule",
    "Rectification",
    "Referral",
    "ReportRecipient",
    "RestrictionChange",
    "Service",
    "ServiceDelivery",
    "StoredReport",
    "StoredReportFile",
    "TargetGroup",
    "TaskReceipt",
    "TerritoryUnit",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
