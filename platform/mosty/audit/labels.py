"""Translatable labels of audit actions and of the object types the log names."""

from ..i18n import lazy_gettext as _l

ACTION_LABELS = {
    "read": _l("read"),
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "export": _l("exported"),
    "login": _l("signed in"),
    "logout": _l("signed out"),
    "transition": _l("status changed"),
    "grant": _l("access granted"),
    "revoke": _l("access revoked"),
    "password": _l("password changed"),
}

OBJECT_TYPE_LABELS = {
    "Participant": _l("Participant"),
    "Dependant": _l("Dependant"),
    "CareRelation": _l("Care relation"),
    "Family": _l("Family"),
    "FamilyMember": _l("Family member"),
    "Consent": _l("Consent"),
    "Service": _l("Service"),
    "ServiceDelivery": _l("Service delivery"),
    "Referral": _l("Referral"),
    "TargetGroup": _l("Target group"),
    "Enrollment": _l("Enrollment"),
    "Outcome": _l("Outcome"),
    "FollowUp": _l("Follow-up"),
    "AuditEntry": _l("Audit log"),
    "DemoData": _l("Demo data"),
    "User": _l("User"),
    "SignIn": _l("Sign-in"),
    "Membership": _l("Membership"),
    "Partnership": _l("Partnership"),
    "Institution": _l("Institution"),
    "Agreement": _l("Agreement"),
    "AgreementParty": _l("Party to the agreement"),
    "TerritoryUnit": _l("Territorial unit"),
    "ConsentInstitution": _l("Institution named in a consent"),
    "OutboxEvent": _l("Outbox event"),
    "WebhookEndpoint": _l("Webhook"),
    "WebhookDelivery": _l("Webhook delivery"),
    "DeliveryAttempt": _l("Delivery attempt"),
    "ApiToken": _l("API token"),
    "Job": _l("Job"),
    "ImportBatch": _l("Import"),
    "ImportMapping": _l("Import column mapping"),
    "StoredReport": _l("Stored report"),
    "StoredReportFile": _l("Stored report file"),
    "ReportRecipient": _l("Report recipient"),
    "PartnershipReport": _l("Partnership report"),
    "CaseNote": _l("Case note"),
    "Instrument": _l("Instrument"),
    "InstrumentVersion": _l("Instrument version"),
    "Administration": _l("Instrument administration"),
    "FamilyRound": _l("Family round of an instrument"),
    "Rectification": _l("Rectification"),
    "RestrictionChange": _l("Restriction of processing"),
    "ErasureRequest": _l("Erasure request"),
    "PartnershipModule": _l("Partnership module"),
    "ModuleGrant": _l("Access to a module"),
    "TaskReceipt": _l("Background task receipt"),
}


def action_label(action):
    return ACTION_LABELS.get(action, action)


_MAPPED_CLASSES = {"mappers": 0, "by_name": {}, "keys": {}, "values": {},
                   "person_field_keys": set()}


def _mapped():
    """The mapped classes by the names the log records them under (class or table name, first
    one wins, as for labels), and what all of them declare for their detail keys and values.

    Built once and again only when more models have been mapped (a plugin imported later), so
    a page of the audit log does not walk every mapper for every row it shows.
    """
    from ..db import Base

    mappers = Base.registry.mappers
    if len(mappers) != _MAPPED_CLASSES["mappers"]:
        by_name, keys, values, person_field_keys = {}, {}, {}, set()
        for mapper in mappers:
            by_name.setdefault(mapper.class_.__name__, mapper.class_)
        for mapper in mappers:
            # Some modules record their table's name (``animator_case``); never shadowing a
            # class name, since both spellings share one map.
            table = getattr(mapper.class_, "__tablename__", None)
            if table:
                by_name.setdefault(table, mapper.class_)
        for mapper in mappers:
            # A module also writes its keys and codes on entries about core objects (the
            # animator reads a "family" for its lead form): these find the module's labels.
            for key, label in _declared(mapper.class_, "__audit_detail_labels__").items():
                keys.setdefault(key, label)
            for key, codes in _declared(mapper.class_, "__audit_value_labels__").items():
                merged = values.setdefault(key, {})
                for code, label in codes.items():
                    merged.setdefault(code, label)
            # Keys whose lists name the person's fields, as "fields" does by default (the
            # labour office's "registry_fields", whatever the entry is about).
            person_field_keys.update(getattr(mapper.class_, "__audit_person_field_keys__", ()))
        _MAPPED_CLASSES.update(mappers=len(mappers), by_name=by_name, keys=keys, values=values,
                               person_field_keys=person_field_keys)
    return _MAPPED_CLASSES


def _mapped_class(name):
    """The mapped class recorded under ``name`` (its class or table name) in the log."""
    return _mapped()["by_name"].get(name)


def _declared(cls, attribute):
    """A class's label map for the log (``__audit_detail_labels__``, ``__audit_value_labels__``
    or ``__audit_field_labels__``); empty when it declares none."""
    return getattr(cls, attribute, None) or {}


def _is_core(cls):
    return cls.__module__.startswith("mosty.")


def object_type_label(object_type):
    """The readable name of an object type: the core's own label, else the model's
    ``__audit_label__`` (a plugin's translatable name), else the type as recorded.

    A type recorded by its table name (``family``, ``animator_case``) is the model's: a core
    model then has the core's label for its class name."""
    label = OBJECT_TYPE_LABELS.get(object_type)
    if label is None:
        cls = _mapped_class(object_type)
        if cls is not None:
            label = getattr(cls, "__audit_label__", None) or (
                OBJECT_TYPE_LABELS.get(cls.__name__) if _is_core(cls) else None)
    return label or object_type


