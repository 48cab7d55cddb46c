"""The access export (GDPR art. 15): everything held about one person.

Sections come from every core source, from each plugin's ``mosty_personal_data`` and from the
audit log (entries about the person and their rows). Third parties stay out: sources leave out
other people's data, and audit entries name the institution, never the member of staff.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import format_date, format_datetime, format_decimal
from sqlalchemy import String, and_, cast, or_, select

from ..audit.labels import action_label, object_type_label
from ..audit.models import AuditEntry
from ..db import as_utc, utcnow
from ..extensions import db
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..partnerships.models import Institution
from ..plugins.manager import get_plugin_manager
from .sources import core_sources


@dataclass
class AccessExport:
    participant_id: int
    generated_at: datetime
    sections: list = field(default_factory=list)
    audit: list = field(default_factory=list)
    # Modules that failed to answer: the export says it is incomplete instead of hiding it.
    failures: list = field(default_factory=list)


def plain(value):
    """A value as JSON-ready data: text, numbers, booleans, ISO dates, lists; lazy strings
    translated. Moments carry their offset ("+00:00"), also where SQLite hands them back
    naive."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    return str(value)


def display(value):
    """A value as the printable page shows it, in the reader's language ("—" for nothing)."""
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(display(v)) for v in value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def _audit_objects(participant):
    objects = set()
    for source in core_sources():
        objects.update((kind, str(i)) for kind, i in getattr(source, "audit_objects",
                                                               lambda p: [])(participant))
    return objects


def audit_entries_about(participant):
    """Entries about the person or their rows, oldest first, and list reads that showed them."""
    objects = _audit_objects(participant)
    by_type = {}
    for kind, object_id in objects:
        by_type.setdefault(kind, set()).add(object_id)
    conditions = [and_(AuditEntry.object_type == kind, AuditEntry.object_id.in_(ids))
                  for kind, ids in by_type.items()]
    # A list page audits one entry with the ids it showed; the text match narrows, the
    # check below decides.
    listed = and_(AuditEntry.object_type == "Participant", AuditEntry.object_id == "",
                  cast(AuditEntry.detail, String).like(f"%{participant.id}%"))
    entries = []
    for entry in db.session.scalars(select(AuditEntry).where(or_(*conditions, listed))
                                    .order_by(AuditEntry.at, AuditEntry.id)):
        if entry.object_id == "" and participant.id not in (entry.detail or {}).get("ids", []):
            continue
        entries.append(entry)
    return entries


def _module_sections(participant, export):
    hook = get_plugin_manager().hook.mosty_personal_data
    for impl in hook.get_hookimpls():
        try:
            result = impl.function(participant=participant)
        except Exception:  # noqa: BLE001 - one module must not stop the export
            current_app.logger.exception("Plugin %s failed in mosty_personal_data",
                                         impl.plugin_name)
            export.failures.append(impl.plugin_name)
            continue
        if result is None:
            continue
        export.sections.extend(result if isinstance(result, list | tuple) else [result])


def build_export(participant):
    export = AccessExport(participant_id=participant.id, generated_at=utcnow())
    for source in core_sources():
        export.sections.extend(source.personal_data(participant))
    _module_sections(participant, export)
    names = dict(db.session.execute(select(Institution.id, Institution.name)).all())
    export.audit = [{
        "at": entry.at,
        "action": action_label(entry.action),
        "object": object_type_label(entry.object_type),
        "institution": names.get(entry.institution_id, gettext("the system")
                                 if entry.actor_id is None else None),
    } for entry in audit_entries_about(participant)]
    return export


AUDIT_LABELS = {"at": _l("When"), "action": _l("What was done"), "object": _l("Record"),
                "institution": _l("Institution")}


def as_json(export):
    """The export as a JSON document (labels in the user's language)."""
    return {
        "participant_id": export.participant_id,
        "generated_at": plain(export.generated_at),
        "sections": [{
            "module": section.module,
            "title": str(section.title),
            "records": [{str(label): plain(value) for label, value in record.items()}
                        for record in section.records],
        } for section in export.sections],
        "audit": [{str(AUDIT_LABELS[k]): plain(v) for k, v in entry.items()}
                  for entry in export.audit],
        "incomplete_modules": list(export.failures),
    }
