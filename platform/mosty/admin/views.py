"""The admin screens: model views limited to the administrator's scope, and the Modules page.

Every row a view shows, counts, exports, opens or offers in a picker comes through
``scoping.visible`` on top of the ORM wall; anything else is 404.
"""

import logging
from datetime import date, datetime

from flask import Response, abort, flash, redirect, request
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.babel import ngettext as admin_ngettext
from flask_admin.contrib.sqla import ModelView, tools
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime
from flask_login import current_user, login_user
from markupsafe import Markup, escape
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipProperty
from werkzeug.utils import secure_filename
from wtforms import FieldList, FormField, SelectField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from .. import audit
from .. import db as mosty_db
from ..auth import sign_ins
from ..auth.account_log import record_account_event
from ..auth.models import Membership
from ..collation import sort_key
from ..exchange.exports import to_csv
from ..extensions import db
from ..field_labels import COLUMN_LABELS, USER_COLUMN_LABELS
from ..forms import date_within, has_control_characters
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..ids import MAX_ID, row_id
from ..partnerships.labels import INSTITUTION_KIND_LABELS, INSTITUTION_ROLE_LABELS
from ..partnerships.models import AgreementParty, Institution, Partnership
from ..partnerships.wall import RESERVED_SLUGS, is_valid_slug
from ..plugins.manager import get_registry
from ..plugins.roles import available_roles
from ..tenancy import (
    NoPartnershipContext,
    TenancyViolation,
    current_partnership_id,
    system_scope,
)
from ..teryt import VOIVODESHIPS, code_problem
from . import guards, module_settings
from .forms import (
    AdminForm,
    AdminInlineForm,
    FormOnlyInstitutionPickField,
    FormOnlyRolesField,
    InstitutionPickField,
    NewPasswordField,
    PartnershipField,
    RolesField,
    at_least_one_role,
    not_before,
    roles_with_the_institution,
    strip_lower,
)
from .guards import AdminRefusal
from .scoping import current_admin, may_change_account, visible, working_partnership

log = logging.getLogger(__name__)

LANGUAGES = [("pl", "Polski"), ("en", "English")]
KIND_CHOICES = list(INSTITUTION_KIND_LABELS.items())
INSTITUTION_ROLE_CHOICES = list(INSTITUTION_ROLE_LABELS.items())
ACCESS_CHOICES = [("read", _l("Read")), ("write", _l("Write"))]
GRANT_LABELS = {"none": _l("No access"), "read": _l("Read"), "write": _l("Write")}
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid e-mail address."))
TERYT = Regexp(r"^[0-9]{2}([0-9]{2}([0-9]{3})?)?\Z",  # ASCII digits: \d takes any script's
               message=_l("A TERYT code has 2, 4 or 7 digits."))


def teryt_code(form, field):
    """An institution's seat as a code the registry could hold, once it has the shape of one
    (``TERYT``): a commune's is checked as the registry checks it ("9999999" has the shape and
    is no commune), a voivodeship's and a county's by the same rules."""
    code = field.data or ""
    if field.errors or not code:
        return
    problem = None
    if len(code) == 7:
        problem = code_problem(code)
    elif code[:2] not in VOIVODESHIPS:
        problem = _l("There is no voivodeship with the code %(code)s: the voivodeship codes "
                     "are 02, 04, … 32.", code=code[:2])
    elif len(code) == 4 and code[2:] == "00":
        problem = _l("There is no county with the code %(code)s: the counties are numbered "
                     "from 01.", code=code)
    if problem is not None:
        raise ValidationError(problem)


def partnership_slug(form, field):
    """A slug the partnership's pages can be opened under: the first segment of their address,
    so not one the platform keeps for its own pages (``/admin/``, ``/login``)."""
    if not field.errors and not is_valid_slug(field.data):
        raise ValidationError(_l(
            "This address is reserved for the platform's own pages or is invalid. Use "
            "lower-case letters, digits and hyphens (up to 40 characters), but not: "
            "%(reserved)s.",
            reserved=", ".join(sorted(RESERVED_SLUGS))))


# An agreement runs from the programme's first records on, for some years ahead at most.
AGREEMENT_YEARS_AHEAD = 30
AGREEMENT_DATE = date_within(days_ahead=AGREEMENT_YEARS_AHEAD * 366)

