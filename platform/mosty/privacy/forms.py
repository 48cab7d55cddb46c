"""Restricting processing (and lifting it), recording an erasure request, finding a person."""

from datetime import date

from wtforms import DateField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms import Form
from ..i18n import lazy_gettext as _l
from ..participants.forms import strip
from .restriction import MAX_REASON

INVALID_DATE = _l("Enter a date as YYYY-MM-DD.")


class RestrictionForm(Form):
    reason = TextAreaField(
        _l("Reason"), filters=[strip], render_kw={"rows": 3},
        validators=[DataRequired(message=_l("Give the reason.")),
                    Length(max=MAX_REASON, message=_l("At most %(max)d characters."))],
        description=_l("E.g. the person contests the accuracy of the data, or objected to "
                       "the processing and the objection is being examined."))


class ErasureForm(Form):
    received_on = DateField(_l("Request received on"), default=date.today,
                            invalid_value_message=INVALID_DATE,
                            validators=[InputRequired(message=INVALID_DATE)])

    def validate_received_on(self, field):
        if field.data is not None and field.data > date.today():
            raise ValidationError(_l("The request cannot be dated in the future."))
