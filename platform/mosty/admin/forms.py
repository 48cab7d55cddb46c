"""Form base and fields of the admin screens."""

from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.form import BaseForm
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import Optional, StopValidation, ValidationError

from ..auth.forms import PASSWORD_LENGTH
from ..auth.service import normalise_email
from ..collation import by_name
from ..extensions import db
from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..partnerships.models import Partnership
from .catalog import AdminFormTranslations

_TRANSLATIONS = AdminFormTranslations()


class AdminForm(BaseForm, Form):
    """Flask-Admin's form base with Flask-WTF's CSRF token, so the app's global CSRFProtect
    accepts every admin POST (Flask-Admin's own ``SecureForm`` clashes with it)."""

    class Meta:
        def get_translations(self, form):
            # Flask-Admin's base knows only WTForms' messages; its pickers' own ("Not a valid
            # choice") would stay in English.
            return _TRANSLATIONS


class AdminInlineForm(AdminForm):
    """The form of a record edited inside another's (an agreement's parties): the outer form
    carries the CSRF token."""

    class Meta:
        csrf = False


def not_before(other, message):
    """A check that the field's date is not before the date in the field named ``other``."""

    def check(form, field):
        earlier = form[other]
        if (field.data is not None and earlier.data is not None and not earlier.errors
                and field.data < earlier.data):
            raise ValidationError(message)

    return check


def strip_lower(value):
    return normalise_email(value) if isinstance(value, str) else value


def _required_for_a_new_account(form, field):
    if getattr(form, "_obj", None) is None and not field.data:
        # Stops the chain: the Optional() after it would clear the error.
        raise StopValidation(_l("Give the new account a password."))


class NewPasswordField(PasswordField):
    """A password typed by an administrator, kept only as a hash (``User.set_password``).

    Empty on an existing account means "unchanged"; the hash is never shown.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        validators = [_required_for_a_new_account, Optional(),
                      PASSWORD_LENGTH, *(validators or [])]
        super().__init__(label, validators, **kwargs)

    def populate_obj(self, obj, name):
        if self.data:
            obj.set_password(self.data)


class PartnershipField(QuerySelectField):
    """Picks a partnership and stores its id in ``partnership_id``.

    Named ``partnership_id`` in forms, so it works for models with only the column too.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("query_factory", _partnerships)
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        if isinstance(value, int):
            value = db.session.get(Partnership, value)
        super().process_data(value)

    def populate_obj(self, obj, name):
        obj.partnership_id = self.data.id if self.data is not None else None


def _partnerships():
    from .scoping import visible

    return visible(Partnership, db.session.query(Partnership)).order_by(by_name(Partnership.name))


class FormOnlyMixin:
    """A field the view reads itself; it is not copied onto the model."""

    def populate_obj(self, obj, name):
        pass


class InstitutionPickField(QuerySelectField):
    """A picker of the institutions the administrator manages. An id outside them (another
    partnership's, a removed one, a forged one) is said to be that, not "this field is
    required" (the blank a picker that allows one would otherwise make of it)."""

    def pre_validate(self, form):
        posted = self._formdata
        if posted not in (None, "__None") and self.data is None:
            # Stops the chain: DataRequired would add "required" to it.
            raise StopValidation(_l("This institution is unknown or is not one you manage."))
        super().pre_validate(form)


class FormOnlyInstitutionPickField(FormOnlyMixin, InstitutionPickField):
    pass


def at_least_one_role(form, field):
    # A membership without roles grants nothing, yet lists the person as working there.
    if not field.data:
        raise StopValidation(_l("Choose at least one role: a membership without roles "
                                "grants nothing."))


def roles_with_the_institution(form, field):
    """``at_least_one_role`` when the form's institution picker holds an institution."""
    institution = form._fields.get("membership_institution")
    if institution is not None and institution.data is not None:
        at_least_one_role(form, field)


class RolesField(SelectMultipleField):
    """Role keys of a membership; the view fills in the choices (core and module roles)."""

    def process_data(self, value):
        super().process_data(list(value) if value else [])


class FormOnlyRolesField(FormOnlyMixin, RolesField):
    pass