# Audit entries name the fields that changed; these are renamed or left out.
AUDIT_FIELD_NAMES = {"password_hash": "password"}
AUDIT_SKIPPED = {"id", "session_version", "created_at", "updated_at", "changed_at"}


def changed_fields(model, is_created):
    """Names of the fields that change with this save (never their values)."""
    state = inspect(model)
    names = []
    for attr in state.mapper.attrs:
        history = state.attrs[attr.key].history
        if is_created:
            changed = any(value not in (None, "", [], ()) for value in history.added)
        else:
            changed = history.has_changes()
        if (not changed and isinstance(attr, RelationshipProperty) and attr.uselist
                and attr.key in state.dict):
            changed = any(db.session.is_modified(child) for child in state.dict[attr.key])
        if not changed or attr.key in AUDIT_SKIPPED:
            continue
        name = AUDIT_FIELD_NAMES.get(attr.key, attr.key)
        name = name.removesuffix("_id")
        if name not in names:
            names.append(name)
    return names


def institution_label(institution):
    context = current_admin()
    if context is not None and context.platform:
        return f"{institution} ({institution.partnership.slug})"
    return str(institution)


def _scoped_institutions():
    """The institutions the administrator manages, in Polish order of the name the picker
    shows (the short one where there is one), not of the full name."""
    institutions = visible(Institution, db.session.query(Institution)).all()
    return sorted(institutions, key=lambda institution: sort_key(institution_label(institution)))


def role_choices(current=()):
    """Every role an administrator may assign, plus any a record still carries."""
    roles = available_roles()
    choices = [(key, str(role.name)) for key, role in roles.items()]
    choices += [(key, key) for key in current or () if key not in roles]
    return choices


def _format_roles(view, context, model, name):
    roles = available_roles()
    return ", ".join(str(roles[key].name) if key in roles else key for key in model.roles or ())


def _format_role(view, context, model, name):
    role = available_roles().get(model.role)
    return str(role.name) if role is not None else model.role


def _format_module(view, context, model, name):
    module = get_registry().modules.get(model.module_key)
    return str(module.name) if module is not None else model.module_key


def _format_partnership(view, context, model, name):
    partnership = db.session.get(Partnership, model.partnership_id)
    return partnership.name if partnership is not None else ""


def _record_keys(model, values):
    """Primary keys from the request as the column's type (PostgreSQL will not compare an
    integer with text); values that cannot be keys ("²", beyond MAX_ID) are dropped."""
    keys = model.__mapper__.primary_key
    if len(keys) != 1 or keys[0].type.python_type is not int:
        return list(values)
    return [key for key in map(_row_id_or_none, values) if key is not None]


def _row_id_or_none(value):
    try:
        return row_id(str(value))
    except ValueError:
        return None


def _yes_no(view, value, name):
    return _("yes") if value else _("no")


def _yes_no_icon(view, value, name):
    """Flask-Admin's check or minus icon, with "yes"/"no" in the user's language (not "true")."""
    text = escape(_yes_no(view, value, name))
    glyph, icon = ("ok-circle", "fa-check-circle") if value else ("minus-sign", "fa-minus-circle")
    return Markup(f'<span class="fa {icon} glyphicon glyphicon-{glyph} icon-{glyph}" '
                  f'title="{text}"></span><span class="sr-only">{text}</span>')


