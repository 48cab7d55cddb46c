"""Names of the fields of the records the administration manages (partnerships, institutions,
agreements, users, memberships, module switches and grants).

One set of texts for the admin screens' columns and the audit log's "fields", so that both
say the same thing in the same words. A module of its own: the models declare their labels
for the log (``__audit_field_labels__``) and cannot import the admin, which imports them.
"""

from .i18n import lazy_gettext as _l

COLUMN_LABELS = {
    "slug": _l("Address (slug)"),
    "name": _l("Name"),
    "programme": _l("Programme"),
    "region": _l("Region"),
    "default_locale": _l("Default language"),
    "created_at": _l("Created"),
    "updated_at": _l("Changed"),
    "changed_at": _l("Changed"),
    "partnership": _l("Partnership"),
    "partnership_id": _l("Partnership"),
    "short_name": _l("Short name"),
    "kind": _l("Kind"),
    "role": _l("Role"),
    "teryt": _l("TERYT code"),
    "locality": _l("Locality"),
    "address": _l("Address"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "website": _l("Website"),
    "title": _l("Title"),
    "signed_on": _l("Signed on"),
    "valid_from": _l("Valid from"),
    "valid_to": _l("Valid to"),
    "purpose": _l("Purpose"),
    "parties": _l("Parties"),
    "agreement": _l("Agreement"),
    "institution": _l("Institution"),
    "contribution": _l("Contribution"),
    "user": _l("User"),
    "user.email": _l("E-mail"),
    "user.name": _l("Name"),
    "institution.name": _l("Institution"),
    "roles": _l("Roles"),
    "active": _l("Active"),
    "password": _l("Password"),
    "new_password": _l("Password"),
    "locale": _l("Language"),
    "is_platform_admin": _l("Platform administrator"),
    "last_login_at": _l("Last sign-in"),
    "memberships": _l("Memberships"),
    "membership_institution": _l("Works for (institution)"),
    "membership_roles": _l("Roles in this partnership"),
    "module_key": _l("Module"),
    "enabled": _l("On"),
    "access": _l("Access"),
    "territory": _l("Territory"),
}

# A person's name is their full name, not a "name" as an institution's or a partnership's.
USER_COLUMN_LABELS = {**COLUMN_LABELS, "name": _l("Full name"), "user.name": _l("Full name")}

# The fields every partnership's record has: the log's "fields" drop the "_id" of a link
# (``admin.views.changed_fields``), an export names the columns as they are.
_OWNED = ("partnership", "partnership_id")
_STAMPS = ("created_at", "updated_at")


def audit_field_labels(*fields, labels=COLUMN_LABELS):
    """A model's ``__audit_field_labels__``: the labels of ``fields``, as the admin shows them.
    A field without a label is a KeyError when the model is imported, not a raw name in the
    log."""
    return {field: labels[field] for field in fields}


USER_FIELDS = audit_field_labels(
    "email", "name", "password", "active", "locale", "is_platform_admin", "last_login_at",
    "memberships", *_STAMPS, labels=USER_COLUMN_LABELS)
MEMBERSHIP_FIELDS = audit_field_labels("user", "institution", "roles", "active", *_OWNED,
                                       *_STAMPS)
PARTNERSHIP_FIELDS = audit_field_labels("slug", "name", "programme", "region", "default_locale",
                                        "territory", *_STAMPS)
INSTITUTION_FIELDS = audit_field_labels(
    "name", "short_name", "kind", "role", "teryt", "locality", "address", "email", "phone",
    "website", *_OWNED, *_STAMPS)
AGREEMENT_FIELDS = audit_field_labels("title", "signed_on", "valid_from", "valid_to", "purpose",
                                      "parties", *_OWNED, *_STAMPS)
AGREEMENT_PARTY_FIELDS = audit_field_labels("agreement", "institution", "contribution", *_OWNED)
PARTNERSHIP_MODULE_FIELDS = audit_field_labels("module_key", "enabled", "changed_at", *_OWNED)
MODULE_GRANT_FIELDS = audit_field_labels("module_key", "role", "access", *_OWNED)
