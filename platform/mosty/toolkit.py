"""The one surface plugins import. Everything a module needs from the core is here;
anything not re-exported is a core internal and may change without notice."""

from flask import g

from . import audit
from .admin.module_settings import switch_module
from .auth.models import Membership, User
from .collation import by_name, sort_key
from .consents.access import consent_covers, family_visible_to, participant_visible_to
from .dates import day_of, today
from .db import Base, TimestampMixin, commit_keeping_loaded, utcnow
from .enrollment import transitions as enrollment_transitions
from .enrollment.eligibility import evaluate as evaluate_eligibility
from .enrollment.models import Enrollment, TargetGroup
from .extensions import db
from .families.models import Family, FamilyMember
from .forms import Form, has_control_characters, with_field_ids
from .hookspecs import hookimpl
from .i18n import gettext, lazy_gettext, ngettext
from .ids import MAX_ID, row_id
from .imports import contract as import_contract
from .imports import values as import_values
from .instruments import service as instruments_service
from .outcomes.models import Outcome
from .outcomes.service import add_months, record_outcome
from .pagination import paginate
from .participants.labels import CONTRACT_LABELS, DEPENDANT_TYPE_LABELS, SEX_LABELS
from .participants.models import CONTRACT_TYPES, CareRelation, Dependant, Participant
from .partnerships.labels import INSTITUTION_KIND_LABELS
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
from .privacy.restriction import ProcessingRestricted, ensure_not_restricted
from .referrals import service as referral_service
from .referrals import transitions as referral_transitions
from .referrals.models import Referral
from .request_memo import request_memo
from .services.models import Service
from .tasks import add_beat_entry, partnership_task, system_task
from .tenancy import PartnershipOwned, current_partnership_id, partnership_scope
from .tenancy.rls import disable_partnership_wall, enable_partnership_wall
from .teryt import code_problem as teryt_code_problem


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
    # The plugin contract: hooks, contributions, access, tenancy, audit.
    "ExchangeFormat", "MenuItem", "Module", "Panel", "PersonalDataSection", "ReportSection",
    "Role", "TimelineEntry", "hookimpl", "can_use", "module_access", "requires_write",
    "current_membership", "current_partnership", "current_partnership_id", "partnership_scope",
    "PartnershipOwned", "Base", "TimestampMixin", "db", "utcnow", "disable_partnership_wall",
    "enable_partnership_wall", "record_audit", "gettext", "lazy_gettext", "ngettext", "paginate",
    # The largest row id (ids from query strings and forms are checked against it; URL ids
    # beyond it never match a route); ``request.args.get("x", type=row_id)`` reads one.
    "MAX_ID", "row_id",
    # The base of every form (text fields refuse control characters, whole numbers stay in
    # the database's range), and the same text check for values read without a form.
    "Form", "has_control_characters",
    # Several forms on one page: ids of their own for their fields (labels stay tied).
    "with_field_ids",
    # Demo loaders switch their module on (with its default grants) as an administrator does.
    "switch_module",
    # The case registry modules reference, and the domain rules they go through, never around:
    # institution access, eligibility, enrolment, referrals, outcomes.
    "Institution", "Partnership", "TerritoryUnit", "Membership", "User", "Participant",
    "CareRelation", "Dependant", "Family", "FamilyMember", "Enrollment", "TargetGroup",
    "Referral", "Service", "Outcome", "CONTRACT_LABELS", "CONTRACT_TYPES",
    "DEPENDANT_TYPE_LABELS", "SEX_LABELS", "INSTITUTION_KIND_LABELS", "consent_covers", "family_visible_to",
    "participant_visible_to", "enrollment_transitions", "evaluate_eligibility",
    "referral_service", "referral_transitions",
    "request_memo", "add_months", "record_outcome",
    # Standardised instruments (diagnosis, motivation test), looked up by their stable keys.
    "instruments_service",
    # Restriction of processing (GDPR art. 18): modules refuse to use restricted people.
    "ProcessingRestricted", "ensure_not_restricted",
    # Lists of names sort the Polish way ("Ł" after "L", not after "Z"): ORDER BY
    # by_name(column), sorted(..., key=sort_key).
    "by_name", "sort_key",
    # Background tasks of a module: on one partnership's data for an actor, or for the whole
    # installation (with the reason it may cross partnerships); a nightly schedule entry.
    "partnership_task", "system_task", "add_beat_entry",
    # Committing without expiring what a page still shows (one read entry, then render).
    "commit_keeping_loaded",
    # An import format's contract and the core's cell readers (docs/imports.md): a module's
    # file is read as every other import reads its own.
    "import_contract", "import_values",
    # Why seven digits cannot be a commune's TERYT code (None when they can).
    "teryt_code_problem",
    # Today's date in Poland, not the server's (UTC) date: every calendar "today" of a module;
    # and the Polish date of a stored (UTC) moment, to compare it with a date.
    "today", "day_of",
]
