"""The audit log's filter form (a GET form: filters live in the URL, so pages can be shared)."""

from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..forms import Form
from ..i18n import lazy_gettext as _l
from .labels import ACTION_LABELS, object_type_label


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor = SelectField(_l("Person"), validators=[Optional()])
    institution = SelectField(_l("Institution"), validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    object_type = SelectField(_l("Object type"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *, actors, institutions, object_types, **kwargs):
        super().__init__(**kwargs)
        anyone = [("", _l("anyone"))]
        self.actor.choices = anyone + [(str(i), name) for i, name in actors]
        self.institution.choices = [("", _l("any institution"))] + [
            (str(i), name) for i, name in institutions]
        self.action.choices = [("", _l("any action"))] + list(ACTION_LABELS.items())
        self.object_type.choices = [("", _l("any object"))] + [
            (t, object_type_label(t)) for t in object_types]

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the range is before its start."))

    def valid_value(self, name, convert=str):
        """The field's value when it passed validation and is not empty, else None."""
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return convert(field.data)