# The keys entries carry in their detail, as the log page names them.
DETAIL_KEY_LABELS = {
    "fields": _l("fields"),
    "shared_fields": _l("fields shared"),
    "edit_conflict": _l("fields changed meanwhile by someone else"),
    "duplicate_ids": _l("possible duplicates (numbers)"),
    "ids": _l("records (numbers)"),
    "member_ids": _l("family members (numbers)"),
    # A family's members come and go as updates of the family.
    "added_participant_id": _l("person added (number)"),
    "removed_participant_id": _l("person removed (number)"),
    "member_id": _l("family membership (number)"),
    "participant_id": _l("person (number)"),
    "family_id": _l("family (number)"),
    "institution_id": _l("institution (number)"),
    "institution_ids": _l("institutions (numbers)"),
    "participant_ids": _l("people (numbers)"),
    "outcome_id": _l("outcome (number)"),
    "family_round_id": _l("family round of an instrument (number)"),
    "version_id": _l("instrument version (number)"),
    # What the demo data added, by kind.
    "participants": _l("participants"),
    "dependants": _l("dependants"),
    "families": _l("families"),
    "consents": _l("consents"),
    "services": _l("services"),
    "deliveries": _l("service deliveries"),
    "enrollments": _l("participations in the project"),
    "referrals": _l("referrals"),
    "outcomes": _l("outcomes"),
    "follow_ups": _l("follow-ups"),
    "import_id": _l("import (number)"),
    "api_token": _l("API token (number)"),
    "from": _l("from"),
    "to": _l("to"),
    "status": _l("status"),
    "stage": _l("stage"),
    "page": _l("page"),
    "form": _l("form"),
    "box": _l("list"),
    "list": _l("list"),
    "kind": _l("kind"),
    "format": _l("format"),
    "variant": _l("variant"),
    "size": _l("size (bytes)"),
    "period": _l("period"),
    "reason": _l("reason"),
    "outcome": _l("outcome"),
    "eligible": _l("eligible"),
    "capacity": _l("capacity"),
    "event_kinds": _l("events"),
    "files": _l("files"),
    "items": _l("items answered"),
    "mailed": _l("sent by e-mail"),
    "anonymised": _l("anonymised"),
    "source": _l("source"),
    "purpose": _l("purpose"),
}
# Pages and forms whose reading the detail names ("form": "follow_up").
DETAIL_VALUE_LABELS = {
    "inbox": _l("received"),
    "outbox": _l("sent"),
    "referral": _l("referral"),
    "recruit": _l("recruitment"),
    "service_delivery": _l("service delivery"),
    "case_note": _l("case note"),
    "follow_up": _l("follow-up"),
    "consent": _l("consent"),
    "withdraw": _l("withdrawal of consent"),
    "instrument": _l("instrument"),
    "outcome": _l("outcome"),
    "labour_enrolment": _l("labour office enrolment"),
    "privacy": _l("privacy page"),
    "rectification_history": _l("history of corrections"),
}


def detail_key_label(key, object_type=None):
    """A detail key as the log page names it: as the entry's model declares it
    (``__audit_detail_labels__``), else the core's name for it, else as any model declares it
    (a module's key on an entry about a core object), else with its underscores as spaces."""
    label = _declared(_mapped_class(object_type), "__audit_detail_labels__").get(key)
    if label is None:
        label = DETAIL_KEY_LABELS.get(key) or _mapped()["keys"].get(key)
    return label or key.replace("_", " ")


def _value_label(object_type, key, value):
    """A code of an entry's detail as the entry's model names it under ``key``
    (``__audit_value_labels__``), else the core's statuses and pages, else as any model names
    it under that key; None when nobody does."""
    own = _declared(_mapped_class(object_type), "__audit_value_labels__").get(key, {})
    if value in own:
        return own[value]
    if key in ("from", "to", "status") and value in _status_labels(object_type):
        return _status_labels(object_type)[value]
    if value in DETAIL_VALUE_LABELS:
        return DETAIL_VALUE_LABELS[value]
    return _mapped()["values"].get(key, {}).get(value)


def _status_labels(object_type):
    """The statuses of an object type whose transitions the log records (from/to), read when
    a page is shown (the registry's modules import the audit log, not the reverse)."""
    from ..enrollment.service import STATUS_LABELS as ENROLMENT
    from ..outcomes.service import FOLLOW_UP_STATUS_LABELS
    from ..referrals.privacy import STATUS_LABELS as REFERRAL

    return {"Referral": REFERRAL, "Enrollment": ENROLMENT,
            "FollowUp": FOLLOW_UP_STATUS_LABELS}.get(object_type, {})


def detail_text(object_type, key, value):
    """One value of an entry's detail as people read it: labels for statuses, fields and the
    codes a model declares, the pages a reading came from, "—" for nothing, yes/no, lists
    joined."""
    from ..i18n import gettext
    from ..privacy.rectification import field_label

    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{detail_key_label(k, object_type)}: {detail_text(object_type, k, v)}"
                         for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(detail_text(object_type, key, item) for item in value)
    if not isinstance(value, str):
        return str(value)
    if key in ("fields", "edit_conflict"):
        # A model's own fields (a consent's lawful basis), else the participant's.
        own = _declared(_mapped_class(object_type), "__audit_field_labels__")
        return str(own[value]) if value in own else str(field_label(value))
    if key in _mapped()["person_field_keys"]:
        return str(field_label(value))
    if key == "shared_fields":
        from ..referrals.forms import SHAREABLE_FIELD_LABELS

        return str(SHAREABLE_FIELD_LABELS.get(value, value))
    label = _value_label(object_type, key, value)
    return value if label is None else str(label)
