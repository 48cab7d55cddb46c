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
    "Membership": _l("Membership"),
    "Partnership": _l("Partnership"),
    "Institution": _l("Institution"),
    "Agreement": _l("Agreement"),
}


def action_label(action):
    return ACTION_LABELS.get(action, action)


def object_type_label(object_type):
    return OBJECT_TYPE_LABELS.get(object_type, object_type)