def _plain_errors(form):
    """Field errors as plain text. Flask-Admin's templates show only ``str`` errors, and ours are
    lazy translations; inline forms (an agreement's parties) are walked too. A message is shown
    once: the column's own Length and the form's give the same one."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _plain_errors(entry.form)
                else:
                    entry.errors = [str(error) for error in entry.errors]
        elif isinstance(field, FormField):
            _plain_errors(field.form)
        else:
            errors = [error if isinstance(error, list | dict) else str(error)
                      for error in field.errors]
            field.errors = [error for n, error in enumerate(errors) if error not in errors[:n]]


def _moment(_view, value, _name=None):
    return format_datetime(mosty_db.as_utc(value))


def _day(_view, value, _name=None):
    return format_date(value)


class ScopedConverter(AdminModelConverter):
    """Every relationship picker offers only what the administrator may see."""

    def _model_select_field(self, prop, multiple, remote_model, **kwargs):
        if remote_model is Institution and not multiple:
            kwargs.setdefault("query_factory", _scoped_institutions)
            kwargs.setdefault("get_label", institution_label)
            return InstitutionPickField(**kwargs)
        if "query_factory" not in kwargs:
            kwargs["query_factory"] = lambda: visible(remote_model, db.session.query(remote_model))
        return super()._model_select_field(prop, multiple, remote_model, **kwargs)


class AdminAccessMixin:
    """Reached only through ``scoping.enter_admin_request``, which answers anyone else."""

    def is_accessible(self):
        return current_admin() is not None

    def inaccessible_callback(self, name, **kwargs):
        abort(403)


class HomeView(AdminAccessMixin, AdminIndexView):
    pass


# Which ``can_*`` flag each view method needs, and where it finds the record id.
_WRITE_FLAGS = {"create_view": "can_create", "edit_view": "can_edit", "delete_view": "can_delete"}
_RECORD_ID = {"edit_view": "args", "details_view": "args", "delete_view": "form"}


class ScopedModelView(AdminAccessMixin, ModelView):
    """A model view that lists, counts, opens, exports and offers only the administrator's rows,
    and writes every change to the audit log."""

    form_base_class = AdminForm
    model_form_converter = ScopedConverter
    can_view_details = True
    can_export = True
    export_types = ["csv"]
    export_max_rows = 0
    page_size = 50
    column_labels = COLUMN_LABELS
    column_display_all_relations = False
    # Moments and days as the rest of Mosty shows them (the reader's format, Warsaw time);
    # the CSV export keeps its own year-first local form, which spreadsheets sort.
    column_type_formatters = {**ModelView.column_type_formatters, bool: _yes_no_icon,
                              datetime: _moment, date: _day}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, bool: _yes_no,
                                     datetime: _moment, date: _day}
    column_type_formatters_export = {**typefmt.EXPORT_FORMATTERS, bool: _yes_no}
    form_extra_fields = {
        "partnership_id": PartnershipField(_l("Partnership"), validators=[DataRequired()]),
    }
    # Fields only a platform admin gets: a partnership admin's records are stamped with theirs.
    platform_only_fields = ("partnership_id",)
    # Fields only on the create form: records never move between partnerships.
    create_only_fields = ("partnership_id",)
    audit_actions = {"create": "create", "update": "update", "delete": "delete"}

    def _get_list_extra_args(self):
        # Bad input in a list's address is ignored, never a server error: a page below zero
        # or beyond any offset the database takes starts at the first page, and a search or
        # filter value with control characters (PostgreSQL refuses NUL) is left out.
        args = super()._get_list_extra_args()
        page_size = max(args.page_size or self.page_size, 1)
        page = args.page if 0 <= (args.page or 0) <= MAX_ID // page_size else 0
        search = None if has_control_characters(args.search) else args.search
        filters = [f for f in args.filters or [] if not has_control_characters(f[-1])]
        return args.clone(page=page, search=search, filters=filters or None)

    def __init__(self, model, *args, **kwargs):
        super().__init__(model, db, *args, **kwargs)

    # --- what the administrator sees -----------------------------------------------------

    def get_query(self):
        return visible(self.model, super().get_query())

    def get_count_query(self):
        return visible(self.model, super().get_count_query())

    def get_one(self, id):
        """The record, or 404 when it is outside the administrator's scope (or not there)."""
        keys = _record_keys(self.model, [id])
        if not keys:
            abort(404)
        record = tools.get_query_for_ids(self.get_query(), self.model, keys).one_or_none()
        if record is None:
            abort(404)
        return record

    def _handle_view(self, name, **kwargs):
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        source = _RECORD_ID.get(name)
        record_id = getattr(request, source).get("id") if source else None
        if record_id is not None:
            self.get_one(record_id)
        flag = _WRITE_FLAGS.get(name)
        if flag is not None and not getattr(self, flag):
            abort(403)
        return None

    @expose("/export/<export_type>/")
    def export(self, export_type):
        if self.can_export and export_type in self.export_types:
            # Written before the rows are streamed: the log says who took which columns.
            audit.record("export", object_type=self.model.__name__,
                         detail={"fields": [name for name, _label in self._export_columns]})
            db.session.commit()
        return super().export(export_type)

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        value = super()._get_list_value(context, model, name, column_formatters,
                                        column_type_formatters)
        # Flask-Admin returns an empty value of a column with choices (a user's language not
        # set) as it is: shown and exported as "None".
        return "" if value is None else value

    def _export_csv(self, return_url):
        # Written as Mosty's other exports are (exchange.exports.to_csv): UTF-8 with BOM and
        # ";" for Polish Excel, and a cell that starts like a formula is kept as text.
        _count, data = self._export_data()
        columns = self._export_columns
        rows = ([self.get_export_value(row, name) for name, _label in columns] for row in data)
        filename = secure_filename(self.get_export_name(export_type="csv"))
        return Response(to_csv([label for _name, label in columns], rows),
                        mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment;filename={filename}"})

    @action("delete", admin_lazy_gettext("Delete"),
            admin_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids):
        # Flask-Admin's bulk delete, limited by get_query, with ids of the key's type; each
        # record goes through delete_model, so a refusal is said for it and the rest go on.
        # Unlike Flask-Admin's, no "0 records were deleted" success message.
        query = tools.get_query_for_ids(self.get_query(), self.model,
                                        _record_keys(self.model, ids))
        count = sum(1 for record in query.all() if self.delete_model(record))
        if count:
            flash(admin_ngettext("Record was successfully deleted.",
                                 "%(count)s records were successfully deleted.",
                                 count, count=count), "success")

    # --- forms ---------------------------------------------------------------------------

    def create_form(self, obj=None):
        form = self._prepare_form(super().create_form(obj), created=True)
        form.state_before = None
        return form

    def edit_form(self, obj=None):
        form = self._prepare_form(super().edit_form(obj), created=False)
        # Taken before the form's values reach the record: check_change compares with it.
        form.state_before = self.state_before_change(obj)
        return form

    def state_before_change(self, model):
        """What ``check_change`` needs to know of the record as it was, before the edit."""
        return None

    def validate_form(self, form):
        valid = super().validate_form(form)
        _plain_errors(form)
        return valid

    def _prepare_form(self, form, created):
        dropped = set() if created else set(self.create_only_fields)
        if not current_admin().platform:
            dropped |= set(self.platform_only_fields)
        for name in dropped:
            if name in form:
                del form[name]
        self.fill_choices(form, created)
        return form

    def fill_choices(self, form, created):
        """Set the choices that depend on the app or the request (modules, roles)."""

    # --- changes -------------------------------------------------------------------------

    def check_change(self, form, model, is_created):
        """Refuse (``AdminRefusal``) or complete a change before it is saved."""

    def check_delete(self, model):
        """Refuse (``AdminRefusal``) a deletion."""

    def on_model_change(self, form, model, is_created):
        fields = changed_fields(model, is_created)
        self.check_change(form, model, is_created)
        db.session.flush()
        if is_created or fields:
            audit_action = self.audit_actions["create" if is_created else "update"]
            self.record_audit(audit_action, model, {"fields": fields})

    def on_model_delete(self, model):
        self.check_delete(model)
        self.record_audit(self.audit_actions["delete"], model, {"fields": []})

    def record_audit(self, action, model, detail):
        audit.record(action, model, detail=detail)

    def handle_view_exception(self, exc):
        if isinstance(exc, AdminRefusal):
            flash(str(exc), "error")
            return True
        if isinstance(exc, IntegrityError):
            flash(_("This clashes with a record that already exists (a value that must be "
                    "unique, or a link to a missing record)."), "error")
            return True
        if isinstance(exc, TenancyViolation | NoPartnershipContext):
            log.warning("Admin change refused by the tenancy wall: %s", exc)
            flash(_("This change would cross the partnership wall and was not saved."), "error")
            return True
        return super().handle_view_exception(exc)


class PartnershipView(ScopedModelView):
    """Platform admins create and edit partnerships; a partnership admin only views theirs."""

    column_list = ["slug", "name", "region", "default_locale", "created_at"]
    column_details_list = ["slug", "name", "programme", "region", "default_locale",
                           "created_at", "updated_at"]
    column_export_list = column_details_list
    column_searchable_list = ["slug", "name"]
    column_choices = {"default_locale": LANGUAGES}
    form_columns = ["slug", "name", "programme", "region", "default_locale"]
    form_choices = {"default_locale": LANGUAGES}
    form_args = {
        "slug": {"validators": [DataRequired(), Length(max=40),
                                Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l(
                                    "Use lower-case letters, digits and hyphens.")),
                                partnership_slug]},
        "name": {"validators": [DataRequired(), Length(max=200)]},
    }
    # An append-only audit log refers to the partnership; it cannot be deleted here.
    can_delete = False

    @property
    def can_create(self):
        context = current_admin()
        return context is None or context.platform

    can_edit = can_create


