"""Forms of the service catalogue and of service deliveries; shared field helpers."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from .. import dates
from ..forms import Form, whole_number
from ..i18n import lazy_gettext as _l
from .models import SERVICE_KINDS
from .service import SERVICE_KIND_LABELS

EARLIEST_DATE = date(2000, 1, 1)
TEXT_MAX = 2000


class PlainDecimalField(DecimalField):
    """A decimal typed as text; a comma works as the decimal separator, as Poles write it."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
            if not valuelist[0]:
                # Empty is for InputRequired/Optional to judge, not a parse error.
                self.data = None
                return
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message)


def date_field(label, *validators, **kwargs):
    return DateField(label, validators=[InputRequired(message=_l("Give a date.")), *validators],
                     format="%Y-%m-%d", **kwargs)


def not_in_future(form, field):
    if field.data and field.data > dates.today():
        raise ValidationError(_l("The date cannot be in the future."))


def not_too_early(form, field):
    if field.data and field.data < EARLIEST_DATE:
        raise ValidationError(_l("Give a date after 1 January 2000."))


def within_a_year(form, field):
    if field.data and field.data > dates.today() + timedelta(days=366):
        raise ValidationError(_l("The date cannot be more than a year ahead."))


def select_choices(pairs):
    """SelectChoice list from (value, label) pairs."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def kind_choices():
    return select_choices((kind, SERVICE_KIND_LABELS[kind]) for kind in SERVICE_KINDS)


class ServiceForm(Form):
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Give the service a name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=kind_choices)
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    capacity = IntegerField(
        _l("Capacity (participants at a time)"),
        validators=[Optional(), NumberRange(min=1, max=100_000,
                                            message=_l("Give a whole number from 1 to 100000."))],
        invalid_value_message=_l("Give a whole number from 1 to 100000."),
        description=_l("Leave empty when there is no fixed limit."))
    location = StringField(_l("Location"), validators=[Length(max=200)])
    own_resources = BooleanField(_l("Provided from the institution's own resources"),
                                 default=True)
    active = BooleanField(_l("Offered now"), default=True)

    def values(self):
        return {
            "name": self.name.data.strip(),
            "kind": self.kind.data,
            "description": (self.description.data or "").strip(),
            "capacity": self.capacity.data,
            "location": (self.location.data or "").strip(),
            "own_resources": bool(self.own_resources.data),
            "active": bool(self.active.data),
        }


class CatalogueFilterForm(Form):
    """The filters of the catalogue, read from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), validators=[Optional()], default="")
    institution = SelectField(_l("Institution"), validators=[Optional()], default="")

    def __init__(self, institutions, **kwargs):
        super().__init__(**kwargs)
        self.kind.choices = select_choices([("", _l("all kinds"))]) + kind_choices()
        self.institution.choices = select_choices(
            [("", _l("all institutions")), *((str(i.id), i.name) for i in institutions)])


HOURS_MESSAGE = _l("Give the hours as a number greater than 0 and at most 24, e.g. 1.5.")


def hours_in_a_day(form, field):
    hours = field.data
    if hours is None:
        return
    try:
        valid = Decimal("0") < hours <= Decimal("24") and hours == hours.quantize(Decimal("0.01"))
    except InvalidOperation:
        valid = False
    if not valid:
        raise ValidationError(HOURS_MESSAGE)


class DeliveryForm(Form):
    service = SelectField(_l("Service"), coerce=whole_number,
                          validators=[InputRequired(message=_l("Choose a service."))])
    delivered_on = date_field(_l("Date"), not_in_future, not_too_early)
    hours = PlainDecimalField(
        _l("Hours"), places=None, invalid_value_message=HOURS_MESSAGE,
        validators=[InputRequired(message=HOURS_MESSAGE), hours_in_a_day],
        render_kw={"inputmode": "decimal"})
    result = TextAreaField(_l("Result"), validators=[Length(max=TEXT_MAX)])

    def __init__(self, services, **kwargs):
        super().__init__(**kwargs)
        self.service.choices = select_choices((s.id, s.name) for s in services)
