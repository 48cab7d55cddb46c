"""Form base and fields of the admin screens."""

from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.form import BaseForm
from wtforms import PasswordField, SelectMultipleField
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from ..auth.passwords import MIN_PASSWORD_LENGTH
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
                      Length(min=MIN_PASSWORD_LENGTH, max=200), *(validators or [])]
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


class FormOnlyQuerySelectField(FormOnlyMixin, QuerySelectField):
    pass


class RolesField(SelectMultipleField):
    """Role keys of a membership; the view fills in the choices (core and module roles)."""

    def process_data(self, value):
        super().process_data(list(value) if value else [])


class FormOnlyRolesField(FormOnlyMixin, RolesField):
    pass