class InstitutionView(ScopedModelView):
    column_list = ["name", "short_name", "kind", "role", "locality", "partnership"]
    column_details_list = ["name", "short_name", "kind", "role", "teryt", "locality", "address",
                           "email", "phone", "website", "partnership", "created_at", "updated_at"]
    column_export_list = column_details_list
    column_searchable_list = ["name", "short_name", "locality"]
    column_choices = {"kind": KIND_CHOICES, "role": INSTITUTION_ROLE_CHOICES}
    column_default_sort = "name"
    form_columns = ["partnership_id", "name", "short_name", "kind", "role", "teryt", "locality",
                    "address", "email", "phone", "website"]
    form_choices = {"kind": KIND_CHOICES, "role": INSTITUTION_ROLE_CHOICES}
    form_args = {
        "name": {"validators": [DataRequired(), Length(max=200)]},
        "teryt": {"validators": [Optional(), TERYT, teryt_code]},
        "email": {"validators": [Optional(), EMAIL, Length(max=200)], "filters": [strip_lower]},
    }

    def check_delete(self, model):
        guards.check_institution_deletion(model)


class AgreementView(ScopedModelView):
    column_list = ["title", "signed_on", "valid_from", "valid_to", "partnership"]
    column_details_list = ["title", "signed_on", "valid_from", "valid_to", "purpose", "parties",
                           "partnership", "created_at", "updated_at"]
    column_export_list = ["title", "signed_on", "valid_from", "valid_to", "purpose",
                          "partnership"]
    column_searchable_list = ["title"]
    form_columns = ["partnership_id", "title", "signed_on", "valid_from", "valid_to", "purpose"]
    form_args = {
        "title": {"validators": [DataRequired(), Length(max=200)]},
        "signed_on": {"validators": [Optional(), date_within()]},
        "valid_from": {"validators": [Optional(), AGREEMENT_DATE]},
        "valid_to": {"validators": [
            Optional(), AGREEMENT_DATE,
            not_before("valid_from", _l("The end date cannot be before the start date."))]},
    }
    inline_models = [(AgreementParty, {
        "form_columns": ["id", "institution", "contribution"],
        "column_labels": COLUMN_LABELS,
        "form_label": _l("Party"),
        # Whole phrases: Polish inflects "new" and the noun (see inline_list_base.html).
        "new_label": _l("New party"),
        "add_label": _l("Add a party"),
        "form_base_class": AdminInlineForm,
    })]

    def check_change(self, form, model, is_created):
        partnership_id = model.partnership_id or current_partnership_id()
        model.partnership_id = partnership_id
        seen = set()
        for party in model.parties:
            if party.institution is not None and party.institution.partnership_id != partnership_id:
                raise AdminRefusal(_("Every party must be an institution of the agreement's "
                                     "partnership."))
            if party.institution is not None and party.institution.id in seen:
                raise AdminRefusal(_("%(institution)s is a party twice: list each institution "
                                     "once, with all it contributes.",
                                     institution=party.institution.name))
            if party.institution is not None:
                seen.add(party.institution.id)
            party.partnership_id = partnership_id


