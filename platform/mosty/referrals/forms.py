"""Sending a referral and answering one (accept, decline, complete)."""

from datetime import timedelta

from wtforms import DateField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .. import dates
from ..consents.forms import INVALID_DATE, CheckboxesField, ChoiceField, choices
from ..forms import Form, date_within, whole_number
from ..i18n import lazy_gettext as _l
from .transitions import DEFAULT_ANSWER_DAYS

SHAREABLE_FIELD_LABELS = {
    "contact": _l("contact (phone, e-mail)"),
    "address": _l("address"),
    "labour_status": _l("labour-market status"),
    "education": _l("education"),
    "disability": _l("disability"),
    "care_load": _l("care load"),
    "family": _l("family"),
}
MAX_TEXT = 2000
# An answer is due within a year at most: a referral waits for an answer, not for years.
MAX_ANSWER_DAYS = 365
TOO_LONG = _l("At most %(max)d characters.")


def optional_id(value):
    """Coerce a submitted id; the empty choice ("none") becomes None."""
    if value in (None, "", "None"):
        return None
    return whole_number(value)


def _text(label, required_message=None):
    validators = [Length(max=MAX_TEXT, message=TOO_LONG)]
    if required_message:
        validators.insert(0, DataRequired(message=required_message))
    return TextAreaField(label, validators=validators, render_kw={"rows": 4})


def _due_default():
    return dates.today() + timedelta(days=DEFAULT_ANSWER_DAYS)


class ReferralForm(Form):
    to_institution = ChoiceField(_l("Refer to"), coerce=optional_id)
    service = ChoiceField(
        _l("Requested service"), coerce=optional_id,
        description=_l("Optional: one of the active services of the institution you refer to."),
    )
    reason = _text(_l("Reason"), _l("Give the reason for the referral."))
    shared_fields = CheckboxesField(
        _l("Data to share"), choices=choices(SHAREABLE_FIELD_LABELS),
        description=_l("Before accepting, the receiving institution sees the person's name, "
                       "the reason and only the data chosen here."),
    )
    due_on = DateField(
        _l("Answer due by"), default=_due_default, invalid_value_message=INVALID_DATE,
        validators=[InputRequired(message=INVALID_DATE),
                    date_within(dates.today, days_ahead=MAX_ANSWER_DAYS,
                                too_early=_l("The due date cannot be in the past."))])

    def __init__(self, *args, institutions=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._services = {s.id: s for s in services}
        self.to_institution.choices = [SelectChoice(value="", label=_l("— choose —"))] + [
            SelectChoice(value=i.id, label=i.name) for i in institutions]
        self.service.choices = [SelectChoice(value="", label=_l("— none —"))] + [
            SelectChoice(value=s.id, label=s.name, optgroup=s.institution.name)
            for s in services]

    def validate_to_institution(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose the institution to refer to."))

    def validate_service(self, field):
        if field.data is None:
            return
        service = self._services.get(field.data)
        if service is None or service.institution_id != self.to_institution.data:
            raise ValidationError(_l("The chosen service is not offered by the chosen "
                                     "institution."))


class AcceptForm(Form):
    service = ChoiceField(_l("Service you will provide"), coerce=optional_id,
                          description=_l("Optional."))

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = [SelectChoice(value="", label=_l("— none —"))] + [
            SelectChoice(value=s.id, label=s.name) for s in services]


class DeclineForm(Form):
    decline_reason = _text(_l("Reason for declining"), _l("Give the reason for declining."))


class CompleteForm(Form):
    result = _text(_l("Result"), _l("Describe the result."))
