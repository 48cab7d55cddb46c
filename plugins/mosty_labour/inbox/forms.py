"""Answering a referral in the labour office's inbox."""

from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..activation.service import KIND_LABELS
from ..registration.forms import INVALID_CHOICE

TOO_LONG = _l("At most %(max)d characters.")


def _optional_id(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _text(label, required):
    return TextAreaField(label, validators=[DataRequired(message=required),
                                            Length(max=2000, message=TOO_LONG)],
                         render_kw={"rows": 4})


class AcceptForm(toolkit.Form):
    instrument = SelectField(_l("Place on an activation instrument"), coerce=_optional_id,
                             invalid_choice_message=INVALID_CHOICE,
                             invalid_value_message=INVALID_CHOICE)
    service = SelectField(_l("or provide a service"), coerce=_optional_id,
                          invalid_choice_message=INVALID_CHOICE,
                          invalid_value_message=INVALID_CHOICE)

    def __init__(self, *args, instruments=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        none = SelectChoice(value="", label=_l("— none —"))
        self.instrument.choices = [none] + [
            SelectChoice(value=i.id, label=_l("%(title)s (%(kind)s, %(left)d places left)",
                                              title=i.title, kind=KIND_LABELS[i.kind],
                                              left=i.places_left))
            for i in instruments]
        self.service.choices = [none] + [SelectChoice(value=s.id, label=s.name)
                                         for s in services]

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if (self.instrument.data is None) == (self.service.data is None):
            self.form_errors.append(_l("Choose either an activation instrument or a service."))
            return False
        return True


class DeclineForm(toolkit.Form):
    decline_reason = _text(_l("Reason for declining"), _l("Give the reason for declining."))


class CompleteForm(toolkit.Form):
    result = _text(_l("Result"), _l("Describe the result."))


