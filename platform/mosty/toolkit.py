"""The one surface plugins import. Everything a module needs from the core is here;
anything not re-exported is a core internal and may change without notice."""

from flask import g

from . import audit
from .consents.access import consent_covers, participant_visible_to
from .db import Base, TimestampMixin, utcnow
from .extensions import db
from .hookspecs import hookimpl
from .i18n import gettext, lazy_gettext, ngettext
from .outcomes.models import Outcome
from .outcomes.service import add_months, record_outcome
from .participants.labels import CONTRACT_LABELS, DEPENDANT_TYPE_LABELS, SEX_LABELS
from .participants.models import CONTRACT_TYPES, CareRelation, Dependant, Participant
from .partnerships.models import Institution, Partnership, TerritoryUnit
from .plugins.access import can_use, module_access, requires_write
from .plugins.contributions import (
    ExchangeFormat,
    MenuItem,
    Module,
    Panel,
    PersonalDataSection,
    ReportSection,
    Role,
    TimelineEntry,
)
from .tenancy import PartnershipOwned, current_partnership_id, partnership_scope
from .tenancy.rls import disable_partnership_wall, enable_partnership_wall

# The case registry for the animator module: the records it references and the domain rules it
# goes through (institution access, eligibility, enrolment, referrals), never around.
from .auth.models import Membership, User  # noqa: E402
from .consents.access import family_visible_to  # noqa: E402
from .enrollment import transitions as enrollment_transitions  # noqa: E402
from .enrollment.eligibility import evaluate as evaluate_eligibility  # noqa: E402
from .enrollment.models import Enrollment, TargetGroup  # noqa: E402
from .families.models import Family, FamilyMember  # noqa: E402
# Demo loaders switch their module on (with its default grants) the way an administrator does.
from .admin.module_settings import switch_module  # noqa: E402
# Standardised instruments (diagnosis, motivation test), looked up by their stable keys.
from .instruments import service as instruments_service  # noqa: E402
from .referrals import transitions as referral_transitions  # noqa: E402
from .referrals.models import Referral  # noqa: E402
# The referral registry's reading side, for the labour office's inbox (labour module).
from .pagination import paginate  # noqa: E402
from .referrals import service as referral_service  # noqa: E402
from .services.models import Service  # noqa: E402
# Restriction of processing (GDPR art. 18): modules refuse to use restricted people.
from .privacy.restriction import ProcessingRestricted, ensure_not_restricted  # noqa: E402


def current_partnership():
    """The partnership of the current request (``None`` outside one)."""
    return g.get("partnership")


def current_membership():
    """The signed-in member's membership in the current partnership (institution, roles)."""
    return g.get("membership")


def record_audit(action, obj=None, **kwargs):
    """Write an audit entry for a read or write of personal data (ids only, never values)."""
    return audit.record(action, obj, **kwargs)


__all__ = [
    "ProcessingRestricted",
    "ensure_not_restricted",
    "Enrollment",
    "Family",
    "FamilyMember",
    "Membership",
    "Referral",
    "TargetGroup",
    "User",
    "enrollment_transitions",
    "switch_module",
    "instruments_service",
    "evaluate_eligibility",
    "family_visible_to",
    "referral_transitions",
    "Service",
    "paginate",
    "referral_service",
    "CONTRACT_LABELS",
    "CONTRACT_TYPES",
    "DEPENDANT_TYPE_LABELS",
    "SEX_LABELS",
    "Base",
    "CareRelation",
    "Dependant",
    "Outcome",
    "Participant",
    "TerritoryUnit",
    "add_months",
    "consent_covers",
    "participant_visible_to",
    "record_outcome",
    "ExchangeFormat",
    "Institution",
    "MenuItem",
    "Module",
    "Panel",
    "Partnership",
    "PartnershipOwned",
    "PersonalDataSection",
    "ReportSection",
    "Role",
    "TimelineEntry",
    "TimestampMixin",
    "can_use",
    "current_membership",
    "current_partnership",
    "current_partnership_id",
    "db",
    "disable_partnership_wall",
    "enable_partnership_wall",
    "gettext",
    "hookimpl",
    "lazy_gettext",
    "module_access",
    "ngettext",
    "partnership_scope",
    "record_audit",
    "requires_write",
    "utcnow",
]
