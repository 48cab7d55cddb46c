"""Restricting processing (and lifting it), recording an erasure request, finding a person."""

from datetime import date

from wtforms import BooleanField, DateField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from .. import dates
from ..forms import Form, date_within
from ..i18n import lazy_gettext as _l
from ..participants.forms import strip
from .erasure import confirmation_text
from .restriction import MAX_REASON

INVALID_DATE = _l("Enter a date as YYYY-MM-DD.")


class RestrictionForm(Form):
    # What the page offered ("restrict" or "lift"): sent twice (a double click, a page sent
    # again), the form must not undo itself.
    intent = HiddenField()
    reason = TextAreaField(
        _l("Reason"), filters=[strip], render_kw={"rows": 3},
        validators=[DataRequired(message=_l("Give the reason.")),
                    Length(max=MAX_REASON, message=_l("At most %(max)d characters."))],
        description=_l("E.g. the person contests the accuracy of the data, or objected to "
                       "the processing and the objection is being examined."))


# The request invokes the right to erasure of the GDPR (art. 17), which applies from this day.
GDPR_APPLIES_FROM = date(2018, 5, 25)


class ErasureForm(Form):
    received_on = DateField(
        _l("Request received on"), default=dates.today, invalid_value_message=INVALID_DATE,
        validators=[InputRequired(message=INVALID_DATE),
                    date_within(GDPR_APPLIES_FROM,
                                too_late=_l("The request cannot be dated in the future."))])
    # Shown, and required by request_erasure, only when the request would erase the data.
    confirm_erasure = BooleanField()

    def for_person(self, participant):
        """Name the person in the confirmation: the recorder sees whose data goes."""
        self.confirm_erasure.label.text = confirmation_text(participant)
        return self