class UserView(ScopedModelView):
    """Accounts; a partnership admin sees those with a membership in their partnership and
    changes only those that work nowhere else."""

    column_list = ["email", "name", "active", "is_platform_admin", "last_login_at"]
    # A person's name is their full name ("Imię i nazwisko"), not an institution's "Nazwa".
    column_labels = USER_COLUMN_LABELS
    column_details_list = ["email", "name", "active", "is_platform_admin", "locale",
                           "memberships", "last_login_at", "created_at", "updated_at"]
    column_export_list = ["email", "name", "active", "is_platform_admin", "locale",
                          "last_login_at", "created_at"]
    column_searchable_list = ["email", "name"]
    column_filters = ["active"]
    column_default_sort = "email"
    column_choices = {"locale": LANGUAGES}
    form_columns = ["email", "name", "new_password", "active", "locale", "is_platform_admin",
                    "membership_institution", "membership_roles"]
    form_choices = {"locale": LANGUAGES}
    form_args = {
        "email": {"validators": [DataRequired(), EMAIL, Length(max=200)],
                  "filters": [strip_lower]},
        "name": {"validators": [DataRequired(), Length(max=200)]},
    }
    form_extra_fields = {
        "new_password": NewPasswordField(
            _l("Password"),
            description=_l("At least 10 characters. Leave empty to keep the current one."),
        ),
        "membership_institution": FormOnlyInstitutionPickField(
            _l("Works for (institution)"), query_factory=_scoped_institutions,
            get_label=institution_label, allow_blank=True, blank_text="—",
        ),
        "membership_roles": FormOnlyRolesField(_l("Roles in this partnership"),
                                               validators=[roles_with_the_institution]),
    }
    platform_only_fields = ("is_platform_admin",)
    create_only_fields = ("membership_institution", "membership_roles")

    def fill_choices(self, form, created):
        if created:
            # A new account has no password to keep: it needs one (NewPasswordField).
            form.new_password.description = _l(
                "At least 10 characters. Required for a new account; give it to the user "
                "safely, they can change it after signing in.")
        if "membership_roles" in form:
            form.membership_roles.choices = role_choices()
        if created and not current_admin().platform:
            # A partnership admin's new user must work somewhere in their partnership.
            form.membership_institution.validators = [DataRequired()]

    def state_before_change(self, model):
        return guards.account_standing(model)

    def record_audit(self, action, model, detail):
        # An account has no partnership of its own: the change goes to the log of each
        # partnership it works in (a platform administrator's change included), or to the
        # platform's when it works in none.
        with system_scope("audit of an account change, in each partnership it works in"):
            record_account_event(action, model, detail=detail)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        user = self.get_one(request.args.get("id", ""))
        if not may_change_account(user):
            flash(_("This account also works in another partnership or administers the "
                    "platform; only a platform administrator can change it."), "error")
            return redirect(self.get_url(".index_view"))
        return super().edit_view()

    def check_change(self, form, model, is_created):
        if not is_created:
            db.session.flush()
            guards.check_account_change(form.state_before, model)
        if not is_created and not model.active:
            # A switched-off account keeps no session, the administrator's own included.
            sign_ins.end_others(model)
        elif not is_created and "new_password" in form and form.new_password.data:
            # A new password ends the user's other sessions; an administrator changing their
            # own keeps this one (after_model_change signs it in under the new version).
            sign_ins.end_others(model, keep=self._own_sign_in(model))
        if "membership_institution" not in form or form.membership_institution.data is None:
            return
        institution = form.membership_institution.data
        db.session.flush()
        membership = Membership(user_id=model.id, institution_id=institution.id,
                                partnership_id=institution.partnership_id,
                                roles=list(form.membership_roles.data or []), active=True)
        db.session.add(membership)
        db.session.flush()
        audit.record("create", membership,
                     detail={"fields": ["user", "institution", "roles", "active"]})

    def check_delete(self, model):
        if not may_change_account(model):
            raise AdminRefusal(_("This account also works in another partnership or "
                                 "administers the platform; only a platform administrator can "
                                 "delete it."))
        guards.check_account_deletion(model)

    def after_model_change(self, form, model, is_created):
        # A new password ends the user's other sessions; an administrator changing their own
        # stays signed in here.
        if (not is_created and model.id == current_user.id and model.active
                and "new_password" in form and form.new_password.data):
            model.sign_in_secret = self._own_sign_in(model)
            login_user(model)

    @staticmethod
    def _own_sign_in(model):
        """The secret of the administrator's own sign-in when ``model`` is their account."""
        return current_user.sign_in_secret if model.id == current_user.id else None


