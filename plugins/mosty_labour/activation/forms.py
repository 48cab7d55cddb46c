"""Forms of the instrument catalogue: an instrument, an enrolment, its end, attendance."""

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import INSTRUMENT_MONTHS_AHEAD, PROGRAMME_BEGINS, months_ahead, within
from ..offers.places import commune_problem
from ..offers.service import communes
from ..registration.forms import INVALID_CHOICE, INVALID_DATE
from .service import KIND_LABELS

TOO_LONG = _l("At most %(max)d characters.")


def _note(label, required=None):
    validators = [Length(max=2000, message=TOO_LONG)]
    validators.insert(0, DataRequired(message=required) if required else Optional())
    return TextAreaField(label, validators=validators, render_kw={"rows": 3})


class InstrumentForm(toolkit.Form):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(value=k, label=v)
                                            for k, v in KIND_LABELS.items()],
                       invalid_choice_message=INVALID_CHOICE,
                       validators=[InputRequired(message=INVALID_CHOICE)])
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give the instrument a title.")),
        Length(max=200, message=TOO_LONG)])
    locality = StringField(_l("Place (locality)"), validators=[
        DataRequired(message=_l("Give the place.")), Length(max=120, message=TOO_LONG)])
    teryt = StringField(_l("Commune TERYT code"), validators=[
        Optional(), Length(min=7, max=7, message=_l("A commune code has 7 digits."))],
        description=_l("Optional: 7 digits, for reports by county."))
    starts_on = DateField(_l("Starts on"), invalid_value_message=INVALID_DATE,
                          validators=[InputRequired(message=INVALID_DATE), within(
                              PROGRAMME_BEGINS, lambda: months_ahead(INSTRUMENT_MONTHS_AHEAD))])
    ends_on = DateField(_l("Ends on"), invalid_value_message=INVALID_DATE,
                        validators=[Optional()], description=_l("Empty only for support without an end: a grant, job "
                                                    "placement or career counselling."))
    capacity = IntegerField(_l("Places"), validators=[
        InputRequired(message=_l("Give the number of places.")),
        NumberRange(min=1, max=10000, message=_l("Between 1 and 10000 places."))])
    description = _note(_l("Description"))

    def values(self):
        return {name: getattr(self, name).data for name in
                ("kind", "title", "locality", "teryt", "starts_on", "ends_on", "capacity",
                 "description")}

    def validate_teryt(self, field):
        if field.errors or not field.data:
            return
        if not (field.data.isascii() and field.data.isdigit()):
            raise ValidationError(_l("A commune code has 7 digits."))
        # A commune that exists, in the partnership's territory (as an offer's place): the
        # reports count instruments by county from this code.
        problem = commune_problem(field.data, communes())
        if problem is not None:
            raise ValidationError(problem)


class EnrolForm(toolkit.Form):
    instrument = SelectField(_l("Instrument"), coerce=int, invalid_choice_message=INVALID_CHOICE,
                             invalid_value_message=INVALID_CHOICE)
    enrolled_on = DateField(_l("Enrolled on"), default=toolkit.today,
                            invalid_value_message=INVALID_DATE,
                            validators=[InputRequired(message=INVALID_DATE)])

    def __init__(self, *args, instruments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument.choices = [SelectChoice(value=i.id, label=i.title) for i in instruments]


class EnrolPersonForm(toolkit.Form):
    participant = SelectField(_l("Person"), coerce=int, invalid_choice_message=INVALID_CHOICE,
                              invalid_value_message=INVALID_CHOICE)
    enrolled_on = DateField(_l("Enrolled on"), default=toolkit.today,
                            invalid_value_message=INVALID_DATE,
                            validators=[InputRequired(message=INVALID_DATE)])

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.participant.choices = [
            SelectChoice(value=p.id, label=f"{p.last_name} {p.first_name} ({p.birth_date.year})")
            for p in people]


class CompleteForm(toolkit.Form):
    ended_on = DateField(_l("Completed on"), default=toolkit.today,
                         invalid_value_message=INVALID_DATE,
                         validators=[InputRequired(message=INVALID_DATE)])
    note = _note(_l("Result (certificate, qualification...)"))


class DropoutForm(toolkit.Form):
    ended_on = DateField(_l("Dropped out on"), default=toolkit.today,
                         invalid_value_message=INVALID_DATE,
                         validators=[InputRequired(message=INVALID_DATE)])
    reason = _note(_l("Reason for dropping out"), _l("Give the reason for dropping out."))


class CancelForm(toolkit.Form):
    reason = _note(_l("Reason for cancelling"), _l("Give the reason for cancelling."))


class AttendanceDayForm(toolkit.Form):
    """Only the day; the checkboxes (``present`` = enrolment ids) are read by the view."""

    day = DateField(_l("Day"), default=toolkit.today, invalid_value_message=INVALID_DATE,
                    validators=[InputRequired(message=INVALID_DATE)])
