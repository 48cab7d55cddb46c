"""Forms of the registration page: register, change status, deregister, case and benefit."""

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import BENEFIT_MONTHS_AHEAD, REGISTRATIONS_BEGIN, months_ahead, within
from .service import DEREGISTRATION_REASON_LABELS, PERIOD_STATUS_LABELS
from .transitions import benefit_end_problem

INVALID_CHOICE = _l("Choose one of the options offered.")
INVALID_DATE = _l("Enter a date as YYYY-MM-DD.")
CASE_NO_TOO_LONG = _l("At most %(max)d characters.")


def _choices(labels, leave_out=()):
    return [SelectChoice(value=k, label=v) for k, v in labels.items() if k not in leave_out]


def _select(label, labels, leave_out=()):
    return SelectField(label, choices=_choices(labels, leave_out),
                       invalid_choice_message=INVALID_CHOICE,
                       validators=[InputRequired(message=INVALID_CHOICE)])


def _day(label):
    return DateField(label, default=toolkit.today, invalid_value_message=INVALID_DATE,
                     validators=[InputRequired(message=INVALID_DATE),
                                 within(REGISTRATIONS_BEGIN)])


class RegisterForm(toolkit.Form):
    status = _select(_l("Registered as"), PERIOD_STATUS_LABELS)
    registered_on = _day(_l("Registered on"))
    case_no = StringField(_l("Case number at the labour office"),
                          validators=[Optional(), Length(max=40, message=CASE_NO_TOO_LONG)])


class StatusForm(toolkit.Form):
    status = _select(_l("New status"), PERIOD_STATUS_LABELS)
    on = _day(_l("From"))


class DeregisterForm(toolkit.Form):
    reason = _select(_l("Reason for deregistration"), DEREGISTRATION_REASON_LABELS,
                     leave_out=("status_changed",))
    on = _day(_l("Deregistered on"))


class DetailsForm(toolkit.Form):
    case_no = StringField(_l("Case number at the labour office"),
                          validators=[Optional(), Length(max=40, message=CASE_NO_TOO_LONG)])
    benefit_entitled = BooleanField(_l("Entitled to unemployment benefit"))
    benefit_until = DateField(
        _l("Benefit until"), invalid_value_message=INVALID_DATE,
        validators=[Optional(), within(REGISTRATIONS_BEGIN,
                                       lambda: months_ahead(BENEFIT_MONTHS_AHEAD))])

    def __init__(self, *args, registration=None, **kwargs):
        # The registration the details belong to (the benefit's end is checked against it).
        super().__init__(*args, **kwargs)
        self._registration = registration

    def validate_benefit_until(self, field):
        # The rule of update_details (which refuses it too), shown here at the field.
        if field.errors or field.data is None or self._registration is None:
            return
        problem = benefit_end_problem(self._registration, field.data)
        if problem is not None:
            raise ValidationError(problem)

    @classmethod
    def for_registration(cls, registration):
        return cls(formdata=None, registration=registration, case_no=registration.case_no,
                   benefit_entitled=registration.benefit_entitled,
                   benefit_until=registration.benefit_until)