class MembershipView(ScopedModelView):
    column_list = ["user", "institution", "roles", "active", "partnership"]
    column_details_list = ["user", "institution", "roles", "active", "partnership",
                           "created_at", "updated_at"]
    column_export_list = column_details_list
    column_searchable_list = ["user.email", "user.name", "institution.name"]
    column_filters = ["active"]
    column_formatters = {"roles": _format_roles}
    form_columns = ["user", "institution", "roles", "active"]
    form_overrides = {"roles": RolesField}
    form_args = {"roles": {"validators": [at_least_one_role]}}
    platform_only_fields = ()
    create_only_fields = ()

    def fill_choices(self, form, created):
        # Roles of modules no longer installed stay on a record that has them, and only there.
        form.roles.choices = role_choices(getattr(form._obj, "roles", None))

    def state_before_change(self, model):
        return guards.membership_standing(model)

    def check_change(self, form, model, is_created):
        if model.institution is not None:
            # The institution decides the partnership (a platform admin picks from all).
            model.partnership_id = model.institution.partnership_id
        if not is_created:
            db.session.flush()
            guards.check_membership_change(form.state_before, model)

    def check_delete(self, model):
        guards.check_membership_deletion(model)


class _ModuleRecordView(ScopedModelView):
    """Module switches and grants as plain records (the Modules page is the friendly way)."""

    column_formatters = {"partnership_id": _format_partnership, "module_key": _format_module}
    column_sortable_list = ["module_key"]
    form_overrides = {"module_key": SelectField}

    def fill_choices(self, form, created):
        # Only installed modules; a stored record of a module no longer installed keeps its
        # key (and only that record).
        modules = get_registry().modules
        stored = getattr(form._obj, "module_key", None)
        current = [stored] if stored is not None and stored not in modules else []
        form.module_key.choices = [(key, str(m.name)) for key, m in modules.items()] + [
            (key, key) for key in current]


