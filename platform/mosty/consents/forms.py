"""Forms for recording and withdrawing a consent, and the choice fields the referral forms share.

Choices of institutions are built by the views from rows the member may see, so an id of
another partnership or an unknown value is refused by the field itself with a readable message.
"""

from wtforms import DateField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import dates
from ..forms import Form, date_within, whole_number
from ..i18n import lazy_gettext as _l
from .models import LAWFUL_BASES, PURPOSES

LAWFUL_BASIS_LABELS = {
    "consent": _l("consent of the person (GDPR art. 6(1)(a))"),
    "legal_obligation": _l("legal obligation (art. 6(1)(c))"),
    "public_task": _l("public task (art. 6(1)(e))"),
    "vital_interests": _l("vital interests (art. 6(1)(d))"),
    "contract": _l("contract with the person (art. 6(1)(b))"),
}
PURPOSE_LABELS = {
    "support": _l("support"),
    "referral": _l("referral"),
    "reporting": _l("reporting"),
    "contact": _l("contact"),
}
INVALID_CHOICE = _l("Choose one of the options offered.")
INVALID_DATE = _l("Enter a date as YYYY-MM-DD.")


def choices(labels):
    """SelectChoice list from a {value: label} mapping, in the mapping's order."""
    return [SelectChoice(value=value, label=label) for value, label in labels.items()]


class ChoiceField(SelectField):
    """A select whose bad values (not offered, not a number) get our own readable message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier to tap on a tablet than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class PastDateField(DateField):
    """A date that has already come (today at the latest), not before the programme's records
    begin (``EARLIEST_RECORD_DATE``)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", INVALID_DATE)
        super().__init__(label, [*(validators or ()), date_within()], **kwargs)


class ConsentForm(Form):
    lawful_basis = ChoiceField(_l("Lawful basis"), choices=choices(LAWFUL_BASIS_LABELS),
                               default="consent")
    purposes = CheckboxesField(
        _l("Purposes"), choices=choices(PURPOSE_LABELS),
        description=_l("Support: the named institutions see the whole record. Referral: the "
                       "person may be referred to them, with the data chosen in the referral."),
    )
    institutions = CheckboxesField(
        _l("Institutions that may see the record"), coerce=whole_number,
        description=_l("Only these institutions of the partnership get access, and only "
                       "while the consent is active."),
    )
    given_on = PastDateField(_l("Date given"), default=dates.today,
                             validators=[InputRequired(message=INVALID_DATE)])

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions.choices = [SelectChoice(value=i.id, label=i.name) for i in institutions]

    def validate_purposes(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one purpose."))
        if set(field.data) - set(PURPOSES):
            raise ValidationError(INVALID_CHOICE)

    def validate_institutions(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one institution."))

    def validate_lawful_basis(self, field):
        if field.data not in LAWFUL_BASES:
            raise ValidationError(INVALID_CHOICE)


class WithdrawConsentForm(Form):
    withdrawn_on = PastDateField(_l("Date of withdrawal"), default=dates.today,
                                 validators=[InputRequired(message=INVALID_DATE)])