class PartnershipModuleView(_ModuleRecordView):
    column_list = ["module_key", "enabled", "changed_at", "partnership_id"]
    column_details_list = column_list
    column_export_list = column_list
    form_columns = ["partnership_id", "module_key", "enabled"]


class ModuleGrantView(_ModuleRecordView):
    column_list = ["module_key", "role", "access", "partnership_id"]
    column_details_list = column_list
    column_export_list = column_list
    column_choices = {"access": ACCESS_CHOICES}
    column_formatters = {**_ModuleRecordView.column_formatters, "role": _format_role}
    form_columns = ["partnership_id", "module_key", "role", "access"]
    form_overrides = {"module_key": SelectField, "role": SelectField}
    form_choices = {"access": ACCESS_CHOICES}
    audit_actions = {"create": "grant", "update": "grant", "delete": "revoke"}

    def fill_choices(self, form, created):
        super().fill_choices(form, created)
        stored = getattr(form._obj, "role", None)
        form.role.choices = role_choices([stored] if stored else [])


class ModulesView(AdminAccessMixin, BaseView):
    """Every installed module: on or off for the partnership, and which roles may use it."""

    @expose("/")
    def index(self):
        context = current_admin()
        if context.partnership is None:
            return self.render("admin/mosty/modules.html", states=None)
        with working_partnership():
            states = module_settings.module_states(get_registry().modules)
        return self.render("admin/mosty/modules.html", states=states,
                           partnership=context.partnership, roles=available_roles(),
                           access_choices=list(GRANT_LABELS.items()))

    @expose("/<key>/switch", methods=("POST",))
    def switch(self, key):
        module = self._module(key)
        wanted = request.form.get("enabled")
        if wanted not in ("on", "off"):
            abort(400)
        with working_partnership():
            module_settings.switch_module(module, wanted == "on")
            db.session.commit()
        if wanted == "on":
            flash(_("%(module)s is on.", module=module.name), "success")
        else:
            flash(_("%(module)s is off.", module=module.name), "success")
        return redirect(self.get_url(".index"))

    @expose("/<key>/grants", methods=("POST",))
    def grants(self, key):
        module = self._module(key)
        wanted = {}
        for role in available_roles():
            access = request.form.get(f"access-{role}")
            if access is None:
                continue
            if access not in module_settings.GRANT_CHOICES:
                abort(400)
            wanted[role] = access
        with working_partnership():
            changed = [role for role, access in wanted.items()
                       if module_settings.set_grant(module.key, role, access)]
            db.session.commit()
        if changed:
            flash(_("Access to %(module)s saved.", module=module.name), "success")
        return redirect(self.get_url(".index"))

    def _module(self, key):
        module = get_registry().modules.get(key)
        if module is None or current_admin().partnership is None:
            abort(404)
        return module
